package estest

import (
	"fmt"
	"strings"
	"time"
)

// matches evaluates the query subset the double supports (Latest, _reindex,
// _search) on a document: match_all, bool, term, terms, exists and range.
func matches(q map[string]any, doc map[string]any, now time.Time) (bool, error) {
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
			return boolMatches(b, doc, now)
		case "range":
			return rangeMatches(b, doc, now)
		}
		return false, fmt.Errorf("latest transform: query type %q is not simulated", typ)
	}
	return false, nil
}

func boolMatches(b map[string]any, doc map[string]any, now time.Time) (bool, error) {
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
			if ok, err := matches(c, doc, now); err != nil || !ok {
				return false, err
			}
		}
	}
	for _, c := range clauses("must_not") {
		if ok, err := matches(c, doc, now); err != nil || ok {
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
		ok, err := matches(c, doc, now)
		if err != nil {
			return false, err
		}
		if ok {
			n++
		}
	}
	return n >= need, nil
}

// rangeMatches evaluates a range query (gt, gte, lt, lte) on dates, with
// Elasticsearch's date math now[+-]<n><unit>, or on numbers. A document
// without the field does not match, so a delete by query on a range leaves
// it alone, as the transform retention policy's does
// (RetentionPolicyToDeleteByQueryRequestConverter: range lt
// checkpoint time - max_age).
func rangeMatches(b map[string]any, doc map[string]any, now time.Time) (bool, error) {
	if len(b) != 1 {
		return false, fmt.Errorf("range needs one field, got %v", b)
	}
	for f, spec := range b {
		bounds, _ := spec.(map[string]any)
		vals := values(doc, f)
		if len(vals) == 0 {
			return false, nil
		}
		for op, bound := range bounds {
			if op == "format" {
				continue
			}
			if bs, ok := bound.(string); ok && strings.HasPrefix(bs, "now") {
				t, err := dateMath(bs, now)
				if err != nil {
					return false, err
				}
				bound = t.Format(time.RFC3339Nano)
			}
			c := compare(vals[0], bound)
			ok := false
			switch op {
			case "gt":
				ok = c > 0
			case "gte":
				ok = c >= 0
			case "lt":
				ok = c < 0
			case "lte":
				ok = c <= 0
			default:
				return false, fmt.Errorf("range.%s is not simulated", op)
			}
			if !ok {
				return false, nil
			}
		}
		return true, nil
	}
	return false, nil
}

// dateMath resolves now, now-<n><unit> and now+<n><unit> (units s, m, h, d).
func dateMath(expr string, now time.Time) (time.Time, error) {
	rest := strings.TrimPrefix(expr, "now")
	if rest == "" {
		return now, nil
	}
	sign := time.Duration(1)
	switch rest[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return time.Time{}, fmt.Errorf("date math %q is not simulated", expr)
	}
	units := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}
	unit, ok := units[rest[len(rest)-1]]
	var n int
	if _, err := fmt.Sscanf(rest[1:len(rest)-1], "%d", &n); err != nil || !ok {
		return time.Time{}, fmt.Errorf("date math %q is not simulated", expr)
	}
	return now.Add(sign * time.Duration(n) * unit), nil
}
