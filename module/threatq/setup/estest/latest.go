package estest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Latest returns the documents a latest transform (the body of PUT
// /_transform/<id>) writes to its destination from source documents, as
// Elasticsearch's latest function computes them
// (x-pack/plugin/transform .../latest/Latest.java): the documents that
// source.query selects are grouped by a composite aggregation with one
// terms source per latest.unique_key field, each with missing_bucket:
// true, so a document lacking a key field falls into that field's null
// bucket, and a document with several values of a field into one bucket
// per value; the document of each bucket with the greatest latest.sort
// value (top_hits, size 1, descending) is kept.
//
// Latest answers the destination after a full checkpoint; the retention
// policy and sync delays are not applied. source.query may use match_all,
// bool (filter, must, must_not, should, minimum_should_match), term,
// terms and exists; anything else is an error, so a query that would
// select other documents than the test expects cannot pass unnoticed.
func Latest(transform map[string]any, docs []map[string]any) ([]map[string]any, error) {
	norm, err := roundTrip(transform)
	if err != nil {
		return nil, err
	}
	src, _ := norm["source"].(map[string]any)
	latest, _ := norm["latest"].(map[string]any)
	keys := stringList(latest["unique_key"])
	sortField, _ := latest["sort"].(string)
	if len(keys) == 0 || sortField == "" {
		return nil, fmt.Errorf("latest transform: latest.unique_key and latest.sort are required")
	}
	query, _ := src["query"].(map[string]any)
	if query == nil {
		query = map[string]any{"match_all": map[string]any{}}
	}
	buckets := map[string]map[string]any{}
	for _, d := range docs {
		doc, err := roundTrip(d)
		if err != nil {
			return nil, err
		}
		ok, err := matches(query, doc)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		for _, key := range bucketKeys(doc, keys) {
			if cur, seen := buckets[key]; !seen || later(doc, cur, sortField) {
				buckets[key] = doc
			}
		}
	}
	names := sortedKeys(buckets)
	out := make([]map[string]any, len(names))
	for i, n := range names {
		out[i] = buckets[n]
	}
	return out, nil
}

// bucketKeys are the composite keys of a document: the cross product of
// each key field's values, null for a missing field (missing_bucket).
func bucketKeys(doc map[string]any, fields []string) []string {
	keys := [][]any{{}}
	for _, f := range fields {
		vals := values(doc, f)
		if len(vals) == 0 {
			vals = []any{nil}
		}
		var next [][]any
		for _, k := range keys {
			for _, v := range vals {
				next = append(next, append(append([]any{}, k...), v))
			}
		}
		keys = next
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		b, _ := json.Marshal(k)
		out[i] = string(b)
	}
	return out
}

// later reports whether a sorts after b on field, descending; a document
// without the field sorts last.
func later(a, b map[string]any, field string) bool {
	av, bv := values(a, field), values(b, field)
	if len(av) == 0 {
		return false
	}
	if len(bv) == 0 {
		return true
	}
	return compare(av[0], bv[0]) > 0
}

func compare(a, b any) int {
	if as, ok := a.(string); ok {
		bs, _ := b.(string)
		ta, errA := time.Parse(time.RFC3339Nano, as)
		tb, errB := time.Parse(time.RFC3339Nano, bs)
		if errA == nil && errB == nil {
			return ta.Compare(tb)
		}
		return strings.Compare(as, bs)
	}
	an, _ := a.(float64)
	bn, _ := b.(float64)
	switch {
	case an < bn:
		return -1
	case an > bn:
		return 1
	}
	return 0
}

// values returns the values of a field, by dotted path through objects
// (or a key holding the dots), arrays flattened; none when absent or null.
func values(doc map[string]any, field string) []any {
	var out []any
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch v := v.(type) {
		case nil:
			return
		case []any:
			for _, e := range v {
				walk(e, path)
			}
			return
		case map[string]any:
			if path == "" {
				return // an object is not a value
			}
			for k, c := range v {
				if path == k {
					walk(c, "")
				} else if strings.HasPrefix(path, k+".") {
					walk(c, path[len(k)+1:])
				}
			}
			return
		}
		if path == "" {
			out = append(out, v)
		}
	}
	walk(doc, field)
	return out
}

// matches evaluates the query subset Latest supports on a document.
func matches(q map[string]any, doc map[string]any) (bool, error) {
	if len(q) != 1 {
		return false, fmt.Errorf("latest transform: a query needs exactly one type, got %v", q)
	}
	for typ, body := range q {
		b, _ := body.(map[string]any)
		switch typ {
		case "match_all":
			return true, nil
		case "exists":
			f, _ := b["field"].(string)
			return len(values(doc, f)) > 0, nil
		case "term", "terms":
			if len(b) != 1 {
				return false, fmt.Errorf("latest transform: %s needs one field, got %v", typ, b)
			}
			for f, want := range b {
				if m, ok := want.(map[string]any); ok && typ == "term" {
					want = m["value"]
				}
				wants := []any{want}
				if typ == "terms" {
					wants, _ = want.([]any)
				}
				for _, v := range values(doc, f) {
					for _, w := range wants {
						if fmt.Sprint(v) == fmt.Sprint(w) {
							return true, nil
						}
					}
				}
			}
			return false, nil
		case "bool":
			return boolMatches(b, doc)
		}
		return false, fmt.Errorf("latest transform: query type %q is not simulated", typ)
	}
	return false, nil
}

func boolMatches(b map[string]any, doc map[string]any) (bool, error) {
	clauses := func(k string) []map[string]any {
		switch v := b[k].(type) {
		case map[string]any:
			return []map[string]any{v}
		case []any:
			out := make([]map[string]any, 0, len(v))
			for _, c := range v {
				cm, _ := c.(map[string]any)
				out = append(out, cm)
			}
			return out
		}
		return nil
	}
	for k := range b {
		switch k {
		case "filter", "must", "must_not", "should", "minimum_should_match":
		default:
			return false, fmt.Errorf("latest transform: bool.%s is not simulated", k)
		}
	}
	for _, k := range []string{"filter", "must"} {
		for _, c := range clauses(k) {
			if ok, err := matches(c, doc); err != nil || !ok {
				return false, err
			}
		}
	}
	for _, c := range clauses("must_not") {
		if ok, err := matches(c, doc); err != nil || ok {
			return false, err
		}
	}
	should := clauses("should")
	need := 0
	if len(should) > 0 && len(clauses("filter"))+len(clauses("must")) == 0 {
		need = 1
	}
	if m, ok := b["minimum_should_match"].(float64); ok {
		need = int(m)
	}
	n := 0
	for _, c := range should {
		ok, err := matches(c, doc)
		if err != nil {
			return false, err
		}
		if ok {
			n++
		}
	}
	return n >= need, nil
}

func roundTrip(v any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = json.Unmarshal(data, &out)
	return out, err
}
