package estest

import (
	"net/http"
	"net/url"
	"strings"
)

// reindex serves POST /_reindex (ReindexRequest, Reindexer) for a local
// source: the documents of source.index that source.query selects, with
// source._source's includes/excludes applied, are written to dest.index
// with their _id, dest.op_type and dest.pipeline, each as a bulk item
// (write). A version conflict aborts the reindex unless conflicts is
// proceed, where it is counted; any other failure ends it with the
// failures in the answer (200, as Elasticsearch answers a reindex whose
// bulk items failed). Only wait_for_completion=true (the default) is
// served.
func (s *Server) reindex(q url.Values, doc map[string]any) (int, any) {
	if q.Get("wait_for_completion") == "false" {
		return http.StatusBadRequest, errBody("estest_unsupported", "the test double runs reindex only with wait_for_completion", http.StatusBadRequest)
	}
	src, _ := doc["source"].(map[string]any)
	dest, _ := doc["dest"].(map[string]any)
	from := strings.Join(stringList(src["index"]), ",")
	to, _ := dest["index"].(string)
	opType, _ := dest["op_type"].(string)
	if opType == "" {
		opType = "index"
	}
	pipeline, _ := dest["pipeline"].(string)
	proceed := doc["conflicts"] == "proceed"
	names := s.resolve(from)
	if len(names) == 0 {
		return indexNotFound(from)
	}
	query, _ := src["query"].(map[string]any)
	if query == nil {
		query = map[string]any{"match_all": map[string]any{}}
	}
	var created, conflicts, total int
	failures := []any{}
	for _, n := range names {
		for _, id := range sortedKeys(s.docs[n]) {
			d := s.docs[n][id]
			ok, err := matches(query, d, s.opts.Now())
			if err != nil {
				return http.StatusBadRequest, errBody("estest_unsupported", err.Error(), http.StatusBadRequest)
			}
			if !ok {
				continue
			}
			total++
			if werr := s.write(to, id, filterSource(d, src["_source"]), opType, pipeline); werr != nil {
				if werr.status == http.StatusConflict && proceed {
					conflicts++
					continue
				}
				failures = append(failures, map[string]any{"index": to, "id": id, "status": werr.status,
					"cause": map[string]any{"type": werr.typ, "reason": werr.reason}})
				return http.StatusOK, map[string]any{"timed_out": false, "total": total, "created": created,
					"version_conflicts": conflicts, "failures": failures}
			}
			created++
		}
	}
	return http.StatusOK, map[string]any{"timed_out": false, "total": total, "created": created,
		"updated": 0, "version_conflicts": conflicts, "failures": failures}
}

// filterSource applies a _source filter (true, a list of fields, or
// {includes, excludes}) to a copy of a document, as source filtering of
// the reindex's search does.
func filterSource(doc map[string]any, filter any) map[string]any {
	out := merge(nil, doc)
	switch f := filter.(type) {
	case []any:
		keepOnly(out, "", stringList(f))
	case string:
		keepOnly(out, "", []string{f})
	case map[string]any:
		if inc := stringList(f["includes"]); len(inc) > 0 {
			keepOnly(out, "", inc)
		}
		for _, e := range stringList(f["excludes"]) {
			removeField(out, e)
		}
	}
	return out
}

// search serves POST /<index>/_search: the first size (default 10)
// documents the query selects, hits.total and, per terms aggregation (the
// only aggregation setup sends), the buckets of a field's values.
func (s *Server) search(target string, doc map[string]any) (int, any) {
	names := s.resolve(target)
	if len(names) == 0 {
		return indexNotFound(target)
	}
	query, _ := doc["query"].(map[string]any)
	if query == nil {
		query = map[string]any{"match_all": map[string]any{}}
	}
	var hits []map[string]any
	var found []any
	size := 10
	if n, ok := doc["size"].(float64); ok {
		size = int(n)
	}
	for _, n := range names {
		for _, id := range sortedKeys(s.docs[n]) {
			ok, err := matches(query, s.docs[n][id], s.opts.Now())
			if err != nil {
				return http.StatusBadRequest, errBody("estest_unsupported", err.Error(), http.StatusBadRequest)
			}
			if ok {
				hits = append(hits, s.docs[n][id])
				if len(found) < size {
					found = append(found, map[string]any{"_index": n, "_id": id, "_source": s.docs[n][id]})
				}
			}
		}
	}
	aggs := map[string]any{}
	for name, a := range asMap(doc["aggs"]) {
		terms := asMap(asMap(a)["terms"])
		field, _ := terms["field"].(string)
		if field == "" {
			return http.StatusBadRequest, errBody("estest_unsupported", "the test double serves terms aggregations only", http.StatusBadRequest)
		}
		counts := map[string]int{}
		for _, h := range hits {
			for _, v := range values(h, field) {
				counts[v.(string)]++
			}
		}
		buckets := []any{}
		for _, k := range sortedKeys(counts) {
			buckets = append(buckets, map[string]any{"key": k, "doc_count": counts[k]})
		}
		aggs[name] = map[string]any{"buckets": buckets}
	}
	return http.StatusOK, map[string]any{"timed_out": false,
		"hits":         map[string]any{"total": map[string]any{"value": len(hits), "relation": "eq"}, "hits": append([]any{}, found...)},
		"aggregations": aggs}
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }
