package collector

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/management/status"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestHealthForgetDropsOnlyTheGivenKeys: stopping input "a" must not clear
// the health of input "a/b", whose keys start with "a/" too.
func TestHealthForgetDropsOnlyTheGivenKeys(t *testing.T) {
	h := NewHealth(nil)
	h.set("a/c1", errors.New("down"))
	h.set("a/b/c1", errors.New("refused"))
	h.forget("a/c1")
	require.Equal(t, map[string]string{"a/b/c1": "refused"}, h.snapshot())
}

func TestHealthReflectsRuns(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(10, 1, start))
	rec := &beatertest.StatusRecorder{}
	bt := h.runner(&beatertest.Pipeline{AutoAck: true}, []string{"c1"}, "")
	bt.SetStatusReporter(rec)
	h.sim.InjectFault(threatqtest.Fault{Status: 401, Times: -1})
	require.Error(t, run(t, bt))
	require.Equal(t, status.Degraded, rec.State())
}

func TestEmptyCollectionStaysHealthy(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("empty", nil)
	rec := &beatertest.StatusRecorder{}
	p := &beatertest.Pipeline{AutoAck: true}
	bt := h.runner(p, []string{"empty"}, "")
	bt.SetStatusReporter(rec)
	require.NoError(t, run(t, bt))
	require.Empty(t, p.Events())
	require.Equal(t, status.Running, rec.State(), "the normal end of pagination is not an error")
	require.Empty(t, storedCursor(t, h.dataDir, "empty"), "nothing published, nothing to store")
}
