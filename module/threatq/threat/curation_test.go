package threat

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTLPRank(t *testing.T) {
	order := [][]string{{"CLEAR", "WHITE"}, {"GREEN"}, {"AMBER"}, {"AMBER+STRICT"}, {"RED"}}
	for i, level := range order {
		for _, tlp := range level {
			assert.Equal(t, i, tlpRank(tlp), tlp)
		}
	}
	assert.Equal(t, -1, tlpRank("PURPLE"))
	assert.Equal(t, TLPLevels, []string{"CLEAR", "WHITE", "GREEN", "AMBER", "AMBER+STRICT", "RED"})
}

func TestParseTLP(t *testing.T) {
	for in, want := range map[string]string{"amber": "AMBER", "TLP:Red": "RED", "amber+strict": "AMBER+STRICT", "white": "WHITE", "clear": "CLEAR"} {
		got, ok := ParseTLP(in)
		require.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "amber strict", "TLP:", "purple"} {
		_, ok := ParseTLP(in)
		assert.False(t, ok, in)
	}
}

func TestCurationFilter(t *testing.T) {
	type ind struct {
		typ      string
		score    int64
		hasScore bool
		tlp      []string
	}
	ip := ind{typ: "IP Address", score: 6, hasScore: true, tlp: []string{"GREEN"}}
	for _, tt := range []struct {
		name string
		c    Curation
		in   ind
		want Filter
	}{
		{"no curation keeps everything", Curation{}, ind{}, ""},
		{"min_score met", Curation{MinScore: 6}, ip, ""},
		{"min_score missed", Curation{MinScore: 7}, ip, FilterMinScore},
		{"no score fails min_score", Curation{MinScore: 1}, ind{typ: "IP Address"}, FilterMinScore},
		{"score 0 meets no threshold above 0", Curation{MinScore: 1}, ind{typ: "IP Address", hasScore: true}, FilterMinScore},
		{"types allow", Curation{Types: []string{"FQDN", "IP Address"}}, ip, ""},
		{"types deny", Curation{Types: []string{"FQDN"}}, ip, FilterTypes},
		{"types deny an indicator without type", Curation{Types: []string{"FQDN"}}, ind{}, FilterTypes},
		{"types are exact", Curation{Types: []string{"ip address"}}, ip, FilterTypes},
		{"exclude_types", Curation{ExcludeTypes: []string{"IP Address"}}, ip, FilterExcludeTypes},
		{"exclude_types keeps others", Curation{ExcludeTypes: []string{"FQDN"}}, ip, ""},
		{"exclude_types keeps an indicator without type", Curation{ExcludeTypes: []string{"FQDN"}}, ind{}, ""},
		{"max_tlp amber drops red", Curation{MaxTLP: "AMBER"}, ind{tlp: []string{"RED"}}, FilterMaxTLP},
		{"max_tlp amber drops amber+strict", Curation{MaxTLP: "AMBER"}, ind{tlp: []string{"AMBER+STRICT"}}, FilterMaxTLP},
		{"max_tlp amber keeps amber", Curation{MaxTLP: "AMBER"}, ind{tlp: []string{"AMBER"}}, ""},
		{"max_tlp clear keeps white", Curation{MaxTLP: "CLEAR"}, ind{tlp: []string{"WHITE"}}, ""},
		{"max_tlp white drops green", Curation{MaxTLP: "WHITE"}, ind{tlp: []string{"GREEN"}}, FilterMaxTLP},
		{"the most restrictive marking counts", Curation{MaxTLP: "AMBER"}, ind{tlp: []string{"GREEN", "RED"}}, FilterMaxTLP},
		{"no marking is kept", Curation{MaxTLP: "CLEAR"}, ind{}, ""},
		{"exclude_types is checked first", Curation{ExcludeTypes: []string{"IP Address"}, MinScore: 9, MaxTLP: "CLEAR"}, ip, FilterExcludeTypes},
		{"then types", Curation{Types: []string{"FQDN"}, MinScore: 9, MaxTLP: "CLEAR"}, ip, FilterTypes},
		{"then min_score", Curation{MinScore: 9, MaxTLP: "CLEAR"}, ip, FilterMinScore},
		{"then max_tlp", Curation{MinScore: 5, MaxTLP: "CLEAR"}, ip, FilterMaxTLP},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.c.filter(tt.in.typ, tt.in.score, tt.in.hasScore, tt.in.tlp))
		})
	}
}

