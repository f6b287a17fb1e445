package threatqtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"time"
)

// ThreatQ's time format: no zone, UTC assumed.
const threatqTimeLayout = "2006-01-02 15:04:05"

// noValue is the sort value of an absent or unreadable updated_at or id: it
// sorts first.
const noValue = math.MinInt64

var (
	errInvalidJSON = errors.New("not valid JSON")
	errNotObject   = errors.New("not a JSON object")
)

// span is a byte range [start, end) of a stored indicator.
type span struct{ start, end int32 }

// member is one top-level member of a JSON object: b[keyStart:valEnd] is
// `"key" : value`, and key is the name, unescaped.
type member struct {
	key                        string
	keyStart, valStart, valEnd int
}

// scanMembers appends the top-level members of b to dst, read with
// encoding/json. b must be valid JSON without surrounding space; ok is
// false when it is not an object.
func scanMembers(b []byte, dst []member) (members []member, ok bool) {
	if len(b) == 0 || b[0] != '{' {
		return dst, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // '{'
		return dst, false
	}
	prevEnd := 1
	var v json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		key, isName := tok.(string)
		if err != nil || !isName {
			return dst, false
		}
		if err := dec.Decode(&v); err != nil {
			return dst, false
		}
		valEnd := int(dec.InputOffset())
		dst = append(dst, member{
			key:      key,
			keyStart: prevEnd + bytes.IndexByte(b[prevEnd:], '"'), // only space and a comma come before
			valStart: valEnd - len(v),
			valEnd:   valEnd,
		})
		prevEnd = valEnd
	}
	return dst, true
}

// dropCuts returns the byte ranges to leave out of b so that the members
// at the indexes in drop (at most two, ascending, -1 for none) disappear
// and the rest stays a valid object with its original spelling.
func dropCuts(members []member, drop [2]int) [2]span {
	var cuts [2]span
	n := 0
	add := func(start, end int) {
		if n > 0 && int(cuts[n-1].end) == start {
			cuts[n-1].end = int32(end)
			return
		}
		cuts[n] = span{int32(start), int32(end)}
		n++
	}
	dropped := func(i int) bool { return i >= 0 && (i == drop[0] || i == drop[1]) }
	if drop[0] < 0 && drop[1] < 0 {
		return cuts
	}
	first := -1 // first kept member
	for i := range members {
		if !dropped(i) {
			first = i
			break
		}
	}
	if first < 0 { // every member goes: keep only the braces
		add(members[0].keyStart, members[len(members)-1].valEnd)
		return cuts
	}
	if first > 0 { // leading members go with the separator after them
		add(members[0].keyStart, members[first].keyStart)
	}
	for _, i := range drop {
		if i > first { // later members go with the separator before them
			add(members[i-1].valEnd, members[i].valEnd)
		}
	}
	return cuts
}

// parseIntValue reads an integer member value, plain or quoted.
func parseIntValue(v []byte) (int64, bool) {
	if len(v) >= 2 && v[0] == '"' {
		v = v[1 : len(v)-1]
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	return n, err == nil
}

// parseTimeValue reads a time member value: ThreatQ's layout, or RFC 3339.
func parseTimeValue(v []byte) (time.Time, bool) {
	if len(v) < 2 || v[0] != '"' {
		return time.Time{}, false
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return time.Time{}, false
	}
	if t, err := time.Parse(threatqTimeLayout, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}
