package collector

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// The lifecycle options reach the mapping per collection (config.Settings):
// a collection's own min_score replaces the top-level one, the top-level
// deploy_statuses applies to both; a filtered indicator is never
// published, and it is counted per collection and per filter.
func TestCollectionSettingsReachTheMapping(t *testing.T) {
	h := newHarness(t)
	gen := threatqtest.Generate(600, 5, start)
	h.sim.SetCollection("c1", gen)
	h.sim.SetCollection("c2", gen)
	p := &beatertest.Pipeline{AutoAck: true}
	yaml := "url: " + h.sim.URL() + "\nclient_id: test\nclient_secret: test\nrun_once: true\n" +
		"deploy_statuses: [Active]\nexclude_types: [Filename]\ncollections:\n  - id: c1\n  - id: c2\n    min_score: 6\n"
	r := h.runnerWith(p, yaml, Options{})
	require.NoError(t, run(t, r))

	// What the mapping decides with each collection's settings.
	want := map[string]map[threat.Filter]uint64{"c1": {}, "c2": {}}
	published := map[string]int{}
	inactive := map[string]int{}
	for i, col := range r.cfg.Collections {
		s := r.cfg.Settings(col)
		require.Equal(t, []string{"Active"}, s.DeployStatuses)
		if i == 1 {
			require.Equal(t, 6, s.Curation.MinScore)
		}
		for _, raw := range gen {
			ev, err := threat.Map(raw, s, start)
			require.NoError(t, err)
			if ev.Filtered != "" {
				want[col.ID][ev.Filtered]++
				continue
			}
			published[col.ID]++
			if !ev.ActiveAt(start) {
				inactive[col.ID]++
			}
		}
	}
	require.NotZero(t, want["c1"][threat.FilterExcludeTypes])
	require.NotZero(t, want["c2"][threat.FilterMinScore])
	require.Zero(t, want["c1"][threat.FilterMinScore], "c1 keeps the top-level min_score (none)")

	// One pipeline client per collection; both serve the same indicators.
	var perClient []int
	for _, c := range p.Clients() {
		n := len(c.Events())
		for _, e := range c.Events() {
			require.Empty(t, fieldString(e, "event.action"), "no tombstone: nothing was active before")
		}
		perClient = append(perClient, n)
	}
	require.ElementsMatch(t, []int{published["c1"], published["c2"]}, perClient)
	for _, col := range []string{"c1", "c2"} {
		st := r.stats[col]
		got := map[threat.Filter]uint64{}
		for f, c := range st.filteredBy {
			if v := c.Get(); v > 0 {
				got[f] = v
			}
		}
		require.Equal(t, want[col], got, "%s: filtered per filter", col)
		var total uint64
		for _, v := range want[col] {
			total += v
		}
		require.Equal(t, total, st.filtered.Get(), col)
		c, _ := r.Counts(col)
		require.Equal(t, Counts{Fetched: 600, Published: uint64(published[col]), Acked: uint64(published[col]), Filtered: total}, c)
		require.EqualValues(t, 600, st.fullPassPublished.Get()+int64(total), "the full pass reconciles published and filtered with the total")
	}
	require.NotZero(t, inactive["c1"], "statuses other than Active are published inactive")
}

// fieldString is the string at a dotted path of an event's fields, "" when
// there is none.
func fieldString(e beat.Event, path string) string {
	v, err := e.Fields.GetValue(path)
	if err != nil {
		return ""
	}
	s, _ := v.(string)
	return s
}
