package collector

import (
	"context"
	"errors"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/module/threatq"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// worker syncs one collection.
type worker struct {
	collection string
	api        *threatq.Client
	pub        beat.Client
	tracker    *tracker
	settings   threat.Settings
	log        *logp.Logger
	now        func() time.Time
	progress   func(Progress)
	stats      *collectionStats
	// active is the record of the collection's active indicators; nil:
	// none is kept (no tombstones).
	active *activeRecord
	// sweepInterval is sweep_interval (0: no sweep); sweepRetryAt is the
	// earliest time a failed sweep is tried again.
	sweepInterval time.Duration
	sweepRetryAt  time.Time

	cursor string // where the next run starts: the last page fetched
	// warning describes a problem of the last run that did not stop it
	// (indicators without sources and attributes); "" when none. It makes
	// health degraded although the run succeeded.
	warning string
}

// run drains every page after the worker's cursor. Events are published as
// each page arrives, while the next page is fetched (see prefetcher); the
// stored cursor moves as the output acknowledges them.
func (w *worker) run(ctx context.Context) error {
	start := w.now()
	fullPass := w.cursor == "" || w.cursor == threatq.StartCursor
	published, filtered := w.indicatorsPublished(), w.stats.filtered.Get()
	walk := w.api.Walk(w.collection, w.cursor)
	walk.OnRetry = w.stats.retried // called from the prefetching goroutine
	pages := prefetch(ctx, walk)
	defer pages.stop()
	p := Progress{Collection: w.collection, Incremental: !fullPass}
	lastReport := start
	missingWarned, totalInvalid := false, false
	w.warning = ""
	for {
		page, err := pages.next(ctx)
		if errors.Is(err, threatq.ErrNoMorePages) {
			break
		}
		if err != nil {
			w.stats.failed(err)
			return err
		}
		w.stats.pages.Inc()
		if page.TotalInvalid {
			if !totalInvalid {
				w.log.Warnw("ThreatQ sent a total that is not a whole number; it is ignored (progress and the full-pass reconciliation go without it)",
					"collection", w.collection, "cursor", page.Cursor)
			}
			totalInvalid = true
		} else {
			w.stats.total.Set(page.Total)
			p.Total = page.Total
		}
		p.Fetched += int64(len(page.Indicators) + len(page.Rejected))
		w.rejectElements(page)
		if !missingWarned && page.LacksSourcesAndAttributes() {
			missingWarned = true
			w.stats.missingFields.Inc()
			w.warning = "ThreatQ returned indicators without sources and attributes (provider, TLP and attributes are missing): check that the server honours the fields parameter"
			w.log.Warnw("ThreatQ returned indicators without sources and attributes: provider, TLP and attributes will be missing. Check that the server honours the fields parameter.",
				"collection", w.collection)
		}
		w.publishPage(page)
		w.cursor = page.NextCursor
		page.Release() // the events hold copies; the body is reused
		if now := w.now(); now.Sub(lastReport) >= progressEvery {
			lastReport = now
			p.Elapsed = now.Sub(start)
			w.report(p)
		}
	}
	p.Elapsed, p.Done = w.now().Sub(start), true
	w.report(p)
	if fullPass && !totalInvalid {
		w.reconcile(int64(w.indicatorsPublished()-published), int64(w.stats.filtered.Get()-filtered), p.Total)
	}
	return nil
}

// indicatorsPublished are the events published that are indicators, not
// tombstones.
func (w *worker) indicatorsPublished() uint64 {
	return w.stats.published.Get() - w.stats.tombstones.Get()
}

// rejectElements counts and logs the elements of a page that could not be
// decoded; the rest of the page goes on.
func (w *worker) rejectElements(page *threatq.Page) {
	for _, r := range page.Rejected {
		w.stats.rejected.Inc()
		w.log.Warnw("skipping element of data that cannot be decoded", "collection", w.collection,
			"cursor", page.Cursor, "position", r.Position, "reason", r.Reason)
	}
	w.stats.fetched.Add(uint64(len(page.Rejected)))
}

// reconcile compares what a full pass published, and what the curation
// options kept from being published, with the collection size ThreatQ
// reported, logs it and exposes it in the metrics.
func (w *worker) reconcile(published, filtered, total int64) {
	w.stats.fullPassPublished.Set(published)
	w.stats.fullPassTotal.Set(total)
	if published+filtered == total {
		w.log.Infow("full pass reconciled: every indicator of the collection was published or filtered", "published", published, "filtered", filtered, "total", total)
		return
	}
	w.log.Warnw("full pass published (or filtered) a different number of indicators than ThreatQ reports for the collection (indicators updated during the pass, or rejected elements)",
		"published", published, "filtered", filtered, "total", total, "rejected", w.stats.rejected.Get())
}

func (w *worker) report(p Progress) {
	if p.Done {
		// w.log names the collection already.
		fields := []any{"fetched", p.Fetched, "seconds", p.Elapsed.Seconds()}
		if !p.Incremental || p.Fetched > 0 {
			fields = append(fields, "total", p.Total)
		}
		done := ": run complete"
		if p.Sweep {
			done = ": walk complete"
		}
		w.log.Infow(p.String()+done, fields...)
	} else {
		w.log.Info(p.String())
	}
	if w.progress != nil {
		w.progress(p)
	}
}