func TestFilterReasons(t *testing.T) {
	reasons := map[string]bool{}
	for _, f := range []Filter{FilterExcludeTypes, FilterTypes, FilterMinScore, FilterMaxTLP} {
		r := f.Reason()
		require.NotEmpty(t, r, f)
		assert.Contains(t, r, string(f), "the reason names the option")
		assert.False(t, reasons[r], "reasons are distinct")
		reasons[r] = true
	}
	assert.Empty(t, Filter("").Reason())
}

// TestMapFiltered: the mapping says which option filtered an indicator, and
// maps it in full anyway (the caller decides; a filtered indicator that was
// active is retired with a tombstone).
func TestMapFiltered(t *testing.T) {
	raw := `{"id":9,"value":"198.51.100.9","type":{"name":"IP Address"},"score":3,"updated_at":"2020-11-15 00:00:02",
		"sources":[{"name":"A","tlp_name":"TLP:AMBER"},{"name":"B","tlp_name":"RED"}]}`
	for _, tt := range []struct {
		c    Curation
		want Filter
	}{
		{Curation{}, ""},
		{Curation{MinScore: 4}, FilterMinScore},
		{Curation{MinScore: 3}, ""},
		{Curation{Types: []string{"FQDN"}}, FilterTypes},
		{Curation{ExcludeTypes: []string{"IP Address"}}, FilterExcludeTypes},
		{Curation{MaxTLP: "AMBER"}, FilterMaxTLP},
		{Curation{MaxTLP: "RED"}, ""},
	} {
		ev := mustMap(t, raw, Settings{Curation: tt.c})
		assert.Equal(t, tt.want, ev.Filtered, "%+v", tt.c)
		assert.Equal(t, "198.51.100.9", field(t, ev, "threat.indicator.ip"), "mapped in full")
	}
	ev := mustMap(t, `{"id":9,"score":15}`, Settings{Curation: Curation{MinScore: 1}})
	assert.Equal(t, FilterMinScore, ev.Filtered, "a score outside 0-10 is no score")
	ev = mustMap(t, `{"id":9,"score":"x"}`, Settings{Curation: Curation{MinScore: 1}})
	assert.Equal(t, FilterMinScore, ev.Filtered)
}

func TestEventKeyAndActivity(t *testing.T) {
	s := Settings{Expiration: 24 * time.Hour}
	ev := mustMap(t, `{"id":336,"indicator_id":5,"value":"x","updated_at":"2020-11-15 00:00:02"}`, s)
	assert.Equal(t, Key{ID: 336}, ev.Key)
	updated := time.Date(2020, 11, 15, 0, 0, 2, 0, time.UTC)
	assert.Equal(t, updated.Add(24*time.Hour), ev.ExpiredAt)
	assert.True(t, ev.ActiveAt(updated))
	assert.True(t, ev.ActiveAt(updated.Add(24*time.Hour-time.Millisecond)))
	assert.False(t, ev.ActiveAt(updated.Add(24*time.Hour)), "inactive from ioc_expired_at on")

	ev = mustMap(t, `{"indicator_id":802,"value":"x"}`, s)
	assert.Equal(t, Key{IndicatorKey: "802"}, ev.Key)
	ev = mustMap(t, `{"value":"x","type":{"name":"FQDN"}}`, s)
	assert.Equal(t, Key{IndicatorKey: IndicatorKey(0, false, "FQDN", "x")}, ev.Key)
	assert.Equal(t, ev.Fields["threatq"].(object)["indicator_key"], ev.Key.IndicatorKey)

	ev = mustMap(t, `{"id":1}`, Settings{})
	assert.True(t, ev.ExpiredAt.IsZero(), "no rule applies")
	assert.True(t, ev.ActiveAt(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)), "no expiry: active")

	ev = mustMap(t, `{"id":1,"status":"Whitelisted","updated_at":"2020-11-15 00:00:02"}`, s)
	assert.Equal(t, updated, ev.ExpiredAt)
	assert.False(t, ev.ActiveAt(fixedCreated))
}

func TestKeyString(t *testing.T) {
	for _, k := range []Key{{ID: 336}, {ID: 0}, {ID: -4}, {IndicatorKey: "802"}, {IndicatorKey: "sha256-0123456789abcdef0123456789abcdef"}} {
		s := k.String()
		back, err := ParseKey(s)
		require.NoError(t, err, s)
		assert.Equal(t, k, back, s)
	}
	assert.Equal(t, "id:336", Key{ID: 336}.String())
	assert.Equal(t, "key:802", Key{IndicatorKey: "802"}.String())
	for _, bad := range []string{"", "336", "id:", "id:x", "key:", "other:1", "id:1.5"} {
		_, err := ParseKey(bad)
		assert.Error(t, err, bad)
	}
}
