package collector

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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

// Ten of 3 000 indicators deleted, one set to Whitelisted: the next run
// publishes the Whitelisted version (inactive), and the sweep due after it
// retires exactly the ten deleted ones with tombstones that replace their
// document in the alias.
func TestSweepRetiresExactlyTheIndicatorsGoneFromTheCollection(t *testing.T) {
	h := newSweepHarness(t, 3000)
	first, _, err := h.run(nil, "", Options{})
	require.NoError(t, err)
	require.Len(t, first, 3000)
	rec, sweptAt := h.recorded()
	require.Equal(t, sweepStart, sweptAt, "a new collection counts as swept when its first run starts")
	active := recordedIDs(t, rec)
	require.Greater(t, len(active), 1000, "Active, Indirect and Review indicators are recorded")
	require.Less(t, len(active), 3000, "Whitelisted and Expired ones are not")

	require.Equal(t, h.wantActive(threat.Settings{}), rec)
	gone := active[100:110]
	h.remove(gone...)
	whitelisted := active[500]
	changed, err := threatqtest.WithStatus(h.indicators[whitelisted], "Whitelisted", sweepStart.Add(time.Hour))
	require.NoError(t, err)
	h.update(whitelisted, changed)

	h.clock.set(sweepStart.Add(23 * time.Hour))
	events, r, err := h.run(nil, "", Options{})
	require.NoError(t, err)
	require.Len(t, events, 1, "before sweep_interval (24h) only the incremental run: the Whitelisted version")
	require.Empty(t, tombstones(t, events))
	require.Equal(t, threat.ReasonStatusWhitelisted, fieldOf(t, events[0], "threatq.ioc_expiration_reason"))
	c, _ := r.Counts("c1")
	require.EqualValues(t, 1, c.RetiredInactive)

	at := sweepStart.Add(25 * time.Hour)
	h.clock.set(at)
	events, r, err = h.run(nil, "", Options{})
	require.NoError(t, err)
	ts := tombstones(t, events)
	require.Len(t, events, 10, "only tombstones: nothing else changed")
	for _, id := range gone {
		e, ok := ts[id]
		require.True(t, ok, "tombstone of %d", id)
		require.Equal(t, threat.ReasonNotInCollection, fieldOf(t, e, "threatq.ioc_expiration_reason"))
		require.Equal(t, at, e.Timestamp)
		require.Equal(t, at.Format("2006-01-02T15:04:05.000Z"), fieldOf(t, e, "threatq.ioc_expired_at"))
		_, err := e.Fields.GetValue("threatq.indicator_value")
		require.Error(t, err, "the record keeps no value; the tombstone retires the indicator by its key")
		require.Equal(t, fmt.Sprintf("retired-id-%d-%d", id, at.UnixMilli()), e.Meta["_id"])
		require.Equal(t, "enrichment", fieldOf(t, e, "event.kind"))
		_, err = e.Fields.GetValue("threat.indicator")
		require.Error(t, err, "a tombstone matches no rule")
	}
	c, _ = r.Counts("c1")
	require.Equal(t, Counts{Published: 10, Acked: 10, Tombstones: 10, NotInCollection: 10, Sweeps: 1}, c)
	st := r.stats["c1"]
	require.EqualValues(t, 3000-10, st.swept.Get(), "the sweep walked the collection")
	require.Equal(t, at.UnixMilli(), st.lastSweep.Get())

	after, sweptAt := h.recorded()
	require.Equal(t, at, sweptAt)
	require.Equal(t, h.wantActive(threat.Settings{}), after, "the active indicators of the collection now, no more")
	require.Equal(t, len(after), st.active.Load().Len())
	d := r.diagnostics().Collections[0]
	require.Equal(t, h.dataDir+"/active-c1.rec", d.RecordFile)
	require.Equal(t, len(after), d.Active)
	require.Equal(t, at, d.LastSweep)
	require.EqualValues(t, 10, d.Counts.NotInCollection)
	require.Equal(t, "24h0m0s", r.diagnostics().Sweep)
	for _, id := range append(slices.Clone(gone), whitelisted) {
		require.NotContains(t, after, fmt.Sprintf("id:%d", id))
	}

	h.clock.set(at.Add(time.Hour))
	events, _, err = h.run(nil, "", Options{})
	require.NoError(t, err)
	require.Empty(t, events, "the next sweep is a day away")
}

// failingSweep fails the second page request of a walk that starts at the
// beginning of the collection (a sweep's, after a stored cursor).
type failingSweep struct {
	base    http.RoundTripper
	started atomic.Bool
	failed  atomic.Int64
}

func (f *failingSweep) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.Contains(req.URL.Path, "/indicators/query/") {
		if req.URL.Query().Get("cursorMark") == "*" {
			f.started.Store(true)
		} else if f.started.Load() {
			f.failed.Add(1)
			return nil, errors.New("connection reset by peer")
		}
	}
	return f.base.RoundTrip(req)
}

