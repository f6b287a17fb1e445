package beater

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/management/status"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/monitoring"
	"github.com/elastic/elastic-agent-libs/paths"

	"github.com/threatqbeat/threatqbeat/beater/collector"
	"github.com/threatqbeat/threatqbeat/config"
	"github.com/threatqbeat/threatqbeat/module/threatq"
)

// Progress describes a sync run in flight or just finished.
type Progress = collector.Progress

// Counts are a collection's indicator counters.
type Counts = collector.Counts

// Options are the dependencies of a Beater that tests and the demo replace.
type Options struct {
	// HTTPClient talks to ThreatQ; default: built from the config's ssl,
	// proxy and http_client_timeout settings.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// After schedules the next run; default time.After.
	After func(time.Duration) <-chan time.Time
	// Progress, if set, receives progress reports of every run.
	Progress func(Progress)
	// DataDir holds the cursor files; default <path.data>/threatq.
	DataDir string
	// LogsDir holds request traces; default path.logs.
	LogsDir string
	// DroppedEvents reads libbeat's output.events.dropped; default: from
	// the beat's stats registry (nil there: drops are not watched).
	DroppedEvents func() uint64
	// OutputActive reads libbeat's output.events.active, the events the
	// output has not completed; default: from the beat's stats registry.
	OutputActive func() uint64
	// AgentSecrets opens the secrets cmd's unit transform sealed in Elastic
	// Agent input configurations; nil: no secret is sealed.
	AgentSecrets *AgentSecrets
}

// Beater is threatqbeat's beat.Beater.
type Beater struct {
	cfg     config.Config
	opts    Options
	log     *logp.Logger
	manager status.StatusReporter // the beat's manager; nil in tests
	metrics *monitoring.Registry  // threatq.collections; nil: unregistered
	drops   *collector.DropWatch

	mu     sync.Mutex
	cancel context.CancelFunc
	runner *collector.Runner // the threatqbeat: section's, once Run built it

	// agent runs the inputs of Elastic Agent units; nil when standalone.
	agent *agentInputs
}

// Creator is the beat.Creator of threatqbeat, with opts.
func Creator(opts Options) beat.Creator {
	return func(b *beat.Beat, raw *conf.C) (beat.Beater, error) {
		return NewWithOptions(b, raw, opts)
	}
}

// NewWithOptions creates the Beater with replaced dependencies.
func NewWithOptions(b *beat.Beat, raw *conf.C, opts Options) (*Beater, error) {
	// Under Elastic Agent the threatqbeat: section is not used: every input
	// unit brings its own configuration (see agent.go).
	if b.Manager != nil && b.Manager.Enabled() {
		return newAgentBeater(b, opts), nil
	}
	cfg, err := config.Unpack(raw)
	if err != nil {
		return nil, fmt.Errorf("read threatqbeat configuration: %w", err)
	}
	log := beatLogger(b)
	opts = opts.withDefaults(b)
	if opts.HTTPClient == nil {
		// Built here so that a TLS or proxy mistake fails the start.
		hc, err := cfg.Transport().Client()
		if err != nil {
			return nil, fmt.Errorf("configure HTTP client for threatqbeat.url: %w", err)
		}
		opts.HTTPClient = hc
	}
	if cfg.SSL != nil && cfg.SSL.VerificationMode.String() == "none" {
		log.Warn("threatqbeat.ssl.verification_mode is none: the ThreatQ server's certificate is not checked")
	}
	bt := &Beater{cfg: cfg, opts: opts, log: log, drops: collector.NewDropWatch(opts.DroppedEvents, opts.OutputActive, log)}
	if b.Manager != nil {
		bt.manager = b.Manager
	}
	if reg := b.Monitoring.StatsRegistry(); reg != nil {
		bt.metrics = subRegistry(subRegistry(reg, "threatq"), "collections")
	}
	return bt, nil
}

// beatLogger is the logger of threatqbeat's own code.
func beatLogger(b *beat.Beat) *logp.Logger {
	log := b.Info.Logger
	if log == nil {
		log = logp.NewLogger("threatqbeat")
	}
	return log.Named("threatq")
}

// withDefaults fills the dependencies left unset with the real ones.
func (o Options) withDefaults(b *beat.Beat) Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.DataDir == "" {
		o.DataDir = dataDir(b)
	}
	if o.LogsDir == "" {
		o.LogsDir = logsDir(b)
	}
	if reg := b.Monitoring.StatsRegistry(); reg != nil {
		if o.DroppedEvents == nil {
			o.DroppedEvents = collector.OutputDropped(reg)
		}
		if o.OutputActive == nil {
			o.OutputActive = collector.OutputActive(reg)
		}
	}
	return o
}

// dataDir is <path.data>/threatq.
func dataDir(b *beat.Beat) string {
	if b.Paths != nil {
		return b.Paths.Resolve(paths.Data, "threatq")
	}
	return paths.Resolve(paths.Data, "threatq")
}

// logsDir is path.logs.
func logsDir(b *beat.Beat) string {
	if b.Paths != nil {
		return b.Paths.Resolve(paths.Logs, "")
	}
	return paths.Resolve(paths.Logs, "")
}

// subRegistry returns the child registry name of parent, creating it.
func subRegistry(parent *monitoring.Registry, name string) *monitoring.Registry {
	if r := parent.GetRegistry(name); r != nil {
		return r
	}
	return parent.NewRegistry(name)
}

// Run syncs every collection until Stop (or, with run_once, after one run
// of each whose events are all acknowledged).
func (bt *Beater) Run(b *beat.Beat) error {
	ctx, cancel := context.WithCancel(context.Background())
	bt.mu.Lock()
	bt.cancel = cancel
	bt.mu.Unlock()
	defer cancel()
	go bt.drops.Run(ctx)

	if bt.agent != nil {
		return bt.agent.run(ctx, b)
	}
	bt.log.Infow("threatqbeat is running", "url", threatq.RedactURL(bt.cfg.URL), "collections", len(bt.cfg.Collections))
	r, err := collector.New(b.Publisher, bt.cfg, collector.Options{
		Log: bt.log, HTTPClient: bt.opts.HTTPClient, Now: bt.opts.Now, After: bt.opts.After, Progress: bt.opts.Progress,
		CursorDir: bt.opts.DataDir, LogsDir: bt.opts.LogsDir, Metrics: bt.metrics, Drops: bt.drops,
	})
	if err != nil {
		return err
	}
	if bt.manager != nil {
		r.SetStatusReporter(bt.manager)
	}
	bt.mu.Lock()
	bt.runner = r
	bt.mu.Unlock()
	r.Start()
	select {
	case <-ctx.Done():
	case <-r.Done():
	}
	r.Stop()
	return r.Err()
}

// Stop ends Run; outstanding events get shutdown_timeout to be acknowledged.
func (bt *Beater) Stop() {
	bt.mu.Lock()
	defer bt.mu.Unlock()
	if bt.cancel != nil {
		bt.cancel()
	}
}

// Counts returns the counters of a collection; false before Run started it.
func (bt *Beater) Counts(collection string) (Counts, bool) {
	bt.mu.Lock()
	r := bt.runner
	bt.mu.Unlock()
	if r == nil {
		return Counts{}, false
	}
	return r.Counts(collection)
}
