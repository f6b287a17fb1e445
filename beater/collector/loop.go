package collector

import (
	"context"
	"errors"
	"fmt"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/processors"

	"github.com/threatqbeat/threatqbeat/config"
)

// runCollection syncs one collection every interval until ctx ends. A
// collection that cannot start (corrupt cursor) stays idle and reports
// degraded health instead of stopping the beat, so the other collections go
// on and no restart loop follows.
func (r *Runner) runCollection(ctx context.Context, col config.Collection) error {
	id := col.ID
	log := r.log.With("collection", id)
	stats := newCollectionStats(r.opts.Metrics, id)
	r.mu.Lock()
	r.stats[id] = stats
	r.mu.Unlock()

	cursor, err := r.store.Load(id)
	if err != nil {
		log.Errorw("cannot resume collection", "error", err)
		r.report(id, err)
		if r.cfg.RunOnce {
			return err
		}
		<-ctx.Done()
		return nil
	}
	if cursor != "" {
		log.Infow("resuming from stored cursor", "cursor", cursor)
	}

	active := r.openActive(id, cursor, log)
	tr := newTracker(func(c string) {
		if err := r.store.Save(id, c); err != nil {
			log.Errorw("cannot store cursor; a restart will fetch these pages again", "error", err)
			return
		}
		stats.cursorMoved(r.opts.Now())
	}, func(n int) { stats.acked.Add(uint64(n)) })
	sink := &dropSink{collection: id, log: log, stats: stats, onDrop: func(n uint64) { r.report(id, dropError(n)) }}
	if r.opts.Drops != nil {
		tr.reportIDs(func(ids []string) { r.opts.Drops.acked(sink, ids) })
	}
	stats.observe(tr)
	if active != nil {
		tr.completeWith(func(done []*pageMark) {
			if err := active.apply(done); err != nil {
				log.Errorw("cannot store the record of active indicators; it is written again with the next acknowledged page, and a sweep repairs what a restart loses", "error", err)
			}
		})
		stats.active.Store(active)
	}
	defer tr.stop() // after the client closed: no cursor write once the collection stopped
	cc, err := r.clientConfig(tr)
	if err == nil {
		var client beat.Client
		if client, err = r.pipeline.ConnectWith(cc); err == nil {
			return r.loop(ctx, col, cursor, client, tr, stats, sink, active)
		}
		_ = processors.Close(cc.Processing.Processor)
	}
	err = fmt.Errorf("connect collection %s to the publisher pipeline: %w", id, err)
	r.report(id, err)
	return err
}

// loop runs the syncs of one collection through its pipeline client.
func (r *Runner) loop(ctx context.Context, col config.Collection, cursor string, client beat.Client, tr *tracker, stats *collectionStats, sink *dropSink, active *activeRecord) error {
	id := col.ID
	log := r.log.With("collection", id)
	// Close from another goroutine so a Publish blocked on a full queue is
	// released when the beat stops. Close waits up to shutdown_timeout for
	// outstanding acknowledgements.
	finished, closed := make(chan struct{}), make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-finished:
		}
		client.Close()
		close(closed)
	}()
	defer func() { close(finished); <-closed }()

	w := &worker{
		collection: id, api: r.api, pub: client, tracker: tr, settings: r.cfg.Settings(col),
		log: log, now: r.opts.Now, progress: r.opts.Progress, stats: stats, cursor: cursor,
		active: active, sweepInterval: r.cfg.SweepInterval,
	}
	for {
		start := r.opts.Now()
		stats.runs.Inc()
		runErr := w.run(ctx)
		stats.runDurationMS.Set(r.opts.Now().Sub(start).Milliseconds())
		err := runErr
		if runErr == nil { // a failed run defers a due sweep to the next run that succeeds
			err = w.sweepIfDue(ctx)
		}
		stopped := ctx.Err() != nil // stopped mid-run: no verdict on the run
		// dropped: the events the output dropped since the last verdict.
		var dropped uint64
		if !stopped {
			if runErr != nil {
				log.Errorw("sync run failed; the stored cursor stays at the last acknowledged page", "error", runErr)
			} else {
				stats.lastSuccess.Set(r.opts.Now().UnixMilli())
			}
			dropped = sink.take()
			r.report(id, healthError(err, w.warning, dropped))
		}
		if r.cfg.RunOnce {
			// Say so when events are still unacknowledged.
			if werr := tr.wait(ctx); werr != nil {
				return fmt.Errorf("collection %s: stopped before all events were acknowledged: %w", id, werr)
			}
			if stopped {
				return nil
			}
			// Acknowledgements, and so drops, may come after the verdict;
			// libbeat counts some drops just after their acknowledgement.
			r.opts.Drops.settle(ctx)
			if late := sink.take(); late > 0 {
				dropped += late
				r.report(id, healthError(err, w.warning, dropped))
			}
			if dropped > 0 {
				return errors.Join(err, fmt.Errorf("collection %s: %w", id, dropError(dropped)))
			}
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.opts.After(r.cfg.Interval):
		}
	}
}