// A sweep that does not complete (an error on its second page, the page
// limit) retires nothing and records no sweep; the next one does.
func TestInterruptedSweepRetiresNothing(t *testing.T) {
	h := newSweepHarness(t, 3000)
	gone := h.firstRunThenDelete(10)

	fail := &failingSweep{base: h.sim.Client().Transport}
	events, r, err := h.run(nil, "", Options{HTTPClient: &http.Client{Transport: fail}})
	require.ErrorContains(t, err, "sweep of collection c1 stopped after 1000 indicators, nothing retired")
	require.EqualValues(t, 1, fail.failed.Load())
	require.Empty(t, events)
	require.EqualValues(t, 1, r.stats["c1"].sweepErrors.Get())
	require.Zero(t, r.stats["c1"].sweeps.Get())

	events, _, err = h.run(nil, "max_pages_per_run: 2\n", Options{})
	require.ErrorContains(t, err, "page limit")
	require.Empty(t, events, "the page limit stops the sweep: nothing retired")
	after, sweptAt := h.recorded()
	for _, id := range gone {
		require.Contains(t, after, fmt.Sprintf("id:%d", id), "still recorded: a later sweep retires it")
	}
	require.Equal(t, sweepStart, sweptAt, "no sweep recorded")

	events, _, err = h.run(nil, "", Options{})
	require.NoError(t, err)
	requireRetired(t, events, gone)
	after, _ = h.recorded()
	require.Equal(t, h.wantActive(threat.Settings{}), after)
}

// A crash after the tombstones were published and before the output
// acknowledged them loses nothing: the record still holds the indicators
// and no sweep is recorded, so the next start sweeps and retires them
// again.
func TestTombstonesSurviveACrashBeforeTheirAcknowledgement(t *testing.T) {
	h := newSweepHarness(t, 3000)
	gone := h.firstRunThenDelete(10)

	p := &beatertest.Pipeline{} // never acknowledges
	r := h.runnerWith(p, fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\nrun_once: true\nshutdown_timeout: 0s\ncollections: [{id: c1}]\n", h.sim.URL()),
		Options{Now: h.clock.Now})
	r.Start()
	require.Eventually(t, func() bool { return countTombstones(p.Events()) == 10 }, 30*time.Second, 5*time.Millisecond)
	r.Stop() // the crash: nothing acknowledged
	after, sweptAt := h.recorded()
	for _, id := range gone {
		require.Contains(t, after, fmt.Sprintf("id:%d", id), "its tombstone was not acknowledged")
	}
	require.Equal(t, sweepStart, sweptAt, "no sweep recorded")

	h.clock.set(sweepStart.Add(49 * time.Hour))
	events, _, err := h.run(nil, "", Options{})
	require.NoError(t, err)
	requireRetired(t, events, gone)
	after, sweptAt = h.recorded()
	require.Equal(t, h.wantActive(threat.Settings{}), after)
	require.Equal(t, sweepStart.Add(49*time.Hour), sweptAt)
}

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

// A collection synced before without a record (an upgrade), or whose
// record is damaged, is swept at the end of its next run: the sweep
// publishes its active indicators again, which records them.
func TestMissingOrDamagedRecordIsRebuiltBySweep(t *testing.T) {
	h := newSweepHarness(t, 500)
	_, _, err := h.run(nil, "", Options{})
	require.NoError(t, err)
	rec, _ := h.recorded()
	path := h.dataDir + "/active-c1.rec"
	for _, damage := range []func(){
		func() { require.NoError(t, os.Remove(path)) },
		func() { require.NoError(t, os.WriteFile(path, []byte("not a record"), 0o600)) },
	} {
		damage()
		h.clock.set(h.clock.Now().Add(time.Minute))
		events, r, err := h.run(nil, "", Options{})
		require.NoError(t, err)
		require.Len(t, events, len(rec), "every active indicator published again")
		require.Empty(t, tombstones(t, events))
		c, _ := r.Counts("c1")
		require.EqualValues(t, len(rec), c.Republished)
		again, sweptAt := h.recorded()
		require.Equal(t, rec, again)
		require.Equal(t, h.clock.Now(), sweptAt)
	}
	require.FileExists(t, path+".damaged")
}

// A sweep is due sweep_interval after the last one completed, at once when
// none did, never with sweep_interval 0, and not before the retry time a
// failed one set.
func TestSweepDue(t *testing.T) {
	rec, _, err := openTestRecord(t, t.TempDir(), "c1")
	require.NoError(t, err)
	w := &worker{active: &activeRecord{rec: rec}, sweepInterval: 24 * time.Hour}
	require.True(t, w.sweepDue(sweepStart), "no sweep completed yet")
	rec.setSwept(sweepStart)
	require.False(t, w.sweepDue(sweepStart.Add(23*time.Hour)))
	require.True(t, w.sweepDue(sweepStart.Add(24*time.Hour)))
	w.sweepRetryAt = sweepStart.Add(25 * time.Hour)
	require.False(t, w.sweepDue(sweepStart.Add(24*time.Hour)), "a failed sweep waits")
	require.True(t, w.sweepDue(sweepStart.Add(25*time.Hour)))
	w.sweepInterval = 0
	require.False(t, w.sweepDue(sweepStart.Add(100*time.Hour)), "sweep_interval 0: never")
	w.sweepInterval, w.active = time.Hour, nil
	require.False(t, w.sweepDue(sweepStart.Add(100*time.Hour)), "no record: no sweep")
}
