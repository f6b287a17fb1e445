package collector

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

func TestSyncPublishesEveryIndicatorOnce(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(2500, 7, start))
	p := &beatertest.Pipeline{AutoAck: true}
	bt := h.runner(p, []string{"c1"}, "")
	require.NoError(t, run(t, bt))

	events := p.Events()
	require.Len(t, events, 2500)
	seen := map[int64]bool{}
	for _, id := range ids(t, events) {
		require.False(t, seen[id], "indicator %d published twice", id)
		seen[id] = true
	}
	for _, e := range events {
		require.NotEmpty(t, e.Meta["_id"], "deterministic document id")
		require.False(t, e.Timestamp.IsZero())
	}
	st := h.sim.Stats()
	require.Equal(t, 1, st.TokenRequests, "one token for the whole sync")
	require.Equal(t, []string{"*"}, st.Cursors["c1"][:1])
	require.Len(t, st.Cursors["c1"], 4, "three pages with data, then the empty one")
	require.NotEmpty(t, storedCursor(t, h.dataDir, "c1"))
	c, ok := bt.Counts("c1")
	require.True(t, ok)
	require.Equal(t, Counts{Fetched: 2500, Published: 2500, Acked: 2500}, c)
	require.EqualValues(t, 2500, bt.stats["c1"].fullPassPublished.Get(), "reconciliation after the full pass")
	require.EqualValues(t, 2500, bt.stats["c1"].fullPassTotal.Get())
}

func TestRestartResumesFromStoredCursor(t *testing.T) {
	h := newHarness(t)
	all := threatqtest.Generate(3200, 11, start)
	h.sim.SetCollection("c1", all[:2500])
	require.NoError(t, run(t, h.runner(&beatertest.Pipeline{AutoAck: true}, []string{"c1"}, "")))
	first := storedCursor(t, h.dataDir, "c1")
	require.NotEmpty(t, first)

	h.sim.Append("c1", all[2500:]...)
	before := len(h.sim.Stats().Cursors["c1"])
	p := &beatertest.Pipeline{AutoAck: true}
	require.NoError(t, run(t, h.runner(p, []string{"c1"}, "")))

	got := ids(t, p.Events())
	require.Len(t, got, 700, "only the indicators added after the stored cursor")
	var want []int64
	for _, raw := range all[2500:] {
		var ind struct{ ID int64 }
		require.NoError(t, json.Unmarshal(raw, &ind))
		want = append(want, ind.ID)
	}
	require.Equal(t, want, got)
	require.Equal(t, first, h.sim.Stats().Cursors["c1"][before], "the second process starts at the stored cursor")
	require.NotEqual(t, first, storedCursor(t, h.dataDir, "c1"))
}

func TestCursorAdvancesOnlyWithAcknowledgements(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(2500, 3, start))
	p := &beatertest.Pipeline{}
	bt := h.runner(p, []string{"c1"}, "")
	done := runInBackground(t, bt)

	require.Eventually(t, func() bool { return len(p.Events()) == 2500 }, 10*time.Second, 5*time.Millisecond)
	require.Empty(t, storedCursor(t, h.dataDir, "c1"), "nothing acknowledged, nothing stored")

	p.Client(0).Ack(999)
	require.Empty(t, storedCursor(t, h.dataDir, "c1"), "first page not complete")
	p.Client(0).Ack(1)
	pageOne := h.sim.Stats().Cursors["c1"][1] // the mark sent for page two = page one's nextCursorMark
	require.Equal(t, pageOne, storedCursor(t, h.dataDir, "c1"))

	select {
	case err := <-done:
		t.Fatalf("run_once returned before every event was acknowledged: %v", err)
	default:
	}
	p.AckAll()
	require.NoError(t, <-done)
	require.NotEqual(t, pageOne, storedCursor(t, h.dataDir, "c1"))
}

func TestStopWithoutAcknowledgementsKeepsCursor(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(1500, 5, start))
	p := &beatertest.Pipeline{}
	bt := h.runner(p, []string{"c1"}, "")
	done := runInBackground(t, bt)
	require.Eventually(t, func() bool { return len(p.Events()) == 1500 }, 10*time.Second, 5*time.Millisecond)
	bt.Stop()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, storedCursor(t, h.dataDir, "c1"))
}

