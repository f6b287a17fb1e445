package beater

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/cfgfile"
	"github.com/elastic/beats/v7/libbeat/common/reload"
	"github.com/elastic/beats/v7/libbeat/management/status"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/monitoring"
)

// agentInputs runs threatqbeat under Elastic Agent. libbeat's Agent manager
// (x-pack/libbeat/management, registered by cmd/agent.go) turns every
// stream of an input unit into one configuration with cmd's transform and
// hands the complete list to Reload after every policy change. Each
// configuration becomes an input (input.go) with its own ThreatQ client,
// cursor directory, health, metrics and pipeline clients carrying the
// stream's index and processors.
//
// Reload compares configurations by a hash of their content: an unchanged
// input keeps running, a changed or removed one is stopped (waiting up to
// shutdown_timeout for acknowledgements) before its successor starts with
// the same cursor files, so a reconfiguration needs no restart and resumes
// where the previous configuration stopped.
type agentInputs struct {
	info    beat.Info
	opts    Options
	log     *logp.Logger
	health  *health              // beat-wide, for inputs without a stream reporter
	metrics *monitoring.Registry // threatq.inputs; nil: unregistered
	drops   *dropWatch           // beat-wide: one pipeline for every input

	mu       sync.Mutex
	ctx      context.Context // Run's; inputs stop when it ends
	pipeline beat.Pipeline
	closed   bool
	running  map[string]*agentInput // by configuration hash
}

// agentInput is a running input.
type agentInput struct {
	spec    *agentSpec
	in      *input
	cancel  context.CancelFunc
	done    chan struct{}
	started time.Time

	mu    sync.Mutex
	stats map[string]*collectionStats
}

// newAgentBeater is the Beater of a threatqbeat started by Elastic Agent.
func newAgentBeater(b *beat.Beat, opts Options) *Beater {
	log := beatLogger(b)
	opts = opts.withDefaults(b)
	bt := &Beater{opts: opts, log: log, health: newHealth(b.Manager), stats: map[string]*collectionStats{}, drops: newDropWatch(opts.DroppedEvents, log)}
	bt.agent = &agentInputs{info: b.Info, opts: opts, log: log, health: bt.health, drops: bt.drops, running: map[string]*agentInput{}}
	if reg := b.Monitoring.StatsRegistry(); reg != nil {
		bt.agent.metrics = subRegistry(subRegistry(reg, "threatq"), "inputs")
	}
	return bt
}

// run registers the input manager, connects to Elastic Agent and runs the
// inputs it sends until ctx ends.
func (a *agentInputs) run(ctx context.Context, b *beat.Beat) error {
	a.mu.Lock()
	a.ctx, a.pipeline = ctx, b.Publisher
	a.mu.Unlock()
	b.Registry.MustRegisterInput(a)
	if err := b.Manager.Start(); err != nil {
		return fmt.Errorf("connect to Elastic Agent: %w", err)
	}
	defer b.Manager.Stop()
	a.log.Info("threatqbeat is running under Elastic Agent; inputs of type threatq come from the agent policy")
	<-ctx.Done()
	a.stopAll()
	return nil
}

// Reload implements reload.ReloadableList: configs are every input the
// agent wants running now.
func (a *agentInputs) Reload(configs []*reload.ConfigWithMeta) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed || a.ctx == nil {
		return nil
	}
	want := make(map[string]*agentSpec, len(configs))
	var errs []error
	for _, c := range configs {
		spec, err := parseAgentInput(c, a.log)
		if err != nil {
			errs = append(errs, a.refuse(c, err)...)
			continue
		}
		want[spec.hash] = spec
	}

	// Stop first: a changed input's successor uses the same cursor files.
	var stopping []*agentInput
	for h, r := range a.running {
		if _, ok := want[h]; !ok {
			stopping = append(stopping, r)
			delete(a.running, h)
		}
	}
	a.stop(stopping)

	for h, s := range want {
		if r, ok := a.running[h]; ok {
			r.spec.reporter, r.spec.diag = s.reporter, s.diag
			if s.reporter != nil {
				r.in.health.setReporter(s.reporter)
			}
			a.registerDiagnostics(r)
			continue
		}
		r, err := a.start(s)
		if err != nil {
			errs = append(errs, a.refuse(s.raw, err)...)
			continue
		}
		a.running[h] = r
	}
	return errors.Join(errs...)
}

