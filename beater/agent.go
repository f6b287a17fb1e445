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

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/cfgfile"
	"github.com/elastic/beats/v7/libbeat/common/reload"
	"github.com/elastic/beats/v7/libbeat/management/status"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/monitoring"

	"github.com/threatqbeat/threatqbeat/beater/collector"
)

// agentInputs runs threatqbeat under Elastic Agent. libbeat's Agent manager
// (x-pack/libbeat/management, registered by cmd/agent.go) turns every
// stream of an input unit into one configuration with cmd's transform and
// hands the complete list to Reload after every policy change. Each
// configuration becomes a collector.Runner with its own ThreatQ client,
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
	health  *collector.Health    // beat-wide, for inputs without a stream reporter
	metrics *monitoring.Registry // threatq.inputs; nil: unregistered
	drops   *collector.DropWatch // beat-wide: one pipeline for every input

	mu       sync.Mutex
	ctx      context.Context // Run's; inputs stop when it ends
	pipeline beat.Pipeline
	closed   bool
	running  map[string]*agentInput // by configuration hash
}

// agentInput is a running input.
type agentInput struct {
	spec   *agentSpec
	runner *collector.Runner
}

// newAgentBeater is the Beater of a threatqbeat started by Elastic Agent.
func newAgentBeater(b *beat.Beat, opts Options) *Beater {
	log := beatLogger(b)
	opts = opts.withDefaults(b)
	bt := &Beater{opts: opts, log: log, drops: collector.NewDropWatch(opts.DroppedEvents, log)}
	bt.agent = &agentInputs{info: b.Info, opts: opts, log: log, health: collector.NewHealth(b.Manager), drops: bt.drops, running: map[string]*agentInput{}}
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
			r.runner.SetStatusReporter(s.reporter)
			registerDiagnostics(r)
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
	opts := collector.Options{
		ID: s.id, Name: s.name, Unit: s.unitID, Index: s.index,
		Log: log, HTTPClient: a.opts.HTTPClient, Now: a.opts.Now, After: a.opts.After,
		CursorDir: filepath.Join(a.opts.DataDir, "inputs", s.name), LogsDir: a.opts.LogsDir,
		Processing: s.processing(a.info, log), Drops: a.drops,
	}
	if s.reporter == nil {
		// No stream to report on: the beat-wide health (all units).
		opts.Health = a.health
	}
	if a.metrics != nil {
		opts.Metrics = collector.FreshRegistry(a.metrics, s.name).NewRegistry("collections")
		opts.UnregisterMetrics = func() { a.metrics.Remove(s.name) }
	}
	runner, err := collector.New(a.pipeline, s.cfg, opts)
	if err != nil {
		return nil, err
	}
	runner.SetStatusReporter(s.reporter)
	r := &agentInput{spec: s, runner: runner}
	runner.Start()
	registerDiagnostics(r)
	return r, nil
}

// registerDiagnostics adds the input's file to its unit's diagnostics
// (elastic-agent diagnostics, or the stub agent in tests).
func registerDiagnostics(r *agentInput) {
	if r.spec.diag == nil {
		return
	}
	for _, d := range r.runner.Diagnostics() {
		r.spec.diag.Register(d.Name, d.Description, d.Filename, d.ContentType, d.Callback)
	}
}

// stop stops inputs concurrently and waits for them.
func (a *agentInputs) stop(list []*agentInput) {
	var wg sync.WaitGroup
	for _, r := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.runner.Stop()
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