func TestPageCapEndsRunWithError(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(3500, 9, start))
	p := &beatertest.Pipeline{AutoAck: true}
	err := run(t, h.runner(p, []string{"c1"}, "max_pages_per_run: 2\n"))
	require.ErrorIs(t, err, threatq.ErrPageCap)
	require.Len(t, p.Events(), 2000)
	require.Len(t, h.sim.Stats().Cursors["c1"], 2, "no page fetched beyond the cap")
	require.Equal(t, h.sim.Stats().Cursors["c1"][1] != "", true)
}

func TestGarbageBodyPublishesNothing(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(10, 1, start))
	h.sim.InjectFault(threatqtest.Fault{Body: "<html>proxy error</html>", ContentType: "text/html"})
	p := &beatertest.Pipeline{AutoAck: true}
	err := run(t, h.runner(p, []string{"c1"}, ""))
	require.Error(t, err)
	require.Contains(t, err.Error(), "not a JSON object")
	require.Empty(t, p.Events())
	require.Empty(t, storedCursor(t, h.dataDir, "c1"))
}

func TestCollectionsAreIndependent(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("good", threatqtest.Generate(1200, 2, start))
	// "missing" is unknown to the simulator: 404 on every request.
	p := &beatertest.Pipeline{AutoAck: true}
	bt := h.runner(p, []string{"good", "missing"}, "")
	err := run(t, bt)
	require.Error(t, err)
	require.Contains(t, err.Error(), "404")
	require.Len(t, p.Events(), 1200)
	require.NotEmpty(t, storedCursor(t, h.dataDir, "good"))
	require.Empty(t, storedCursor(t, h.dataDir, "missing"))
}

func TestCorruptCursorIsolatesCollection(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("a", threatqtest.Generate(100, 2, start))
	h.sim.SetCollection("b", threatqtest.Generate(100, 4, start))
	require.NoError(t, os.WriteFile(filepath.Join(h.dataDir, "cursor-a.json"), []byte("{oops"), 0o600))
	p := &beatertest.Pipeline{AutoAck: true}
	err := run(t, h.runner(p, []string{"a", "b"}, ""))
	require.ErrorIs(t, err, ErrCorruptCursor)
	require.Len(t, p.Events(), 100, "collection b is synced")
	require.Empty(t, h.sim.Stats().Cursors["a"], "collection a is not fetched from the start behind the user's back")
}

// TestRepeatedUnauthorizedKeepsCursor: after a good run, ThreatQ refuses
// every request with 401; the next run ends with an authentication error,
// publishes nothing and leaves the stored cursor where the good run put it.
func TestRepeatedUnauthorizedKeepsCursor(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(1500, 5, start))
	require.NoError(t, run(t, h.runner(&beatertest.Pipeline{AutoAck: true}, []string{"c1"}, "")))
	stored := storedCursor(t, h.dataDir, "c1")
	require.NotEmpty(t, stored)

	h.sim.Append("c1", threatqtest.Generate(10, 6, start.AddDate(1, 0, 0))...)
	h.sim.InjectFault(threatqtest.Fault{Status: 401, Times: -1})
	p := &beatertest.Pipeline{AutoAck: true}
	err := run(t, h.runner(p, []string{"c1"}, ""))
	require.True(t, threatq.IsAuth(err), "run error %v", err)
	require.Empty(t, p.Events())
	require.Equal(t, stored, storedCursor(t, h.dataDir, "c1"))
}

func TestRetriesAreCounted(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(50, 1, start))
	h.sim.InjectFault(threatqtest.Fault{Status: 503, Times: 2})
	p := &beatertest.Pipeline{AutoAck: true}
	bt := h.runner(p, []string{"c1"}, "retry: {max_attempts: 3, wait_min: 1ms, wait_max: 2ms}\n")
	require.NoError(t, run(t, bt))
	require.Len(t, p.Events(), 50)
	require.EqualValues(t, 2, bt.stats["c1"].retries.Get())
	require.EqualValues(t, 0, bt.stats["c1"].errors.Get())
}

func TestMissingSourcesAndAttributesAreReported(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(1500, 6, start))
	h.sim.InjectFault(threatqtest.Fault{DropFields: true, Times: -1})
	p := &beatertest.Pipeline{AutoAck: true}
	bt := h.runner(p, []string{"c1"}, "")
	require.NoError(t, run(t, bt))
	require.Len(t, p.Events(), 1500, "the indicators are still delivered")
	require.EqualValues(t, 1, bt.stats["c1"].missingFields.Get(), "counted once per run")
	for _, e := range p.Events() {
		_, err := e.Fields.GetValue("threat.indicator.provider")
		require.Error(t, err, "no provider without sources")
	}
}
