package collector

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

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

// failingPages fails every page request; it counts those that start at
// the beginning of the collection (a sweep's, after a stored cursor).
type failingPages struct {
	fromStart atomic.Int64
}

func (f *failingPages) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.Contains(req.URL.Path, "/indicators/query/") && req.URL.Query().Get("cursorMark") == "*" {
		f.fromStart.Add(1)
	}
	return nil, errors.New("connection refused")
}

// A run that fails (ThreatQ unreachable) does not go on to a due sweep,
// which would only fail too: the next run that succeeds sweeps.
func TestFailedRunDefersTheSweep(t *testing.T) {
	h := newSweepHarness(t, 3000)
	gone := h.firstRunThenDelete(10)

	fail := &failingPages{}
	events, r, err := h.run(nil, "", Options{HTTPClient: &http.Client{Transport: fail}})
	require.ErrorContains(t, err, "connection refused")
	require.NotContains(t, err.Error(), "sweep")
	require.Zero(t, fail.fromStart.Load(), "no sweep walk after a failed run")
	require.Empty(t, events)
	require.Zero(t, r.stats["c1"].sweepErrors.Get())
	require.Zero(t, r.stats["c1"].sweeps.Get())

	events, r, err = h.run(nil, "", Options{})
	require.NoError(t, err)
	requireRetired(t, events, gone)
	require.EqualValues(t, 1, r.stats["c1"].sweeps.Get())
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
