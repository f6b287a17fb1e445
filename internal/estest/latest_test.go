package estest

import (
	"fmt"
	"slices"
	"testing"
)

func srcDoc(id any, ingested string) map[string]any {
	tq := map[string]any{}
	if id != nil {
		tq["id"] = id
	}
	return map[string]any{
		"event":   map[string]any{"ingested": ingested},
		"input":   map[string]any{"type": "threatq"},
		"threatq": tq,
	}
}

// kept renders the kept documents as id@ingested, sorted.
func kept(t *testing.T, tr map[string]any, docs ...map[string]any) []string {
	t.Helper()
	out, err := Latest(tr, docs)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, d := range out {
		id := "null"
		if v := values(d, "threatq.id"); len(v) > 0 {
			id = fmt.Sprint(v[0])
		}
		s = append(s, id+"@"+fmt.Sprint(values(d, "event.ingested")[0]))
	}
	slices.Sort(s)
	return s
}

func latestOn(query map[string]any, keys ...any) map[string]any {
	src := map[string]any{"index": []any{"src-*"}}
	if query != nil {
		src["query"] = query
	}
	return map[string]any{"source": src, "latest": map[string]any{"unique_key": keys, "sort": "event.ingested"}}
}

// TestLatestKeepsTheNewestDocumentPerKey, and shows missing_bucket: every
// document without the key field falls into one null bucket.
func TestLatestKeepsTheNewestDocumentPerKey(t *testing.T) {
	tr := latestOn(nil, "threatq.id")
	got := kept(t, tr,
		srcDoc(1, "2026-01-01T00:00:01.000Z"), srcDoc(1, "2026-01-01T00:00:03.000Z"), srcDoc(1, "2026-01-01T00:00:02.000Z"),
		srcDoc(2, "2026-01-01T00:00:01.000Z"),
		srcDoc(nil, "2026-01-01T00:00:05.000Z"), srcDoc(nil, "2026-01-01T00:00:04.000Z"),
	)
	want := []string{"1@2026-01-01T00:00:03.000Z", "2@2026-01-01T00:00:01.000Z", "null@2026-01-01T00:00:05.000Z"}
	if !slices.Equal(got, want) {
		t.Fatalf("kept %v, want %v (two documents without threatq.id collapse into one)", got, want)
	}

	// Two keys: null is a value of each, so (1, null) and (null, "a") differ.
	a := srcDoc(nil, "2026-01-01T00:00:01.000Z")
	a["threatq"].(map[string]any)["key"] = "a"
	b := srcDoc(nil, "2026-01-01T00:00:02.000Z")
	b["threatq"].(map[string]any)["key"] = "b"
	got = kept(t, latestOn(nil, "threatq.id", "threatq.key"), srcDoc(1, "2026-01-01T00:00:01.000Z"), a, b)
	if len(got) != 3 {
		t.Fatalf("kept %v, want three buckets", got)
	}
	// A multi-valued key puts the document in one bucket per value.
	m := srcDoc(nil, "2026-01-01T00:00:09.000Z")
	m["threatq"].(map[string]any)["key"] = []any{"a", "b"}
	out, err := Latest(latestOn(nil, "threatq.key"), []map[string]any{a, b, m})
	if err != nil || len(out) != 2 || values(out[0], "event.ingested")[0] != "2026-01-01T00:00:09.000Z" {
		t.Fatalf("multi-valued key: %v %v", out, err)
	}
}

func TestLatestAppliesTheSourceQuery(t *testing.T) {
	failed := srcDoc(3, "2026-01-01T00:00:09.000Z")
	failed["event"].(map[string]any)["kind"] = "pipeline_error"
	other := srcDoc(4, "2026-01-01T00:00:01.000Z")
	other["input"] = map[string]any{"type": "httpjson"}
	dotted := map[string]any{"threatq.id": 5.0, "input.type": "threatq", "event.ingested": "2026-01-01T00:00:01.000Z"}
	q := map[string]any{"bool": map[string]any{
		"filter":   []any{map[string]any{"term": map[string]any{"input.type": "threatq"}}},
		"must_not": []any{map[string]any{"term": map[string]any{"event.kind": map[string]any{"value": "pipeline_error"}}}},
	}}
	got := kept(t, latestOn(q, "threatq.id"), srcDoc(3, "2026-01-01T00:00:01.000Z"), failed, other, dotted)
	want := []string{"3@2026-01-01T00:00:01.000Z", "5@2026-01-01T00:00:01.000Z"}
	if !slices.Equal(got, want) {
		t.Fatalf("kept %v, want %v", got, want)
	}
	should := map[string]any{"bool": map[string]any{"should": []any{
		map[string]any{"exists": map[string]any{"field": "threatq.id"}},
		map[string]any{"terms": map[string]any{"input.type": []any{"none"}}},
	}}}
	if got := kept(t, latestOn(should, "threatq.id"), srcDoc(nil, "2026-01-01T00:00:01.000Z"), srcDoc(6, "2026-01-01T00:00:01.000Z")); !slices.Equal(got, []string{"6@2026-01-01T00:00:01.000Z"}) {
		t.Fatalf("should: %v", got)
	}
	for _, bad := range []map[string]any{
		{"query_string": map[string]any{"query": "x"}},
		{"bool": map[string]any{"filter": []any{}, "boost": 2.0}},
		{"term": map[string]any{"a": 1.0, "b": 2.0}},
	} {
		if _, err := Latest(latestOn(bad, "threatq.id"), []map[string]any{srcDoc(1, "2026-01-01T00:00:01.000Z")}); err == nil {
			t.Errorf("query %v was accepted", bad)
		}
	}
}
