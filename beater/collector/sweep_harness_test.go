package collector

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// sweepStart is the clock of the first run: Generate dates indicators
// around start, so they are active for weeks after it.
var sweepStart = start.Add(7 * 24 * time.Hour)

// sweepHarness runs collection c1 with run_once under a settable clock.
type sweepHarness struct {
	*harness
	clock *clock
	// indicators is what c1 holds, by id.
	indicators map[int64][]byte
}

func newSweepHarness(t *testing.T, n int) *sweepHarness {
	h := &sweepHarness{harness: newHarness(t), clock: &clock{t: sweepStart}, indicators: map[int64][]byte{}}
	all := threatqtest.Generate(n, 5, start)
	h.sim.SetCollection("c1", all)
	for _, raw := range all {
		e, err := threat.Map(raw, threat.Settings{}, start)
		require.NoError(t, err)
		h.indicators[e.Key.ID] = raw
	}
	return h
}

// remove deletes indicators from c1.
func (h *sweepHarness) remove(ids ...int64) {
	require.Equal(h.t, len(ids), h.sim.Remove("c1", ids...))
	for _, id := range ids {
		delete(h.indicators, id)
	}
}

// update replaces an indicator of c1 with a newer version.
func (h *sweepHarness) update(id int64, raw []byte) {
	h.sim.Append("c1", raw)
	h.indicators[id] = raw
}

// wantActive is what the record holds after a complete sweep at the
// clock's time with settings s: every indicator of c1 that maps active and
// is not filtered.
func (h *sweepHarness) wantActive(s threat.Settings) map[string]bool {
	h.t.Helper()
	out := map[string]bool{}
	for k := range h.activeValues(s) {
		out[k] = true
	}
	return out
}

// activeValues are the values of the indicators of wantActive, by key.
func (h *sweepHarness) activeValues(s threat.Settings) map[string]string {
	h.t.Helper()
	now := h.clock.Now()
	if s.Expiration == 0 {
		s.Expiration = 90 * 24 * time.Hour
	}
	out := map[string]string{}
	for _, raw := range h.indicators {
		e, err := threat.Map(raw, s, now)
		require.NoError(h.t, err)
		if e.Filtered == "" && e.ActiveAt(now) {
			out[e.Key.String()] = e.Value
		}
	}
	return out
}

// run runs c1 once with extra YAML, publishing to p (auto-acknowledging
// when nil), and returns the events and the run's error.
func (h *sweepHarness) run(p *beatertest.Pipeline, extra string, opts Options) ([]beat.Event, *Runner, error) {
	h.t.Helper()
	if p == nil {
		p = &beatertest.Pipeline{AutoAck: true}
	}
	opts.Now = h.clock.Now
	yaml := fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\npage_size: 1000\nrun_once: true\nretry.max_attempts: 1\ncollections: [{id: c1}]\n%s", h.sim.URL(), extra)
	r := h.runnerWith(p, yaml, opts)
	err := run(h.t, r)
	return p.Events(), r, err
}

// firstRunThenDelete runs c1 once, deletes n of the indicators it recorded
// active and moves the clock two days on: a sweep is due. It returns the
// deleted ids.
func (h *sweepHarness) firstRunThenDelete(n int) []int64 {
	h.t.Helper()
	_, _, err := h.run(nil, "", Options{})
	require.NoError(h.t, err)
	rec, _ := h.recorded()
	gone := recordedIDs(h.t, rec)[:n]
	h.remove(gone...)
	h.clock.set(sweepStart.Add(48 * time.Hour))
	return gone
}

// recorded is the record of c1's active indicators as stored.
func (h *sweepHarness) recorded() (map[string]bool, time.Time) {
	h.t.Helper()
	rec, found, err := openTestRecord(h.t, h.dataDir, "c1")
	require.NoError(h.t, err)
	require.True(h.t, found)
	return contents(rec.set), rec.sweptAt
}

// recordedIDs are the ids of the recorded indicators, sorted.
func recordedIDs(t *testing.T, rec map[string]bool) []int64 {
	var ids []int64
	for k := range rec {
		key, err := threat.ParseKey(k)
		require.NoError(t, err)
		ids = append(ids, key.ID)
	}
	slices.Sort(ids)
	return ids
}

// tombstones are the events that retire an indicator, by threatq.id.
func tombstones(t *testing.T, events []beat.Event) map[int64]beat.Event {
	out := map[int64]beat.Event{}
	for _, e := range events {
		if a, _ := e.Fields.GetValue("event.action"); a == threat.EventActionRetired {
			id, err := e.Fields.GetValue("threatq.id")
			require.NoError(t, err)
			require.NotContains(t, out, id.(int64), "one tombstone per indicator")
			out[id.(int64)] = e
		}
	}
	return out
}

// countTombstones counts the events that retire an indicator; unlike
// tombstones, it may run on another goroutine (require.Eventually).
func countTombstones(events []beat.Event) int {
	n := 0
	for _, e := range events {
		if a, _ := e.Fields.GetValue("event.action"); a == threat.EventActionRetired {
			n++
		}
	}
	return n
}

// requireRetired asserts that events hold a tombstone for each of ids, and
// no other.
func requireRetired(t *testing.T, events []beat.Event, ids []int64) {
	t.Helper()
	ts := tombstones(t, events)
	require.Len(t, ts, len(ids))
	for _, id := range ids {
		require.Contains(t, ts, id)
	}
}

func fieldOf(t *testing.T, e beat.Event, key string) any {
	t.Helper()
	v, err := e.Fields.GetValue(key)
	require.NoError(t, err, key)
	return v
}
