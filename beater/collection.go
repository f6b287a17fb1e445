package beater

import (
	"context"
	"fmt"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/common/acker"
)

// runCollection syncs one collection every interval until ctx ends. A
// collection that cannot start (corrupt cursor) stays idle and reports
// degraded health instead of stopping the beat, so the other collections go
// on and no restart loop follows.
func (bt *Beater) runCollection(ctx context.Context, pipeline beat.Pipeline, id string) error {
	log := bt.log.With("collection", id)
	stats := newCollectionStats(bt.metrics, id)
	bt.mu.Lock()
	bt.stats[id] = stats
	bt.mu.Unlock()

	cursor, err := bt.store.Load(id)
	if err != nil {
		log.Errorw("cannot resume collection", "error", err)
		bt.health.set(id, err)
		if bt.cfg.RunOnce {
			return err
		}
		<-ctx.Done()
		return nil
	}
	if cursor != "" {
		log.Infow("resuming from stored cursor", "cursor", cursor)
	}

	tr := newTracker(func(c string) {
		if err := bt.store.Save(id, c); err != nil {
			log.Errorw("cannot store cursor; a restart will fetch these pages again", "error", err)
		}
	}, func(n int) { stats.acked.Add(uint64(n)) })
	client, err := pipeline.ConnectWith(beat.ClientConfig{
		PublishMode:   beat.GuaranteedSend,
		EventListener: acker.EventPrivateReporter(tr.onACK),
		WaitClose:     bt.cfg.ShutdownTimeout,
	})
	if err != nil {
		return fmt.Errorf("connect collection %s to the publisher pipeline: %w", id, err)
	}
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
		collection: id, api: bt.api, pub: client, tracker: tr, settings: bt.settings(),
		log: log, now: bt.opts.Now, progress: bt.opts.Progress, stats: stats, cursor: cursor,
	}
	for {
		start := bt.opts.Now()
		stats.runs.Inc()
		err := w.run(ctx)
		stats.runDurationMS.Set(bt.opts.Now().Sub(start).Milliseconds())
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			log.Errorw("sync run failed; the stored cursor stays at the last acknowledged page", "error", err)
		} else {
			stats.lastSuccess.Set(bt.opts.Now().UnixMilli())
		}
		bt.health.set(id, err)
		if bt.cfg.RunOnce {
			if werr := tr.wait(ctx); werr != nil {
				return fmt.Errorf("collection %s: stopped before all events were acknowledged: %w", id, werr)
			}
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-bt.opts.After(bt.cfg.Interval):
		}
	}
}
