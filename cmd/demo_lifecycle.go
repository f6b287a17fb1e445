package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/threatqbeat/threatqbeat/beater"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// demoDay is how far the demo's clock moves between its two runs: past
// the default sweep_interval, so the second run ends with a sweep.
const demoDay = 24*time.Hour + time.Minute

// demoLifecycle plays a day in ThreatQ between the demo's two runs: some
// active indicators are set Whitelisted and a few are deleted, and the
// clock moves on a day. The second run then publishes the Whitelisted
// versions (inactive) and the sweep due after it retires the deleted ones
// with tombstones. It is the beat's clock (now) and scheduler (after).
type demoLifecycle struct {
	sim        *threatqtest.Server
	out        io.Writer
	indicators []json.RawMessage

	// counts reads the beat's counters (set before the beat runs);
	// finished is closed when the beat ended.
	counts   func() (beater.Counts, bool)
	finished <-chan struct{}

	offset atomic.Int64 // added to the wall clock, in nanoseconds
	runs   atomic.Int32
	// done is closed when the second run and its sweep have published
	// everything.
	done chan struct{}
}

func newDemoLifecycle(sim *threatqtest.Server, out io.Writer, indicators []json.RawMessage, finished <-chan struct{}) *demoLifecycle {
	return &demoLifecycle{sim: sim, out: out, indicators: indicators, finished: finished, done: make(chan struct{})}
}

// demoStart is the updated_at of the first generated indicator: n
// indicators are at most a minute apart, so all are in the past.
func demoStart(n int) time.Time {
	return time.Now().UTC().Add(-time.Duration(n)*time.Minute - time.Hour).Truncate(time.Second)
}

func (d *demoLifecycle) now() time.Time { return time.Now().Add(time.Duration(d.offset.Load())) }

// after is called when a run ended, with the interval to the next: after
// the first, once the output acknowledged it, the day in ThreatQ passes
// and the next run starts; after the second, the demo is over and the beat
// is stopped.
func (d *demoLifecycle) after(time.Duration) <-chan time.Time {
	switch d.runs.Add(1) {
	case 1:
		fired := make(chan time.Time, 1)
		go func() {
			if !d.acknowledged() {
				return
			}
			d.offset.Add(int64(demoDay))
			d.change()
			fired <- d.now()
		}()
		return fired
	case 2:
		close(d.done)
	}
	return nil // never fires: the beat is stopped
}

// acknowledged waits until the output acknowledged every event published;
// false when the beat ended first.
func (d *demoLifecycle) acknowledged() bool {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if c, ok := d.counts(); ok && c.Acked >= c.Published {
			return true
		}
		select {
		case <-tick.C:
		case <-d.finished:
			return false
		}
	}
}

// stop stops the beat once the second run is over and acknowledged.
func (d *demoLifecycle) stop(bt *beater.Beater) {
	select {
	case <-d.done:
	case <-d.finished:
		return
	}
	if d.acknowledged() {
		bt.Stop()
	}
}

// change sets up to 20 active indicators Whitelisted and deletes up to 10
// others, each at most a quarter of the active ones.
func (d *demoLifecycle) change() {
	now := d.now().UTC()
	var active []int
	for i, raw := range d.indicators {
		e, err := threat.Map(raw, threat.Settings{Expiration: 90 * 24 * time.Hour}, now)
		if err == nil && e.Filtered == "" && e.ActiveAt(now) && e.Key.IndicatorKey == "" {
			active = append(active, i)
		}
	}
	whitelist, remove := min(20, len(active)/4), min(10, len(active)/4)
	var changed []json.RawMessage
	for _, i := range active[:whitelist] {
		raw, err := threatqtest.WithStatus(d.indicators[i], "Whitelisted", now)
		if err == nil {
			changed = append(changed, raw)
		}
	}
	var ids []int64
	for _, i := range active[whitelist : whitelist+remove] {
		e, _ := threat.Map(d.indicators[i], threat.Settings{}, now)
		ids = append(ids, e.Key.ID)
	}
	d.sim.Append(demoCollection, changed...)
	removed := d.sim.Remove(demoCollection, ids...)
	fmt.Fprintf(d.out, "a day later in ThreatQ: %d indicators set Whitelisted, %d deleted\n", len(changed), removed)
}

// retiredSummary says how many active indicators the demo retired and why.
func retiredSummary(c beater.Counts) string {
	return fmt.Sprintf("retired: %d by a newer version (Whitelisted in ThreatQ, threatq.ioc_expiration_reason says why), %d no longer in the collection (tombstones of the sweep)",
		c.RetiredInactive, c.NotInCollection)
}

// seconds writes an elapsed time for the summary: milliseconds below a
// second, so that a quick demo does not read "0.0 s".
func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", max(1, d.Milliseconds()))
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
