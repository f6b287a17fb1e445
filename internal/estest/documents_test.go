package estest

import (
	"net/http"
	"testing"
	"time"
)

var clock = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// dsServer has a data stream template for logs-x.y-* whose default
// pipeline sets event.ingested, with a constant_keyword label.
func dsServer(t *testing.T) *Server {
	t.Helper()
	s := New(Options{Now: func() time.Time { return clock }})
	t.Cleanup(s.Close)
	mustOK(t, s, http.MethodPut, "/_ingest/pipeline/p", `{"processors":[{"set":{"field":"event.ingested","value":"{{{_ingest.timestamp}}}"}}]}`)
	mustOK(t, s, http.MethodPut, "/_index_template/x", `{"index_patterns":["logs-x.y-*"],"priority":150,"data_stream":{},
		"template":{"settings":{"index":{"default_pipeline":"p"}},"mappings":{"properties":{"labels":{"properties":{"src":{"type":"constant_keyword"}}}}}}}`)
	return s
}

func mustOK(t *testing.T, s *Server, method, path, body string) map[string]any {
	t.Helper()
	status, out := call(t, s, method, path, body)
	if status >= 300 {
		t.Fatalf("%s %s: %d %v", method, path, status, out)
	}
	return out
}

func reindexBody(opType, pipeline, source string) string {
	return `{"conflicts":"proceed","source":{"index":"old"` + source + `},"dest":{"index":"logs-x.y-ns","op_type":"` + opType + `","pipeline":"` + pipeline + `"}}`
}

// TestReindexIntoADataStream: a reindex into a data stream must be
// op_type create; the first write creates the data stream; the default
// pipeline runs unless the request names _none; a constant_keyword keeps
// its first value; an existing _id is a counted conflict.
func TestReindexIntoADataStream(t *testing.T) {
	s := dsServer(t)
	s.SeedIndex("old", map[string]any{})
	s.SeedDocument("old", "a", map[string]any{"event": map[string]any{"ingested": "2026-01-01T00:00:00Z"}, "labels": map[string]any{"src": "false"}})

	_, out := call(t, s, http.MethodPost, "/_reindex", reindexBody("index", "_none", ""))
	if f, _ := out["failures"].([]any); len(f) != 1 || f[0].(map[string]any)["cause"].(map[string]any)["reason"] != "only write ops with an op_type of create are allowed in data streams" {
		t.Fatalf("op_type index into a data stream: %v", out)
	}
	// _none keeps event.ingested; the excluded label leaves the constant unset.
	out = mustOK(t, s, http.MethodPost, "/_reindex?refresh=true", reindexBody("create", "_none", `,"_source":{"excludes":["labels.src"]}`))
	if out["created"] != float64(1) {
		t.Fatalf("reindex: %v", out)
	}
	got := s.Documents("logs-x.y-ns")["a"]
	if values(got, "event.ingested")[0] != "2026-01-01T00:00:00Z" || len(values(got, "labels.src")) != 0 {
		t.Fatalf("reindexed document %v", got)
	}
	if s.DataStream("logs-x.y-ns")["template"] != "x" {
		t.Fatalf("the write did not create the data stream: %v", s.String())
	}
	// Again: the same _id is a version conflict, counted with proceed.
	out = mustOK(t, s, http.MethodPost, "/_reindex", reindexBody("create", "_none", `,"_source":{"excludes":["labels.src"]}`))
	if out["version_conflicts"] != float64(1) || out["created"] != float64(0) {
		t.Fatalf("second reindex: %v", out)
	}
	// Through the default pipeline, event.ingested is the cluster's time.
	s.SeedDocument("old", "b", map[string]any{"event": map[string]any{"ingested": "2026-01-01T00:00:00Z"}, "labels": map[string]any{"src": "true"}})
	mustOK(t, s, http.MethodPost, "/_reindex", `{"conflicts":"proceed","source":{"index":"old","query":{"term":{"labels.src":"true"}}},"dest":{"index":"logs-x.y-ns","op_type":"create"}}`)
	if got := s.Documents("logs-x.y-ns")["b"]; values(got, "event.ingested")[0] != clock.Format(time.RFC3339Nano) {
		t.Fatalf("default pipeline did not run: %v", got)
	}
	// The constant_keyword now holds "true": "false" is refused.
	_, out = call(t, s, http.MethodPost, "/_reindex", `{"source":{"index":"old","query":{"term":{"labels.src":"false"}}},"dest":{"index":"logs-x.y-ns","op_type":"create","pipeline":"_none"}}`)
	f, _ := out["failures"].([]any)
	if len(f) != 1 || f[0].(map[string]any)["cause"].(map[string]any)["type"] != "document_parsing_exception" {
		t.Fatalf("a second constant_keyword value was accepted: %v", out)
	}
}

