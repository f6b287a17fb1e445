package collector

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/monitoring"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// settlingOutput plays libbeat's output around a 413: the event is
// acknowledged first, and the output counts the drop (and lowers its gauge
// of uncompleted events) only afterwards, here on the second look at the
// gauge once everything was acknowledged.
type settlingOutput struct {
	dropped atomic.Uint64
	looks   atomic.Int64
	acked   func() bool
}

func (o *settlingOutput) active() uint64 {
	if !o.acked() {
		return 1
	}
	switch o.looks.Add(1) {
	case 1:
		return 1
	case 2:
		o.dropped.Add(1)
	}
	return 0
}

// TestDropCountedAfterTheLastAcknowledgementFailsRunOnce: a drop libbeat
// counts after acknowledging the run's last events still fails run_once,
// because the run waits for the output to complete its events.
func TestDropCountedAfterTheLastAcknowledgementFailsRunOnce(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(30, 5, start))
	yaml := fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\npage_size: 10\nrun_once: true\ncollections: [{id: c1}]\n", h.sim.URL())
	p := &beatertest.Pipeline{AutoAck: true}
	out := &settlingOutput{}
	bt, _ := observedRunner(t, h, p, yaml, Options{Drops: NewDropWatch(out.dropped.Load, out.active, logp.NewNopLogger())})
	out.acked = func() bool { c, _ := bt.Counts("c1"); return c.Acked == 30 }

	require.ErrorContains(t, run(t, bt), "collection c1: the output dropped 1 event(s)")
	c, _ := bt.Counts("c1")
	require.EqualValues(t, 1, c.Dropped)
	require.EqualValues(t, 2, out.looks.Load(), "looked at the gauge until it was zero, then no more")
}

// settle does not wait for an output that never completes longer than the
// context allows, and reads the counter all the same.
func TestSettleEndsWithItsContext(t *testing.T) {
	var dropped atomic.Uint64
	w := NewDropWatch(dropped.Load, func() uint64 { dropped.Store(1); return 1 }, logp.NewNopLogger())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w.settle(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	require.EqualValues(t, 1, w.seen, "the counter was read after the wait")
}

func TestOutputActiveReadsLibbeatsGauge(t *testing.T) {
	reg := monitoring.NewRegistry()
	active := OutputActive(reg)
	require.Zero(t, active(), "no output yet")
	monitoring.NewUint(reg, "libbeat.output.events.active").Set(7)
	require.EqualValues(t, 7, active())
}
