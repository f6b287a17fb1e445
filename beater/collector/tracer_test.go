package collector

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestStopClosesTheRequestTracer: with tracer.enabled, the trace file is
// open while the runner syncs and closed once it stopped.
func TestStopClosesTheRequestTracer(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(30, 1, start))
	logs := t.TempDir()
	yaml := "url: " + h.sim.URL() + "\nclient_id: test\nclient_secret: test\ncollections: [{id: c1}]\ntracer.enabled: true\n"
	p := &beatertest.Pipeline{AutoAck: true}
	r := h.runnerWith(p, yaml, Options{LogsDir: logs})
	r.Start()
	require.Eventually(t, func() bool { return len(p.Events()) == 30 }, 10*time.Second, 5*time.Millisecond)
	open := beatertest.OpenFiles(t, logs)
	require.Len(t, open, 1, "the trace file is open while the runner runs")
	require.True(t, strings.HasPrefix(filepath.Base(open[0]), "threatq-trace"), open[0])
	r.Stop()
	require.Empty(t, beatertest.OpenFiles(t, logs), "a stopped runner closed its trace file")
}
