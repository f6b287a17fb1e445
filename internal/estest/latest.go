package estest

import (
	"crypto/sha256"
	"encoding/base64"
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
	kept, err := latest(transform, docs, time.Now())
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(kept))
	for i, k := range kept {
		out[i] = k.doc
	}
	return out, nil
}

// keptDoc is a document a latest transform keeps, with its document id.
type keptDoc struct {
	id  string
	doc map[string]any
}

// latest is Latest with the time date math in range queries is relative
// to; each kept document comes with the _id the transform gives it.
func latest(transform map[string]any, docs []map[string]any, now time.Time) ([]keptDoc, error) {
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
	ids := map[string]string{}
	for _, d := range docs {
		doc, err := roundTrip(d)
		if err != nil {
			return nil, err
		}
		ok, err := matches(query, doc, now)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		for i, key := range bucketKeys(doc, keys) {
			if cur, seen := buckets[key]; !seen || later(doc, cur, sortField) {
				buckets[key] = doc
				ids[key] = documentID(keys, bucketValues(doc, keys)[i])
			}
		}
	}
	names := sortedKeys(buckets)
	out := make([]keptDoc, len(names))
	for i, n := range names {
		out[i] = keptDoc{ids[n], buckets[n]}
	}
	return out, nil
}

// documentID is the _id the latest function gives a bucket's document
// (transforms IDGenerator): a hash of the unique key's values, ordered by
// field name (a TreeMap), a missing value hashed as "__NULL_VALUE__". The
// hash differs from Elasticsearch's MurmurHash3 but depends on the same
// things: the same fields and values give the same _id, another set of
// unique_key fields another one.
func documentID(fields []string, vals []any) string {
	byName := map[string]any{}
	for i, f := range fields {
		byName[f] = vals[i]
	}
	h := sha256.New()
	for _, f := range sortedKeys(byName) {
		v := "__NULL_VALUE__"
		if byName[f] != nil {
			v = fmt.Sprint(byName[f])
		}
		h.Write([]byte(v + "$"))
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

// bucketKeys are the composite keys of a document: the cross product of
// each key field's values, null for a missing field (missing_bucket).
func bucketKeys(doc map[string]any, fields []string) []string {
	keys := bucketValues(doc, fields)
	out := make([]string, len(keys))
	for i, k := range keys {
		b, _ := json.Marshal(k)
		out[i] = string(b)
	}
	return out
}

// bucketValues are the key values of each of a document's buckets.
func bucketValues(doc map[string]any, fields []string) [][]any {
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
	return keys
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

func roundTrip(v any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = json.Unmarshal(data, &out)
	return out, err
}
