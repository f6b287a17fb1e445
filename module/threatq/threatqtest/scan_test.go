package threatqtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// served renders one stored indicator the way a page does.
func served(t testing.TB, raw string, mode dropMode) string {
	t.Helper()
	var x indexer
	e, err := x.entry(json.RawMessage(raw), 0)
	require.NoError(t, err)
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	writeIndicator(bw, &e, mode)
	require.NoError(t, bw.Flush())
	return buf.String()
}

func TestDropMembersKeepsSpelling(t *testing.T) {
	cases := []struct {
		name, in, both, noSources, noAttributes string
	}{
		{"middle", `{"a":1,"sources":[],"b":2,"attributes":{},"c":3}`, `{"a":1,"b":2,"c":3}`, `{"a":1,"b":2,"attributes":{},"c":3}`, `{"a":1,"sources":[],"b":2,"c":3}`},
		{"first and last", `{"sources":[1],"a":1,"attributes":[2]}`, `{"a":1}`, `{"a":1,"attributes":[2]}`, `{"sources":[1],"a":1}`},
		{"adjacent at the start", `{"attributes":[],"sources":[],"a":1}`, `{"a":1}`, `{"attributes":[],"a":1}`, `{"sources":[],"a":1}`},
		{"adjacent at the end", `{"a":1,"attributes":[],"sources":[]}`, `{"a":1}`, `{"a":1,"attributes":[]}`, `{"a":1,"sources":[]}`},
		{"only those two", `{"sources":[],"attributes":[]}`, `{}`, `{"attributes":[]}`, `{"sources":[]}`},
		{"alone", `{"sources":[]}`, `{}`, `{}`, `{"sources":[]}`},
		{"none", `{"a":"sources","b":{"attributes":1}}`, `{"a":"sources","b":{"attributes":1}}`, `{"a":"sources","b":{"attributes":1}}`, `{"a":"sources","b":{"attributes":1}}`},
		{"empty object", `{}`, `{}`, `{}`, `{}`},
		{
			"strings with brackets and escapes",
			`{"v":"}\"]","sources":[{"n":"a\\\"}]"}],"w":"\\"}`,
			`{"v":"}\"]","w":"\\"}`, `{"v":"}\"]","w":"\\"}`, `{"v":"}\"]","sources":[{"n":"a\\\"}]"}],"w":"\\"}`,
		},
		{
			"pretty printed",
			"{\n  \"sources\" : [ 1 ],\n  \"id\" : 1 ,\n  \"attributes\" :\t[]\n}",
			"{\n  \"id\" : 1\n}", "{\n  \"id\" : 1 ,\n  \"attributes\" :\t[]\n}", "{\n  \"sources\" : [ 1 ],\n  \"id\" : 1\n}",
		},
		{"duplicate key: the first goes", `{"sources":1,"a":2,"sources":3}`, `{"a":2,"sources":3}`, `{"a":2,"sources":3}`, `{"sources":1,"a":2,"sources":3}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.in, served(t, tc.in, dropNone))
			assert.Equal(t, tc.both, served(t, tc.in, dropBoth))
			assert.Equal(t, tc.noSources, served(t, tc.in, dropSources))
			assert.Equal(t, tc.noAttributes, served(t, tc.in, dropAttributes))
		})
	}
}

func TestSortKeyExtraction(t *testing.T) {
	cases := []struct {
		in   string
		want sortKey
	}{
		{`{"id":336,"updated_at":"2020-11-15 00:00:02"}`, sortKey{updated: 1605398402, id: 336}},
		{`{"indicator_id":"12","updated_at":"2020-11-15T00:00:02Z"}`, sortKey{updated: 1605398402, id: 12}},
		{`{"id":1,"indicator_id":2}`, sortKey{updated: noValue, id: 1}},
		{`{"id":1.5,"updated_at":17}`, sortKey{updated: noValue, id: noValue}},
		{`{"nested":{"id":9,"updated_at":"2020-11-15 00:00:02"}}`, sortKey{updated: noValue, id: noValue}},
		{`{"updated_at":"2020-11-15 00:00:0\u0032"}`, sortKey{updated: 1605398402, id: noValue}},
		{`[1]`, sortKey{updated: noValue, id: noValue}},
	}
	for _, tc := range cases {
		var x indexer
		e, err := x.entry(json.RawMessage(tc.in), 0)
		require.NoError(t, err)
		assert.Equal(t, tc.want, e.key, tc.in)
	}
}

func TestWithUpdatedAt(t *testing.T) {
	at := t0.Add(90 * 60e9)
	cases := map[string]string{
		`{"id":1,"updated_at":"2020-01-01 00:00:00","v":2}`: `{"id":1,"updated_at":"2024-03-01 13:30:00","v":2}`,
		`{"id":1}`: `{"id":1,"updated_at":"2024-03-01 13:30:00"}`,
		`{ }`:      `{"updated_at":"2024-03-01 13:30:00"}`,
	}
	for in, want := range cases {
		got, err := WithUpdatedAt(json.RawMessage(in), at)
		require.NoError(t, err)
		assert.Equal(t, want, string(got))
	}
	_, err := WithUpdatedAt(json.RawMessage(`[1]`), at)
	assert.ErrorIs(t, err, errNotObject)
	_, err = WithUpdatedAt(json.RawMessage(`{`), at)
	assert.ErrorIs(t, err, errInvalidJSON)
}

// FuzzDropMembers checks that leaving out sources and attributes always
// gives valid JSON equal to the decoded object without those keys.
func FuzzDropMembers(f *testing.F) {
	for _, seed := range []string{
		`{"a":1,"sources":[],"b":2,"attributes":{},"c":3}`,
		`{"sources":[],"attributes":[]}`,
		`{"v":"}\"]","sources":[{"n":"a\\\"}]"}],"w":"\\"}`,
		"{\n \"attributes\" : [ ] , \"x\" : null }",
		`[1,2]`, `"s"`, `{}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) {
			return
		}
		var orig map[string]any
		isObject := json.Unmarshal([]byte(in), &orig) == nil && orig != nil
		for _, mode := range []dropMode{dropNone, dropSources, dropAttributes, dropBoth} {
			out := served(t, in, mode)
			if !json.Valid([]byte(out)) {
				t.Fatalf("mode %d: invalid JSON %q from %q", mode, out, in)
			}
			if !isObject || hasDuplicateKeys(in) {
				continue
			}
			want := map[string]any{}
			for k, v := range orig {
				want[k] = v
			}
			if mode == dropSources || mode == dropBoth {
				delete(want, "sources")
			}
			if mode == dropAttributes || mode == dropBoth {
				delete(want, "attributes")
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("mode %d, %q (-want +got):\n%s", mode, in, diff)
			}
		}
	})
}

// hasDuplicateKeys reports whether the top-level object repeats a raw key
// (decoding keeps the last duplicate, the simulator drops the first).
func hasDuplicateKeys(in string) bool {
	members, _ := scanMembers(bytes.TrimSpace([]byte(in)), nil)
	seen := map[string]bool{}
	for _, m := range members {
		var k string
		if json.Unmarshal(append(append([]byte{'"'}, m.key...), '"'), &k) != nil || seen[k] {
			return true
		}
		seen[k] = true
	}
	return false
}
