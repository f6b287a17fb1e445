package beater

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/monitoring"

	"github.com/threatqbeat/threatqbeat/config"
	"github.com/threatqbeat/threatqbeat/module/threatq"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// input is a set of collections synced with one configuration: the whole
// threatqbeat: section when standalone, or one stream of an Elastic Agent
// input unit (agent.go). Every collection runs in its own goroutine with its
// own pipeline client.
type input struct {
	cfg   config.Config
	api   *threatq.Client
	store *CursorStore
	log   *logp.Logger

	now      func() time.Time
	after    func(time.Duration) <-chan time.Time
	progress func(Progress) // nil: no progress reports

	// health aggregates the outcome of every run; healthKey turns a
	// collection id into the key it is recorded under (nil: the id).
	health    *health
	healthKey func(collection string) string
	// metrics is the parent of the per-collection registries (nil:
	// unregistered counters).
	metrics *monitoring.Registry
	// drops attributes the events the output drops (nil: not watched).
	drops *dropWatch
	// track, if set, is told about every collection's counters.
	track func(collection string, s *collectionStats)
	// processing, if set, returns the processing settings (index,
	// processors, ingest pipeline) of one pipeline client. It is called once
	// per client because a client closes its processors when it closes.
	processing func() (beat.ProcessingConfig, error)
}

// run syncs every collection of the input until ctx ends (or, with
// run_once, after one run of each).
func (in *input) run(ctx context.Context, pipeline beat.Pipeline) error {
	var wg sync.WaitGroup
	errs := make([]error, len(in.cfg.Collections))
	for i, col := range in.cfg.Collections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = in.runCollection(ctx, pipeline, col.ID)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// key is the health key of a collection.
func (in *input) key(collection string) string {
	if in.healthKey == nil {
		return collection
	}
	return in.healthKey(collection)
}

// settings are the mapping options of every collection of the input.
func (in *input) settings() threat.Settings {
	return threat.Settings{
		Namespace:             in.cfg.DataStream.Namespace,
		Expiration:            in.cfg.Expiration(),
		PreserveOriginalEvent: in.cfg.PreserveOriginalEvent,
		Tags:                  in.cfg.Tags,
		URL:                   threatq.RedactURL(in.cfg.URL), // no user information in threat.indicator.reference
		ReferencePath:         in.cfg.ReferencePath,
	}
}

// clientConfig is the pipeline client configuration of one collection.
func (in *input) clientConfig(tr *tracker) (beat.ClientConfig, error) {
	cc := beat.ClientConfig{
		PublishMode:   beat.GuaranteedSend,
		EventListener: ackListener(tr),
		WaitClose:     in.cfg.ShutdownTimeout,
	}
	if in.processing != nil {
		p, err := in.processing()
		if err != nil {
			return beat.ClientConfig{}, err
		}
		cc.Processing = p
	}
	return cc, nil
}
