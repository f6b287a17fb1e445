package collector

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/management/status"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// testSink is a dropSink recording what it is told.
func testSink(collection string) (*dropSink, *[]uint64) {
	var pending []uint64
	return &dropSink{collection: collection, log: logp.NewNopLogger(), stats: newCollectionStats(nil, collection),
		onDrop: func(n uint64) { pending = append(pending, n) }}, &pending
}

// TestDropWatchBlamesTheAcknowledgementsAroundTheRise covers the orders in
// which libbeat counts a drop and acknowledges the dropped event.
func TestDropWatchBlamesTheAcknowledgementsAroundTheRise(t *testing.T) {
	t.Run("counted before the acknowledgement (per-item refusal)", func(t *testing.T) {
		var counter atomic.Uint64
		w := NewDropWatch(counter.Load, nil, logp.NewNopLogger())
		s, pending := testSink("c1")
		w.acked(s, []string{"1-100", "2-100"})
		counter.Add(1)
		w.acked(s, []string{"3-100", "4-100"})
		require.EqualValues(t, 1, s.stats.dropped.Get())
		require.Equal(t, []uint64{1}, *pending)
		w.acked(s, []string{"5-100"})
		require.EqualValues(t, 1, s.stats.dropped.Get(), "blamed once")
	})
	t.Run("counted after the acknowledgement (413 for one event), seen by the next one", func(t *testing.T) {
		var counter atomic.Uint64
		w := NewDropWatch(counter.Load, nil, logp.NewNopLogger())
		a, _ := testSink("a")
		b, _ := testSink("b")
		w.acked(a, []string{"7-100"})
		counter.Add(1)
		w.acked(b, []string{"8-100"})
		require.EqualValues(t, 1, a.stats.dropped.Get(), "a's acknowledgement came just before the rise")
		require.EqualValues(t, 1, b.stats.dropped.Get(), "b's is where the rise was seen: either may hold the event")
	})
	t.Run("seen by the poll", func(t *testing.T) {
		var counter atomic.Uint64
		counter.Store(5) // drops before the watch started are not blamed
		w := NewDropWatch(counter.Load, nil, logp.NewNopLogger())
		a, _ := testSink("a")
		b, _ := testSink("b")
		w.acked(b, []string{"1-1"})
		w.acked(a, []string{"9-100"})
		counter.Add(2)
		w.poll()
		require.EqualValues(t, 2, a.stats.dropped.Get())
		require.Zero(t, b.stats.dropped.Get())
		w.poll()
		require.EqualValues(t, 2, a.stats.dropped.Get())
	})
	t.Run("a reloaded output counts from zero", func(t *testing.T) {
		var counter atomic.Uint64
		counter.Store(10)
		w := NewDropWatch(counter.Load, nil, logp.NewNopLogger())
		s, _ := testSink("c1")
		counter.Store(0)
		w.acked(s, []string{"1-1"})
		require.Zero(t, s.stats.dropped.Get())
		counter.Store(1)
		w.acked(s, []string{"2-1"})
		require.EqualValues(t, 1, s.stats.dropped.Get())
	})
	t.Run("no counter, no watch", func(t *testing.T) {
		w := NewDropWatch(nil, nil, logp.NewNopLogger())
		require.Nil(t, w)
		w.poll()
		w.acked(nil, nil)
	})
}

func TestIndicatorIDs(t *testing.T) {
	require.Equal(t, []string{"336", "sha256-0a1b", "7"}, indicatorIDs([]string{"336-1605398402000", "sha256-0a1b", "7-1"}))
	many := make([]string, maxLoggedIDs+5)
	for i := range many {
		many[i] = fmt.Sprintf("%d-1", i)
	}
	got := indicatorIDs(many)
	require.Len(t, got, maxLoggedIDs+1)
	require.Equal(t, "… and 5 more", got[maxLoggedIDs])
}

// dropOnAck makes a fake pipeline's output drop the event with document id
// docID when it is acknowledged, counting it in counter first (as libbeat
// counts a refused item before acknowledging its batch).
func dropOnAck(counter *atomic.Uint64, docID string) func([]beat.Event) {
	return func(events []beat.Event) {
		for _, e := range events {
			if id, _ := e.Meta["_id"].(string); id == docID {
				counter.Add(1)
			}
		}
	}
}

