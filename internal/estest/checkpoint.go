package estest

import (
	"net/http"
	"time"
)

// checkpoint runs one checkpoint of a started latest transform, as
// TransformIndexer does: the source documents (every index and data stream
// source.index names) that source.query selects and whose sync.time.field
// is below the checkpoint's upper bound, now - sync.time.delay
// (TimeSyncConfig.getRangeQuery), are grouped by the latest function
// (latest), each kept document goes through dest.pipeline and is written to
// dest.index under the function's _id (replacing the document of that _id),
// then the retention policy deletes the destination documents whose
// retention field is below now - max_age
// (RetentionPolicyToDeleteByQueryRequestConverter). A checkpoint reads the
// whole history below its upper bound; Elasticsearch's later checkpoints
// read only the keys changed since the last one, which gives the same
// destination. The caller holds s.mu.
func (s *Server) checkpoint(t *transform) *esError {
	now := s.opts.Now()
	src := asMap(t.body["source"])
	dest := asMap(t.body["dest"])
	to, _ := dest["index"].(string)
	pipeline, _ := dest["pipeline"].(string)
	syncTime := asMap(asMap(t.body["sync"])["time"])
	field, _ := syncTime["field"].(string)
	upper := now
	if d, err := time.ParseDuration(durationOf(syncTime["delay"], "60s")); err == nil && field != "" {
		upper = now.Add(-d)
	}
	var docs []map[string]any
	for _, pattern := range stringList(src["index"]) {
		for _, n := range s.resolve(pattern) {
			for _, id := range sortedKeys(s.docs[n]) {
				d := s.docs[n][id]
				if field != "" {
					if ok, _ := rangeMatches(map[string]any{field: map[string]any{"lt": upper.Format(time.RFC3339Nano)}}, d, now); !ok {
						continue
					}
				}
				docs = append(docs, d)
			}
		}
	}
	kept, err := latest(t.body, docs, now)
	if err != nil {
		return &esError{http.StatusBadRequest, "estest_unsupported", err.Error()}
	}
	for _, k := range kept {
		d := merge(nil, k.doc)
		if pipeline != "" {
			if perr := s.runPipeline(pipeline, d); perr != nil {
				return perr
			}
		}
		if s.docs[to] == nil {
			s.docs[to] = map[string]map[string]any{}
		}
		s.docs[to][k.id] = d
	}
	ret := asMap(asMap(t.body["retention_policy"])["time"])
	if rf, _ := ret["field"].(string); rf != "" {
		if d, err := time.ParseDuration(durationOf(ret["max_age"], "")); err == nil {
			cut := map[string]any{rf: map[string]any{"lt": now.Add(-d).Format(time.RFC3339Nano)}}
			for id, doc := range s.docs[to] {
				if ok, _ := rangeMatches(cut, doc, now); ok {
					delete(s.docs[to], id)
				}
			}
		}
	}
	t.checkpoint++
	return nil
}

// durationOf turns Elasticsearch's time units (120s, 1m, 1h, 1d) into a Go
// duration string.
func durationOf(v any, def string) string {
	s, _ := v.(string)
	if s == "" {
		return def
	}
	if s[len(s)-1] == 'd' {
		if d, err := time.ParseDuration(s[:len(s)-1] + "h"); err == nil {
			return (d * 24).String()
		}
	}
	return s
}
