package collector

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/management/status"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/config"
	"github.com/threatqbeat/threatqbeat/module/threatq"
)

// Runner syncs the collections of one configuration: the whole
// threatqbeat: section when standalone, or one stream of an Elastic Agent
// input. Every collection runs in its own goroutine with its own pipeline
// client. It implements libbeat's cfgfile.Runner, status.WithStatusReporter
// and diagnostics.DiagnosticReporter.
type Runner struct {
	cfg      config.Config
	opts     Options
	log      *logp.Logger
	pipeline beat.PipelineConnector
	api      *threatq.Client
	store    *CursorStore
	tracer   *threatq.Tracer // nil when tracing is off; closed by Stop

	healthMu sync.Mutex
	health   *Health
	shared   bool // health is Options.Health, keyed <ID>/<collection>

	mu      sync.Mutex
	stats   map[string]*collectionStats
	started time.Time
	cancel  context.CancelFunc
	done    chan struct{} // closed when the run ended; nil before Start
	err     error         // the run's error, once done is closed
	stopped bool
}

// New returns the Runner of cfg, publishing through pipeline. It builds the
// ThreatQ client and opens the cursor directory and the request tracer;
// nothing runs before Start, and Stop releases them.
func New(pipeline beat.PipelineConnector, cfg config.Config, opts Options) (_ *Runner, err error) {
	opts = opts.withDefaults()
	r := &Runner{cfg: cfg, opts: opts, log: opts.Log, pipeline: pipeline, stats: map[string]*collectionStats{}}
	hc := opts.HTTPClient
	if hc == nil {
		if hc, err = cfg.Transport().Client(); err != nil {
			return nil, fmt.Errorf("configure HTTP client for threatqbeat.url: %w", err)
		}
	}
	traced, tracer, err := setupTracer(cfg.Tracer, opts.LogsDir, hc, r.log)
	if err != nil {
		return nil, err
	}
	r.tracer = tracer
	defer func() {
		if err != nil {
			r.closeTracer()
		}
	}()
	if r.store, err = NewCursorStore(opts.CursorDir, opts.Now); err != nil {
		return nil, err
	}
	co := cfg.ClientOptions()
	co.HTTPClient, co.Logger, co.Now = traced, r.log, opts.Now
	if r.api, err = threatq.New(co); err != nil {
		return nil, err
	}
	r.health, r.shared = opts.Health, opts.Health != nil
	if r.health == nil {
		r.health = NewHealth(nil)
	}
	return r, nil
}

// String names the runner in libbeat's logs.
func (r *Runner) String() string {
	if r.opts.ID == "" {
		return fmt.Sprintf("threatq collections (%d)", len(r.cfg.Collections))
	}
	return fmt.Sprintf("threatq input %s (%d collections)", r.opts.ID, len(r.cfg.Collections))
}

// Start syncs every collection in the background until Stop (or, with
// run_once, after one run of each). Only the first call starts.
func (r *Runner) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done != nil || r.stopped {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done, r.started = cancel, make(chan struct{}), r.opts.Now()
	go func() {
		err := r.run(ctx)
		r.mu.Lock()
		r.err = err
		r.mu.Unlock()
		close(r.done)
	}()
	r.log.Infow("ThreatQ input started", "unit", r.opts.Unit, "collections", len(r.cfg.Collections),
		"index", r.opts.Index, "namespace", r.cfg.DataStream.Namespace)
}

// Stop ends the run and waits for it: outstanding events get
// shutdown_timeout to be acknowledged. A stopped Runner does not start
// again.
func (r *Runner) Stop() {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return
	}
	r.stopped = true
	done := r.done
	if r.cancel != nil {
		r.cancel()
	}
	r.mu.Unlock()
	if done != nil {
		<-done
	}
	r.healthMu.Lock()
	if r.shared {
		r.health.forget(r.keys()...)
	}
	r.healthMu.Unlock()
	if r.opts.UnregisterMetrics != nil {
		r.opts.UnregisterMetrics()
	}
	r.closeTracer()
	r.log.Infow("ThreatQ input stopped", "unit", r.opts.Unit)
}

// closeTracer closes the request trace file, if tracing is on: every
// request of the runner has ended.
func (r *Runner) closeTracer() {
	if r.tracer == nil {
		return
	}
	if err := r.tracer.Close(); err != nil {
		r.log.Warnw("cannot close the request trace file", "error", err)
	}
}

// Done is closed when the run has ended: after Stop, or on its own with
// run_once. It is nil before Start.
func (r *Runner) Done() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done
}

// Err is the error the run ended with (every collection's, joined); nil
// while it runs.
func (r *Runner) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Counts returns the counters of a collection; false before its run began.
func (r *Runner) Counts(collection string) (Counts, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.stats[collection]
	if !ok {
		return Counts{}, false
	}
	return s.counts(), true
}

// SetStatusReporter makes the runner report its health to rep
// (status.WithStatusReporter): an Elastic Agent stream, or the beat's
// manager when standalone. A runner that shared a health keeps its own from
// now on.
func (r *Runner) SetStatusReporter(rep status.StatusReporter) {
	if rep == nil {
		return
	}
	r.healthMu.Lock()
	defer r.healthMu.Unlock()
	if r.shared {
		r.health.forget(r.keys()...)
		r.health, r.shared = NewHealth(rep), false
		return
	}
	r.health.setReporter(rep)
}

// report records the outcome of a collection's run (nil: success).
func (r *Runner) report(collection string, err error) {
	r.healthMu.Lock()
	h, key := r.health, r.key(collection)
	r.healthMu.Unlock()
	h.set(key, err)
}

// key is the health key of a collection; call with healthMu held.
func (r *Runner) key(collection string) string {
	if r.shared {
		return r.opts.ID + "/" + collection
	}
	return collection
}

// keys are the health keys of every collection; call with healthMu held.
func (r *Runner) keys() []string {
	keys := make([]string, 0, len(r.cfg.Collections))
	for _, col := range r.cfg.Collections {
		keys = append(keys, r.key(col.ID))
	}
	return keys
}

// run syncs every collection until ctx ends (or, with run_once, after one
// run of each).
func (r *Runner) run(ctx context.Context) error {
	var wg sync.WaitGroup
	errs := make([]error, len(r.cfg.Collections))
	for i, col := range r.cfg.Collections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.runCollection(ctx, col)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// clientConfig is the pipeline client configuration of one collection.
func (r *Runner) clientConfig(tr *tracker) (beat.ClientConfig, error) {
	cc := beat.ClientConfig{
		PublishMode:   beat.GuaranteedSend,
		EventListener: ackListener(tr),
		WaitClose:     r.cfg.ShutdownTimeout,
	}
	if r.opts.Processing != nil {
		p, err := r.opts.Processing()
		if err != nil {
			return beat.ClientConfig{}, err
		}
		cc.Processing = p
	}
	return cc, nil
}
