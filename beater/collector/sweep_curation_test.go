package collector

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// Raising min_score retires the recorded indicators it now drops at the
// next sweep, with the option's reason; lowering it again brings them back
// under new document ids.
func TestCurationRetiresAndSweepBringsBack(t *testing.T) {
	h := newSweepHarness(t, 3000)
	_, _, err := h.run(nil, "", Options{})
	require.NoError(t, err)
	rec, _ := h.recorded()
	values := h.activeValues(threat.Settings{})

	h.clock.set(sweepStart.Add(25 * time.Hour))
	events, r, err := h.run(nil, "min_score: 8\n", Options{})
	require.NoError(t, err)
	ts := tombstones(t, events)
	require.NotEmpty(t, ts)
	require.Len(t, events, len(ts), "nothing else is published")
	for id, e := range ts {
		require.Equal(t, threat.ReasonBelowMinScore, fieldOf(t, e, "threatq.ioc_expiration_reason"))
		require.Equal(t, values[fmt.Sprintf("id:%d", id)], fieldOf(t, e, "threatq.indicator_value"), "the walk knows the value of an indicator it drops")
	}
	c, _ := r.Counts("c1")
	require.EqualValues(t, len(ts), c.Tombstones)
	require.Zero(t, c.NotInCollection)
	require.EqualValues(t, len(ts), r.stats["c1"].tombstonesBy["min_score"].Get())
	kept, _ := h.recorded()
	require.Equal(t, h.wantActive(threat.Settings{Curation: threat.Curation{MinScore: 8}}), kept)
	for id := range ts {
		require.Contains(t, rec, fmt.Sprintf("id:%d", id), "only recorded indicators are retired")
	}

	h.clock.set(sweepStart.Add(50 * time.Hour))
	events, r, err = h.run(nil, "", Options{})
	require.NoError(t, err)
	back, _ := h.recorded()
	require.Equal(t, h.wantActive(threat.Settings{}), back)
	returned := 0
	for k := range back {
		if _, ok := kept[k]; !ok {
			returned++
		}
	}
	require.Len(t, events, returned, "the retired indicators still active are published again")
	require.NotEmpty(t, events)
	at := sweepStart.Add(50 * time.Hour).UnixMilli()
	for _, e := range events {
		id := fieldOf(t, e, "threatq.id").(int64)
		require.Contains(t, ts, id)
		require.True(t, strings.HasSuffix(e.Meta["_id"].(string), fmt.Sprintf("-republished-%d", at)), e.Meta["_id"])
	}
	c, _ = r.Counts("c1")
	require.EqualValues(t, len(events), c.Republished)
}

// An indicator updated while a curation option drops it is retired at
// once by the incremental run, without a sweep.
func TestIncrementalRunRetiresAnIndicatorCurationDrops(t *testing.T) {
	h := newSweepHarness(t, 200)
	_, _, err := h.run(nil, "sweep_interval: 0\n", Options{})
	require.NoError(t, err)
	rec, _ := h.recorded()
	id := recordedIDs(t, rec)[0]
	updated, err := threatqtest.WithUpdatedAt(h.indicators[id], sweepStart.Add(time.Hour))
	require.NoError(t, err)
	h.update(id, updated)
	h.clock.set(sweepStart.Add(48 * time.Hour))
	events, r, err := h.run(nil, "sweep_interval: 0\ntypes: [No Such Type]\n", Options{})
	require.NoError(t, err)
	require.Len(t, events, 1)
	require.Equal(t, threat.ReasonTypeNotListed, fieldOf(t, events[0], "threatq.ioc_expiration_reason"))
	require.Equal(t, id, fieldOf(t, events[0], "threatq.id"))
	c, _ := r.Counts("c1")
	require.Equal(t, Counts{Fetched: 1, Published: 1, Acked: 1, Filtered: 1, Tombstones: 1}, c)
	after, _ := h.recorded()
	require.NotContains(t, after, fmt.Sprintf("id:%d", id))
}
