package threatqtest

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFieldsParameter(t *testing.T) {
	s := newServer(t, Options{})
	// The peer-like shapes: pretty printed, keys in any order, sources and
	// attributes first, last, adjacent, or absent.
	stored := []json.RawMessage{
		json.RawMessage(`{"sources":[{"name":"A"}],"attributes":[{"name":"n","value":"v"}],"id":1,"updated_at":"2024-01-01 00:00:01"}`),
		json.RawMessage(`{
			"id": 2, "updated_at": "2024-01-01 00:00:02",
			"attributes": [ {"name": "x}", "value": "[\"quoted\"]"} ],
			"value": "a,b",
			"sources": [ {"name": "S"} ]
		}`),
		json.RawMessage(`{"id":3,"updated_at":"2024-01-01 00:00:03","value":"no extras"}`),
		json.RawMessage(`{"attributes":[],"sources":[]}`),
	}
	stored = append(stored, Generate(20, 9, t0)...)
	s.SetCollection("c", stored)
	tok := token(t, s)

	cases := []struct {
		name         string
		fields       []string // nil: absent
		keepSources  bool
		keepAttrs    bool
		exactlyAsSet bool
	}{
		{name: "absent: current ThreatQ leaves both out"},
		{name: "Elastic 1.39.2 style", fields: []string{"*,attributes.name,attributes.value,sources"}, keepSources: true, keepAttrs: true, exactlyAsSet: true},
		{name: "repeated parameter", fields: []string{"*", "Attributes", "SOURCES"}, keepSources: true, keepAttrs: true, exactlyAsSet: true},
		{name: "sources only", fields: []string{"*,sources"}, keepSources: true},
		{name: "attributes only", fields: []string{"attributes"}, keepAttrs: true},
		{name: "neither", fields: []string{"*"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"sort": {"updated_at"}, "cursorMark": {"*"}, "limit": {"100"}}
			if tc.fields != nil {
				q["fields"] = tc.fields
			}
			p := fetchPage(t, s, tok, "c", q)
			items := p.items(t)
			require.Len(t, items, len(stored))
			byID := map[float64]json.RawMessage{}
			for _, raw := range stored {
				var m map[string]any
				require.NoError(t, json.Unmarshal(raw, &m))
				id, _ := m["id"].(float64)
				byID[id] = raw
			}
			for _, it := range items {
				var got map[string]any
				require.NoError(t, json.Unmarshal(it, &got), "%s", it)
				id, _ := got["id"].(float64)
				orig := byID[id]
				var want map[string]any
				require.NoError(t, json.Unmarshal(orig, &want))
				if !tc.keepSources {
					delete(want, "sources")
				}
				if !tc.keepAttrs {
					delete(want, "attributes")
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("indicator %v (-want +got):\n%s", id, diff)
				}
				if tc.exactlyAsSet {
					assert.Equal(t, string(bytesTrim(orig)), string(it), "served as stored, byte for byte")
				}
			}
		})
	}
}

func TestNonObjectElements(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", []json.RawMessage{
		json.RawMessage(`{"id":1,"updated_at":"2024-01-01 00:00:00"}`),
		json.RawMessage(`42`), json.RawMessage(`"text"`), json.RawMessage(`null`), json.RawMessage(`[1,{"sources":2}]`),
		json.RawMessage(`{"id":"7","updated_at":"bad date","sources":[]}`),
	})
	// Without fields: sources are left out of objects only.
	p := fetchPage(t, s, s.IssueToken(), "c", url.Values{"sort": {"updated_at"}, "cursorMark": {"*"}})
	got := []string{}
	for _, it := range p.items(t) {
		got = append(got, string(it))
	}
	// Unreadable sort keys sort first, in insertion order.
	assert.Equal(t, []string{`42`, `"text"`, `null`, `[1,{"sources":2}]`, `{"id":"7","updated_at":"bad date"}`, `{"id":1,"updated_at":"2024-01-01 00:00:00"}`}, got)
}

func TestSetCollectionPanicsOnInvalidJSON(t *testing.T) {
	s := newServer(t, Options{})
	assert.Panics(t, func() { s.SetCollection("c", []json.RawMessage{json.RawMessage(`{"id":`)}) })
	assert.Panics(t, func() { s.Append("c", json.RawMessage(``)) })
}
