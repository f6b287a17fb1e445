package collector

import (
	"context"
	"time"

	"github.com/elastic/elastic-agent-libs/monitoring"
)

// outputActiveMetric is libbeat's gauge of the events the output holds and
// has neither acknowledged nor dropped yet.
const outputActiveMetric = "libbeat.output.events.active"

// settleWait bounds how long settle waits for the output; settlePoll is
// how often it looks.
const (
	settleWait = 5 * time.Second
	settlePoll = 10 * time.Millisecond
)

// OutputActive reads outputActiveMetric from the beat's stats registry.
func OutputActive(reg *monitoring.Registry) func() uint64 {
	return uintMetric(reg, outputActiveMetric)
}

// settle looks at the counter once the output holds no uncompleted event,
// or after settleWait, or when ctx ends. A run_once collection calls it
// after its last acknowledgement: libbeat acknowledges an event Elasticsearch
// refused with a 413 before it counts the drop (Batch.Drop, then
// PermanentErrors, which also lowers the gauge), so a drop counted just
// after the acknowledgement is still part of the run's verdict.
func (w *DropWatch) settle(ctx context.Context) {
	if w == nil {
		return
	}
	w.waitOutputIdle(ctx)
	w.poll()
}

// waitOutputIdle returns once the output holds no uncompleted event, after
// settleWait, or when ctx ends; at once without a gauge.
func (w *DropWatch) waitOutputIdle(ctx context.Context) {
	if w.active == nil || w.active() == 0 {
		return
	}
	deadline := time.NewTimer(settleWait)
	defer deadline.Stop()
	tick := time.NewTicker(settlePoll)
	defer tick.Stop()
	for w.active() > 0 {
		select {
		case <-ctx.Done():
			return
		case <-deadline.C:
			return
		case <-tick.C:
		}
	}
}
