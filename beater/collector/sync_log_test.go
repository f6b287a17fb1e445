package collector

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// runLogged runs one run_once sync of collection c1 with a logger whose
// entries are returned, and the last progress report.
func runLogged(t *testing.T, h *harness) ([]observer.LoggedEntry, Progress) {
	t.Helper()
	core, logs := observer.New(zapcore.InfoLevel)
	log, err := logp.NewZapLogger(zap.New(core))
	require.NoError(t, err)
	yaml := fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\npage_size: 100\nrun_once: true\ncollections: [{id: c1}]\n", h.sim.URL())
	var last Progress
	bt := h.runnerWith(&beatertest.Pipeline{AutoAck: true}, yaml, Options{
		Log: log, Progress: func(p Progress) { last = p },
	})
	require.NoError(t, run(t, bt))
	return logs.All(), last
}

// runComplete returns the summary entry of a run.
func runComplete(t *testing.T, entries []observer.LoggedEntry) observer.LoggedEntry {
	t.Helper()
	for _, e := range entries {
		if strings.HasSuffix(e.Message, ": run complete") {
			return e
		}
	}
	t.Fatalf("no run complete line among %d entries", len(entries))
	return observer.LoggedEntry{}
}

// The summary line names its collection once: the logger of a collection
// carries the key already.
func TestRunCompleteLineNamesTheCollectionOnce(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(300, 3, start))
	entries, _ := runLogged(t, h)
	e := runComplete(t, entries)
	keys := map[string]int{}
	for _, f := range e.Context {
		keys[f.Key]++
	}
	require.Equal(t, 1, keys["collection"], "fields of %q: %v", e.Message, e.Context)
	require.Equal(t, "c1", e.ContextMap()["collection"])
	require.EqualValues(t, 300, e.ContextMap()["fetched"])
}

// A run that resumes from its cursor and finds nothing new does not claim
// that the collection is empty: ThreatQ sent no page with its size.
func TestResumedRunWithNothingNewDoesNotClaimAnEmptyCollection(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(300, 3, start))
	runLogged(t, h)
	entries, last := runLogged(t, h)
	require.True(t, last.Incremental)
	require.EqualValues(t, 0, last.Fetched)
	e := runComplete(t, entries)
	require.NotContains(t, e.Message, "holds 0")
	require.Equal(t, "collection c1: no new or updated indicators since the stored cursor: run complete", e.Message)
	_, total := e.ContextMap()["total"]
	require.False(t, total, "no total field when ThreatQ reported none: %v", e.ContextMap())
}
