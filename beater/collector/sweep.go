package collector

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// sweepRetry is the longest wait before a failed sweep is tried again (at
// the first run after it); a shorter sweep_interval is waited instead.
const sweepRetry = time.Hour

// sweepDue reports whether a sweep should follow the run that ended at
// now: sweeping is on, the last completed sweep is sweep_interval old (or
// none completed) and no failed sweep asks to wait.
func (w *worker) sweepDue(now time.Time) bool {
	if w.sweepInterval <= 0 || w.active == nil || now.Before(w.sweepRetryAt) {
		return false
	}
	last := w.active.sweptAt()
	return last.IsZero() || !now.Before(last.Add(w.sweepInterval))
}

// sweepIfDue sweeps the collection when a sweep is due; a failed sweep is
// logged and tried again after sweep_interval or sweepRetry, whichever is
// shorter. It returns the sweep's error.
func (w *worker) sweepIfDue(ctx context.Context) error {
	if ctx.Err() != nil || !w.sweepDue(w.now()) {
		return nil
	}
	err := w.sweep(ctx)
	if err == nil || ctx.Err() != nil {
		return nil
	}
	retry := min(w.sweepInterval, sweepRetry)
	w.sweepRetryAt = w.now().Add(retry)
	w.log.Errorw("sweep failed: nothing was retired; it is tried again after the first run in "+retry.String(), "error", err)
	return err
}

// sweep walks the whole collection from its start, apart from the
// incremental cursor, and retires every indicator recorded active that
// the walk did not return, or that a curation option now drops: one
// tombstone each. It first waits until the output acknowledged every event
// published before, so that the record is current. While it walks, an
// indicator that maps active but is not recorded (back in the collection,
// or no longer dropped) is published again with threat.RepublishID, and
// one recorded active that now maps inactive (a deploy_statuses change) is
// published again to retire it. A walk that does not complete (an error,
// the page limit, a stop) publishes no tombstone. The time of the sweep is
// recorded once its tombstones are acknowledged.
func (w *worker) sweep(ctx context.Context) error {
	if err := w.tracker.wait(ctx); err != nil {
		return err
	}
	now := w.now().UTC()
	w.active.beginSweep()
	walk := w.api.Walk(w.collection, threatq.StartCursor)
	walk.OnRetry = w.stats.retried
	pages := prefetch(ctx, walk)
	defer pages.stop()
	p := Progress{Collection: w.collection, Sweep: true}
	lastReport := now
	dropped := map[threat.Key]threat.Retirement{} // recorded, and dropped now
	for {
		page, err := pages.next(ctx)
		if errors.Is(err, threatq.ErrNoMorePages) {
			break
		}
		if err != nil {
			w.stats.sweepErrors.Inc()
			w.stats.apiError(err)
			return fmt.Errorf("sweep of collection %s stopped after %d indicators, nothing retired: %w", w.collection, p.Fetched, err)
		}
		p.Total = page.Total
		p.Fetched += int64(len(page.Indicators) + len(page.Rejected))
		w.sweepPage(page, now, dropped)
		page.Release()
		if t := w.now(); t.Sub(lastReport) >= progressEvery {
			lastReport = t
			p.Elapsed = t.Sub(now)
			w.report(p)
		}
	}
	retired := w.active.unseen()
	mark := w.tracker.begin("")
	b := w.batch(mark)
	for i, k := range retired {
		r, ok := dropped[k]
		if !ok {
			r = threat.Retirement{Key: k, Reason: threat.ReasonNotInCollection, At: now}
		}
		b.retire(r)
		if (i+1)%publishChunk == 0 && i+1 < len(retired) {
			b.flush()
			w.tracker.seal(mark)
			mark = w.tracker.begin("")
			b = w.batch(mark)
		}
	}
	b.flush()
	mark.sweptAt = now
	w.tracker.seal(mark)
	w.stats.sweeps.Inc()
	w.stats.swept.Set(p.Fetched)
	w.stats.lastSweep.Set(now.UnixMilli())
	p.Elapsed, p.Done = w.now().Sub(now), true
	w.report(p)
	w.log.Infow("sweep complete", "walked", p.Fetched, "retired", len(retired), "not_in_collection", len(retired)-len(dropped))
	return nil
}

// sweepPage marks the indicators of one page of a sweep as seen, notes
// the retirement of those recorded that a curation option drops, and publishes again those whose alias
// document is not what ThreatQ says now (see sweep).
func (w *worker) sweepPage(page *threatq.Page, now time.Time, dropped map[threat.Key]threat.Retirement) {
	mark := w.tracker.begin("")
	b := w.batch(mark)
	for _, raw := range page.Indicators {
		e, err := threat.Map(raw, w.settings, now)
		if err != nil {
			continue // counted and logged by the runs
		}
		if e.Filtered != "" {
			if w.active.has(e.Key) {
				dropped[e.Key] = threat.Retirement{Key: e.Key, Value: e.Value, Reason: e.Filtered.Reason(), At: now}
			}
			continue
		}
		recorded := w.active.see(e.Key)
		switch active := e.ActiveAt(now); {
		case active && !recorded:
			mark.changes = append(mark.changes, putChange(e.Key))
		case !active && recorded:
			mark.changes = append(mark.changes, delChange(e.Key))
			if !retiredByStatus(e) {
				// Its expiry date passed: the document in the alias
				// carries it and expires by itself.
				continue
			}
			w.stats.retiredInactive.Inc()
		default:
			continue
		}
		w.stats.republished.Inc()
		b.add(e, threat.RepublishID(e.ID, now))
	}
	b.flush()
	w.tracker.seal(mark)
}

// retiredByStatus reports whether an inactive indicator is so because of
// its status (Whitelisted, Expired, not in deploy_statuses) rather than a
// date: an indicator recorded active that a sweep finds inactive by status
// without a newer version was retired by a change of deploy_statuses, and
// only a version published again tells the alias.
func retiredByStatus(e threat.Event) bool {
	switch reason, _ := e.Fields.GetValue("threatq.ioc_expiration_reason"); reason {
	case threat.ReasonStatusExpired, threat.ReasonStatusWhitelisted, threat.ReasonStatusNotDeployed:
		return true
	}
	return false
}
