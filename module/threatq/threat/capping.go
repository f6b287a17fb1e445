package threat

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxValueBytes is the longest string value an event carries: a longer one
// (a value, a description, an attribute, a source name...) is cut to its
// first MaxValueBytes bytes at a character boundary, and the cut is
// recorded in threatq.truncated and error.message. Real indicator values
// are far shorter; the cap keeps a broken or hostile server from making
// events that Elasticsearch refuses (http.max_content_length, 100 MB by
// default) and that every copy of a value multiplies.
const MaxValueBytes = 32 << 10

// MaxOriginalBytes is the longest event.original an event carries, cut and
// recorded in the same way.
const MaxOriginalBytes = 1 << 20

// maxQuoted is how many bytes of a bad value error.message quotes.
const maxQuoted = 64

// quote returns s quoted for error.message: whole when short, else its
// first maxQuoted bytes (at a character boundary) and its length.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	return strconv.Quote(prefix(s, maxQuoted)) + fmt.Sprintf("… (%d bytes)", len(s))
}

// prefix returns the longest start of s of at most n bytes that does not
// split a UTF-8 sequence.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut > n-utf8.UTFMax && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// capper cuts long strings of an event and remembers what it cut.
type capper struct {
	limit, originalLimit int
	path                 []string // names from the event's root to the current object
	cuts                 []cutValue
}

// cutValue is one cut string: the field, its length and what was kept.
type cutValue struct {
	field         string
	original, cut int
}

// capLongValues cuts every string of fields longer than the limit (the
// original limit for event.original), records each cut in
// threatq.truncated and returns the error.message lines about them. A cut value is a copy: it does not
// keep the long one in memory. An event without a long value is only
// looked at, without allocating.
func capLongValues(fields object, limit int) []string {
	if !hasLong(fields, limit) {
		return nil
	}
	c := capper{limit: limit, originalLimit: limit * (MaxOriginalBytes / MaxValueBytes)}
	c.object(fields)
	if len(c.cuts) == 0 {
		return nil
	}
	slices.SortFunc(c.cuts, func(a, b cutValue) int { return strings.Compare(a.field, b.field) })
	record := make([]object, len(c.cuts))
	msgs := make([]string, len(c.cuts))
	for i, cv := range c.cuts {
		record[i] = object{"field": cv.field, "original_bytes": int64(cv.original)}
		msgs[i] = fmt.Sprintf("%s: %d bytes, cut to the first %d", cv.field, cv.original, cv.cut)
	}
	fields["threatq"].(object)["truncated"] = record
	return msgs
}

// hasLong reports whether o holds a string longer than limit.
func hasLong(o object, limit int) bool {
	for _, v := range o {
		switch v := v.(type) {
		case string:
			if len(v) > limit {
				return true
			}
		case []string:
			for _, e := range v {
				if len(e) > limit {
					return true
				}
			}
		case object:
			if hasLong(v, limit) {
				return true
			}
		}
	}
	return false
}

func (c *capper) object(o object) {
	for k, v := range o {
		switch v := v.(type) {
		case string:
			if s, ok := c.cut(k, v); ok {
				o[k] = s
			}
		case []string:
			for i, e := range v {
				if s, ok := c.cut(k, e); ok {
					v[i] = s
				}
			}
		case object:
			c.path = append(c.path, k)
			c.object(v)
			c.path = c.path[:len(c.path)-1]
		}
	}
}

// cut returns v, the value of member k of the current object, cut to its
// field's limit; ok is false when v fits.
func (c *capper) cut(k, v string) (string, bool) {
	if len(v) <= c.limit {
		return v, false
	}
	name := strings.Join(append(c.path, k), ".")
	limit := c.limit
	if name == "event.original" {
		limit = c.originalLimit
		if len(v) <= limit {
			return v, false
		}
	}
	s := strings.Clone(prefix(v, limit))
	c.cuts = append(c.cuts, cutValue{field: name, original: len(v), cut: len(s)})
	return s, true
}
