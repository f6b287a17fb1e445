package beater

import (
	"context"
	"errors"
	"fmt"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/common/acker"
	"github.com/elastic/beats/v7/libbeat/processors"
)

// runCollection syncs one collection every interval until ctx ends. A
// collection that cannot start (corrupt cursor) stays idle and reports
// degraded health instead of stopping the beat, so the other collections go
// on and no restart loop follows.
func (in *input) runCollection(ctx context.Context, pipeline beat.Pipeline, id string) error {
	log := in.log.With("collection", id)
	stats := newCollectionStats(in.metrics, id)
	if in.track != nil {
		in.track(id, stats)
	}

	cursor, err := in.store.Load(id)
	if err != nil {
		log.Errorw("cannot resume collection", "error", err)
		in.health.set(in.key(id), err)
		if in.cfg.RunOnce {
			return err
		}
		<-ctx.Done()
		return nil
	}
	if cursor != "" {
		log.Infow("resuming from stored cursor", "cursor", cursor)
	}

	tr := newTracker(func(c string) {
		if err := in.store.Save(id, c); err != nil {
			log.Errorw("cannot store cursor; a restart will fetch these pages again", "error", err)
			return
		}
		stats.cursorMoved(in.now())
	}, func(n int) { stats.acked.Add(uint64(n)) })
	sink := &dropSink{collection: id, log: log, stats: stats, onDrop: func(n uint64) { in.health.set(in.key(id), dropError(n)) }}
	if in.drops != nil {
		tr.reportIDs(func(ids []string) { in.drops.acked(sink, ids) })
	}
	stats.observe(tr)
	cc, err := in.clientConfig(tr)
	if err == nil {
		var client beat.Client
		if client, err = pipeline.ConnectWith(cc); err == nil {
			return in.loop(ctx, id, cursor, client, tr, stats, sink)
		}
		_ = processors.Close(cc.Processing.Processor)
	}
	err = fmt.Errorf("connect collection %s to the publisher pipeline: %w", id, err)
	in.health.set(in.key(id), err)
	return err
}

// loop runs the syncs of one collection through its pipeline client.
func (in *input) loop(ctx context.Context, id, cursor string, client beat.Client, tr *tracker, stats *collectionStats, sink *dropSink) error {
	log := in.log.With("collection", id)
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
		collection: id, api: in.api, pub: client, tracker: tr, settings: in.settings(),
		log: log, now: in.now, progress: in.progress, stats: stats, cursor: cursor,
	}
	for {
		start := in.now()
		stats.runs.Inc()
		err := w.run(ctx)
		stats.runDurationMS.Set(in.now().Sub(start).Milliseconds())
		stopped := ctx.Err() != nil // stopped mid-run: no verdict on the run
		// dropped: the events the output dropped since the last verdict.
		var dropped uint64
		if !stopped {
			if err != nil {
				log.Errorw("sync run failed; the stored cursor stays at the last acknowledged page", "error", err)
			} else {
				stats.lastSuccess.Set(in.now().UnixMilli())
			}
			dropped = sink.take()
			in.health.set(in.key(id), healthError(err, w.warning, dropped))
		}
		if in.cfg.RunOnce {
			// Say so when events are still unacknowledged.
			if werr := tr.wait(ctx); werr != nil {
				return fmt.Errorf("collection %s: stopped before all events were acknowledged: %w", id, werr)
			}
			if stopped {
				return nil
			}
			// Acknowledgements, and so drops, may come after the verdict.
			in.drops.poll()
			if late := sink.take(); late > 0 {
				dropped += late
				in.health.set(in.key(id), healthError(err, w.warning, dropped))
			}
			if dropped > 0 {
				return errors.Join(err, fmt.Errorf("collection %s: %w", id, dropError(dropped)))
			}
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-in.after(in.cfg.Interval):
		}
	}
}

// ackListener persists cursors from the pipeline's acknowledgements.
func ackListener(tr *tracker) beat.EventListener {
	return acker.EventPrivateReporter(tr.onACK)
}

// healthError is what a run reports to health: its error, the events the
// output dropped since the last verdict, a successful run's warning (data
// the run delivered incompletely), or nil: a clean run.
func healthError(err error, warning string, dropped uint64) error {
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	if dropped > 0 {
		errs = append(errs, dropError(dropped))
	}
	if len(errs) == 0 && warning != "" {
		return errors.New(warning)
	}
	return errors.Join(errs...)
}