// refuse reports an input that cannot run: FAILED on its stream when the
// agent gave one (the other inputs of the policy go on), else as an error
// of its unit for the manager.
func (a *agentInputs) refuse(c *reload.ConfigWithMeta, err error) []error {
	a.log.Errorw("cannot run ThreatQ input", "unit", c.InputUnitID, "error", err)
	if c.StatusReporter != nil {
		c.StatusReporter.UpdateStatus(status.Failed, err.Error())
		return nil
	}
	return []error{cfgfile.UnitError{UnitID: c.InputUnitID, Err: err}}
}

// start starts the input of s.
func (a *agentInputs) start(s *agentSpec) (*agentInput, error) {
	log := a.log.With("input", s.id)
	hc := a.opts.HTTPClient
	if hc == nil {
		var err error
		if hc, err = s.cfg.Transport().Client(); err != nil {
			return nil, fmt.Errorf("configure HTTP client for url: %w", err)
		}
	}
	traced, err := setupTracer(s.cfg.Tracer, a.opts.LogsDir, hc, log)
	if err != nil {
		return nil, err
	}
	store, err := NewCursorStore(filepath.Join(a.opts.DataDir, "inputs", s.name), a.opts.Now)
	if err != nil {
		return nil, err
	}
	api, err := newAPI(s.cfg, traced, log, a.opts.Now)
	if err != nil {
		return nil, err
	}
	r := &agentInput{spec: s, done: make(chan struct{}), started: a.opts.Now(),
		stats: map[string]*collectionStats{}}
	in := &input{
		cfg: s.cfg, api: api, store: store, log: log,
		now: a.opts.Now, after: a.opts.After,
		track: func(id string, st *collectionStats) {
			r.mu.Lock()
			r.stats[id] = st
			r.mu.Unlock()
		},
		processing: s.processing(a.info, log),
		drops:      a.drops,
	}
	if s.reporter != nil {
		in.health = newHealth(s.reporter)
	} else {
		// No stream to report on: the beat-wide health (all units).
		in.health = a.health
		in.healthKey = func(col string) string { return s.id + "/" + col }
	}
	if a.metrics != nil {
		in.metrics = freshRegistry(a.metrics, r.spec.name).NewRegistry("collections")
	}
	r.in = in
	ctx, cancel := context.WithCancel(a.ctx)
	r.cancel = cancel
	go func() {
		defer close(r.done)
		if err := in.run(ctx, a.pipeline); err != nil {
			log.Errorw("ThreatQ input ended with an error", "error", err)
		}
	}()
	a.registerDiagnostics(r)
	log.Infow("ThreatQ input started", "unit", s.unitID, "collections", len(s.cfg.Collections),
		"index", s.index, "namespace", s.cfg.DataStream.Namespace)
	return r, nil
}

// stop stops inputs concurrently and waits for them.
func (a *agentInputs) stop(list []*agentInput) {
	var wg sync.WaitGroup
	for _, r := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.cancel()
			<-r.done
			if r.in.healthKey != nil {
				keys := make([]string, 0, len(r.spec.cfg.Collections))
				for _, col := range r.spec.cfg.Collections {
					keys = append(keys, r.in.key(col.ID))
				}
				a.health.forget(keys...)
			}
			if a.metrics != nil {
				a.metrics.Remove(r.spec.name)
			}
			a.log.Infow("ThreatQ input stopped", "input", r.spec.id, "unit", r.spec.unitID)
		}()
	}
	wg.Wait()
}

// stopAll stops every input; later Reloads do nothing.
func (a *agentInputs) stopAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	list := make([]*agentInput, 0, len(a.running))
	for _, r := range a.running {
		list = append(list, r)
	}
	a.running = map[string]*agentInput{}
	a.stop(list)
}

// safeName turns an input id into a file and metrics registry name:
// letters, digits, '-' and '_' are kept, anything else becomes '_' and a
// short hash of the id is appended so that distinct ids stay distinct.
func safeName(id string) string {
	b := []byte(id)
	changed := len(b) == 0
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
			changed = true
		}
	}
	if !changed {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return string(b) + "-" + hex.EncodeToString(sum[:4])
}

// hashConfig is the identity of an input configuration (secrets included,
// so that a new secret restarts the input).
func hashConfig(m map[string]any) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