// TestDroppedEventIsCountedLoggedAndDegradesHealth: the output drops one
// event of a run_once sync; the collection counts it, an error line names
// its indicator id, health turns degraded and the run ends with an error.
func TestDroppedEventIsCountedLoggedAndDegradesHealth(t *testing.T) {
	h := newHarness(t)
	raws := threatqtest.Generate(30, 1, start)
	h.sim.SetCollection("c1", raws)
	var counter atomic.Uint64
	yaml := fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\npage_size: 10\nrun_once: true\ncollections: [{id: c1}]\n", h.sim.URL())
	p := &beatertest.Pipeline{}
	bt, logs := observedRunner(t, h, p, yaml, Options{Drops: watchDrops(t, counter.Load)})
	rec := &beatertest.StatusRecorder{}
	bt.SetStatusReporter(rec)

	var victim string
	done := runInBackground(t, bt)
	require.Eventually(t, func() bool { return len(p.Events()) == 30 }, 10*time.Second, 5*time.Millisecond)
	victim = p.Events()[14].Meta["_id"].(string)
	p.Client(0).SetBeforeAck(dropOnAck(&counter, victim))
	p.Client(0).Ack(10)
	p.Client(0).Ack(10) // the victim's batch
	p.Client(0).Ack(10)
	err := <-done
	require.ErrorContains(t, err, "collection c1: the output dropped 1 event(s) since the last clean run")

	c, _ := bt.Counts("c1")
	require.EqualValues(t, 1, c.Dropped)
	require.EqualValues(t, 30, c.Acked, "libbeat acknowledges a dropped event like the others")
	st, msg := rec.Last()
	require.Equal(t, status.Degraded, st)
	require.Contains(t, msg, "collection c1: the output dropped 1 event(s)")

	lines := logs.FilterMessageSnippet("the output dropped 1 event(s) of collection c1").All()
	require.Len(t, lines, 1)
	require.Equal(t, "error", lines[0].Level.String())
	ids := lines[0].ContextMap()["indicator_ids"]
	victimID, _, _ := strings.Cut(victim, "-")
	require.Contains(t, fmt.Sprint(ids), victimID)
	require.Equal(t, "c1", lines[0].ContextMap()["collection"])
}

// TestDropDegradesHealthUntilTheNextCleanRun: a drop in one run makes the
// collection degraded; the next run without a drop makes it healthy again.
func TestDropDegradesHealthUntilTheNextCleanRun(t *testing.T) {
	h := newHarness(t)
	raws := threatqtest.Generate(20, 2, start)
	h.sim.SetCollection("c1", raws)
	var counter atomic.Uint64
	next := make(chan time.Time)
	yaml := fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\ncollections: [{id: c1}]\n", h.sim.URL())
	p := &beatertest.Pipeline{AutoAck: true}
	bt, _ := observedRunner(t, h, p, yaml, Options{Drops: watchDrops(t, counter.Load), After: func(time.Duration) <-chan time.Time { return next }})
	rec := &beatertest.StatusRecorder{}
	bt.SetStatusReporter(rec)
	var dropFirst atomic.Bool
	dropFirst.Store(true)
	p.BeforeAck = func(events []beat.Event) {
		if dropFirst.Load() && slices.ContainsFunc(events, func(e beat.Event) bool { return e.Meta["_id"] != nil }) {
			dropFirst.Store(false)
			counter.Add(1)
		}
	}
	done := runInBackground(t, bt)

	require.Eventually(t, func() bool { st, _ := rec.Last(); return st == status.Degraded }, 10*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool { return rec.Count() >= 2 }, 10*time.Second, 5*time.Millisecond, "the drop, then the run's verdict")
	st, msg := rec.Last()
	require.Equal(t, status.Degraded, st, "the run with the drop ends degraded")
	require.Contains(t, msg, "the output dropped 1 event(s)")

	h.sim.Append("c1", threatqtest.Generate(5, 3, start.AddDate(1, 0, 0))...)
	n := rec.Count()
	next <- time.Now()
	require.Eventually(t, func() bool { return rec.Count() > n }, 10*time.Second, 5*time.Millisecond)
	st, _ = rec.Last()
	require.Equal(t, status.Running, st, "a clean run makes it healthy again")
	c, _ := bt.Counts("c1")
	require.EqualValues(t, 1, c.Dropped)
	bt.Stop()
	require.NoError(t, <-done)
}

// TestDropDuringRunOnceFailsTheRun: with the drop counted while the run is
// still publishing, run_once still ends with the error.
func TestDropDuringRunOnceFailsTheRun(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(30, 5, start))
	var counter atomic.Uint64
	yaml := fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\npage_size: 10\nrun_once: true\ncollections: [{id: c1}]\n", h.sim.URL())
	p := &beatertest.Pipeline{AutoAck: true}
	bt, _ := observedRunner(t, h, p, yaml, Options{Drops: watchDrops(t, counter.Load)})
	var once atomic.Bool
	p.BeforeAck = func([]beat.Event) {
		if once.CompareAndSwap(false, true) {
			counter.Add(1)
		}
	}
	require.ErrorContains(t, run(t, bt), "collection c1: the output dropped 1 event(s)")
	c, _ := bt.Counts("c1")
	require.EqualValues(t, 1, c.Dropped)
}
