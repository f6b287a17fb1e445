package collector

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/elastic/beats/v7/libbeat/beat"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/config"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

var start = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

type harness struct {
	t       *testing.T
	sim     *threatqtest.Server
	dataDir string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	sim := threatqtest.New(threatqtest.Options{})
	t.Cleanup(sim.Close)
	return &harness{t: t, sim: sim, dataDir: t.TempDir()}
}

// runner builds a Runner against the simulator, publishing to p; extra is
// YAML appended to the threatqbeat section.
func (h *harness) runner(p beat.PipelineConnector, collections []string, extra string) *Runner {
	h.t.Helper()
	cols := ""
	for _, c := range collections {
		cols += fmt.Sprintf("  - id: %s\n", c)
	}
	yaml := fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\npage_size: 1000\nrun_once: true\ncollections:\n%s%s", h.sim.URL(), cols, extra)
	return h.runnerWith(p, yaml, Options{})
}

// runnerWith builds a Runner from a complete threatqbeat section, its
// cursors in the harness's directory.
func (h *harness) runnerWith(p beat.PipelineConnector, yaml string, opts Options) *Runner {
	h.t.Helper()
	raw, err := conf.NewConfigWithYAML([]byte(yaml), "test")
	require.NoError(h.t, err)
	cfg := config.Default()
	require.NoError(h.t, raw.Unpack(&cfg))
	opts.CursorDir = h.dataDir
	if opts.LogsDir == "" {
		opts.LogsDir = h.t.TempDir()
	}
	r, err := New(p, cfg, opts)
	require.NoError(h.t, err)
	h.t.Cleanup(r.Stop)
	return r
}

// run runs r until it ends on its own (run_once) and returns its error.
func run(t *testing.T, r *Runner) error {
	t.Helper()
	r.Start()
	<-r.Done()
	return r.Err()
}

// runInBackground starts r; the channel receives its error when it ended.
func runInBackground(t *testing.T, r *Runner) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	r.Start()
	go func() {
		<-r.Done()
		done <- r.Err()
	}()
	return done
}

func ids(t *testing.T, events []beat.Event) []int64 {
	t.Helper()
	out := make([]int64, len(events))
	for i, e := range events {
		v, err := e.Fields.GetValue("threatq.id")
		require.NoError(t, err)
		out[i] = v.(int64)
	}
	return out
}

// storedCursor is the cursor stored for a collection in dir, "" when none.
var storedCursor = beatertest.StoredCursor

// observedRunner builds a Runner from a complete threatqbeat section
// whose logs (debug level) are recorded.
func observedRunner(t *testing.T, h *harness, p beat.PipelineConnector, yaml string, opts Options) (*Runner, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	log, err := logp.NewZapLogger(zap.New(core))
	require.NoError(t, err)
	opts.Log = log
	return h.runnerWith(p, yaml, opts), logs
}

// logText is every recorded log line with its fields.
func logText(logs *observer.ObservedLogs) string {
	var b strings.Builder
	for _, e := range logs.All() {
		fmt.Fprintf(&b, "%s %s %v\n", e.Level, e.Message, e.ContextMap())
	}
	return b.String()
}

// watchDrops is a DropWatch of counter, polling until the test ends.
func watchDrops(t *testing.T, counter func() uint64) *DropWatch {
	w := NewDropWatch(counter, nil, logp.NewNopLogger())
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go w.Run(ctx)
	return w
}
