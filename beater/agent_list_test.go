package beater

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/common/reload"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestAgentReconfigurationStopsBeforeStart: a changed configuration of the
// same collection is a new runner, which connects only once its
// predecessor's client is closed; the predecessor's events acknowledged
// after it stopped (libbeat's queue may deliver them late) do not write
// the cursor file its successor owns.
func TestAgentReconfigurationStopsBeforeStart(t *testing.T) {
	p := &beatertest.Pipeline{} // nothing acknowledged until the test says so
	h := newAgentHarnessWith(t, p, logp.NewNopLogger())
	h.sim.SetCollection("c1", threatqtest.Generate(50, 3, start))
	dir := h.dataDir + "/inputs/s1"
	require.NoError(t, h.a.Reload([]*reload.ConfigWithMeta{h.unit("s1", []string{"c1"}, nil)}))
	require.Eventually(t, func() bool { return len(p.Events()) == 50 }, 10*time.Second, 5*time.Millisecond)
	first := h.runners()

	require.NoError(t, h.a.Reload([]*reload.ConfigWithMeta{h.unit("s1", []string{"c1"}, map[string]any{"page_size": 20})}))
	require.Len(t, h.runners(), 1)
	require.NotSame(t, first[0], h.runners()[0], "a changed configuration is a new runner")
	require.True(t, p.Client(0).Closed(), "the predecessor stopped before Reload returned")

	p.Client(0).Ack(-1)
	require.Empty(t, storedCursor(t, dir, "c1"), "acknowledged after the input stopped: the predecessor writes no cursor")

	require.Eventually(t, func() bool { return len(p.Events()) == 100 }, 10*time.Second, 5*time.Millisecond,
		"the successor fetches the collection again from the stored (empty) cursor")
	require.Equal(t, []int{0, 0}, p.OpenAtConnect(), "no client of the collection was open when the next one connected")
	p.Client(1).Ack(-1)
	require.Eventually(t, func() bool { return storedCursor(t, dir, "c1") != "" }, 10*time.Second, 5*time.Millisecond)
}

// TestAgentReloadsCloseTheRequestTracer: an input with tracing on, changed
// three times, holds one trace file open (its current runner's), and none
// once the list stopped.
func TestAgentReloadsCloseTheRequestTracer(t *testing.T) {
	h := newAgentHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(30, 3, start))
	logs := h.a.factory.opts.LogsDir
	for i, size := range []int{100, 50, 20, 10} {
		u := h.unit("s1", []string{"c1"}, map[string]any{"tracer.enabled": true, "page_size": size})
		require.NoError(t, h.a.Reload([]*reload.ConfigWithMeta{u}))
		// The new runner opens its trace file with its first request; the
		// ones before it closed theirs.
		require.Eventually(t, func() bool { return len(beatertest.OpenFiles(t, logs)) == 1 }, 10*time.Second, 5*time.Millisecond,
			"reload %d: the current runner's trace file only", i)
	}
	h.a.stop()
	require.Empty(t, beatertest.OpenFiles(t, logs))
}