func TestSearchTermsAggregation(t *testing.T) {
	s := dsServer(t)
	s.SeedIndex("old", map[string]any{}, "al")
	for id, ns := range map[string]string{"1": "a", "2": "b", "3": "a"} {
		s.SeedDocument("old", id, map[string]any{"data_stream": map[string]any{"namespace": ns}})
	}
	out := mustOK(t, s, http.MethodPost, "/al/_search", `{"size":0,"aggs":{"ns":{"terms":{"field":"data_stream.namespace","size":100}}}}`)
	b := out["aggregations"].(map[string]any)["ns"].(map[string]any)["buckets"].([]any)
	if len(b) != 2 || b[0].(map[string]any)["key"] != "a" || b[0].(map[string]any)["doc_count"] != float64(2) {
		t.Fatalf("buckets %v", b)
	}
	status, _ := call(t, s, http.MethodPost, "/missing/_search", `{"size":0}`)
	if status != http.StatusNotFound {
		t.Fatalf("search of a missing index: %d", status)
	}
}

// TestTransformCheckpoint: a started latest transform writes the newest
// document per key below now - sync delay, through dest.pipeline, and
// its retention policy deletes expired ones.
func TestTransformCheckpoint(t *testing.T) {
	s := dsServer(t)
	mustOK(t, s, http.MethodPut, "/_ingest/pipeline/d", `{"processors":[{"set":{"field":"name","copy_from":"k"}},{"remove":{"keep":["name","exp"]}}]}`)
	mustOK(t, s, http.MethodPut, "/_data_stream/logs-x.y-ns", "")
	at := func(d time.Duration) string { return clock.Add(d).Format(time.RFC3339Nano) }
	for id, d := range map[string]map[string]any{
		"1": {"k": "a", "v": 1, "ingested": at(-time.Hour), "exp": at(time.Hour)},
		"2": {"k": "a", "v": 2, "ingested": at(-30 * time.Minute), "exp": at(time.Hour)},
		"3": {"k": "a", "v": 3, "ingested": at(-time.Minute), "exp": at(time.Hour)}, // within the sync delay
		"4": {"k": "b", "v": 1, "ingested": at(-time.Hour), "exp": at(-time.Hour)},  // expired
		"5": {"k": "c", "v": 1, "ingested": at(-time.Hour)},                         // never expires
	} {
		s.SeedDocument("logs-x.y-ns", id, d)
	}
	mustOK(t, s, http.MethodPut, "/_transform/l", `{"source":{"index":["logs-x.y-*"]},"dest":{"index":"lk","pipeline":"d"},
		"latest":{"unique_key":["k"],"sort":"ingested"},"sync":{"time":{"field":"ingested","delay":"120s"}},
		"retention_policy":{"time":{"field":"exp","max_age":"1m"}}}`)
	mustOK(t, s, http.MethodPut, "/lk", `{"settings":{"index":{"mode":"lookup"}}}`)
	mustOK(t, s, http.MethodPost, "/_transform/l/_start", "")
	got := map[string]any{}
	for _, d := range s.Documents("lk") {
		got[d["name"].(string)] = d
	}
	if len(got) != 2 || got["a"] == nil || got["c"] == nil || len(got["a"].(map[string]any)) != 2 {
		t.Fatalf("destination %v, want a (version 2, name and exp only) and c", got)
	}
	stats := mustOK(t, s, http.MethodGet, "/_transform/l/_stats", "")
	if cp := stats["transforms"].([]any)[0].(map[string]any)["checkpointing"].(map[string]any)["last"].(map[string]any)["checkpoint"]; cp != float64(1) {
		t.Fatalf("checkpoint %v", cp)
	}
	if s.Index("lk")["settings"].(map[string]any)["index"].(map[string]any)["auto_expand_replicas"] != "0-all" {
		t.Fatalf("lookup index settings %v", s.Index("lk"))
	}
}

func TestLookupIndexHasOneShard(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	status, body := call(t, s, http.MethodPut, "/lk", `{"settings":{"index":{"mode":"lookup","number_of_shards":3}}}`)
	wantError(t, status, body, http.StatusBadRequest, "illegal_argument_exception",
		"index with [lookup] mode must have [index.number_of_shards] set to 1 or unset; provided 3")
	mustOK(t, s, http.MethodPut, "/lk", `{"settings":{"index.mode":"lookup","index.number_of_shards":1,"index.auto_expand_replicas":"0-1"}}`)
}
