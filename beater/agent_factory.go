package beater

import (
	"fmt"
	"path/filepath"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/cfgfile"
	"github.com/elastic/beats/v7/libbeat/management/status"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/monitoring"

	"github.com/threatqbeat/threatqbeat/beater/collector"
)

// inputFactory makes the collector.Runner of an Elastic Agent input
// configuration: the cfgfile.RunnerFactory of agentInputs' RunnerList.
type inputFactory struct {
	info    beat.Info
	opts    Options
	log     *logp.Logger
	health  *collector.Health    // beat-wide, for inputs without a stream reporter
	metrics *monitoring.Registry // threatq.inputs; nil: unregistered
	drops   *collector.DropWatch // beat-wide: one pipeline for every input
	secrets *AgentSecrets        // opens the sealed secrets; nil: none are sealed
}

// Create is the runner of an input without a stream to report on: its
// health goes to the beat-wide one, and an invalid configuration is an
// error (of its unit, for the manager).
func (f *inputFactory) Create(p beat.PipelineConnector, c *conf.C) (cfgfile.Runner, error) {
	s, err := f.parse(c)
	if err != nil {
		return nil, err
	}
	return f.runner(p, s, nil)
}

// CreateWithReporter is the runner of an input with a stream reporter
// (cfgfile.RunnerFactoryWithStatusReporter). An input that cannot run
// becomes a runner that reports FAILED with the reason on its stream, so
// that the unit's other streams go on; a corrected configuration replaces
// it.
func (f *inputFactory) CreateWithReporter(p beat.PipelineConnector, c *conf.C, rep status.StatusReporter) (cfgfile.Runner, error) {
	s, err := f.parse(c)
	if err == nil {
		var r *collector.Runner
		if r, err = f.runner(p, s, rep); err == nil {
			return r, nil
		}
	}
	unit, _ := c.String("unit_id", -1)
	return &failedInput{log: f.log, unit: unit, err: err, reporter: rep}, nil
}

// CheckConfig tells whether c can run.
func (f *inputFactory) CheckConfig(c *conf.C) error {
	_, err := f.parse(c)
	return err
}

// parse opens the sealed secrets of a copy of c and reads it. c is not
// changed: it stays what the manager printed and the list hashed.
func (f *inputFactory) parse(c *conf.C) (*agentSpec, error) {
	var m map[string]any
	if err := c.Unpack(&m); err != nil {
		return nil, fmt.Errorf("read input configuration: %w", err)
	}
	if m == nil {
		m = map[string]any{}
	}
	if err := f.secrets.open(m); err != nil {
		return nil, err
	}
	return parseAgentInput(m, f.log)
}

// runner builds the runner of s; rep is its stream's reporter (nil: none).
func (f *inputFactory) runner(p beat.PipelineConnector, s *agentSpec, rep status.StatusReporter) (*collector.Runner, error) {
	log := f.log.With("input", s.id)
	opts := collector.Options{
		ID: s.id, Name: s.name, Unit: s.unitID, Index: s.index,
		Log: log, HTTPClient: f.opts.HTTPClient, Now: f.opts.Now, After: f.opts.After,
		CursorDir: filepath.Join(f.opts.DataDir, "inputs", s.name), LogsDir: f.opts.LogsDir,
		Processing: s.processing(f.info, log), Drops: f.drops,
	}
	if rep == nil {
		// No stream to report on: the beat-wide health (all units).
		opts.Health = f.health
	}
	if f.metrics != nil {
		opts.Metrics = collector.FreshRegistry(f.metrics, s.name).NewRegistry("collections")
		opts.UnregisterMetrics = func() { f.metrics.Remove(s.name) }
	}
	r, err := collector.New(p, s.cfg, opts)
	if err != nil {
		if opts.UnregisterMetrics != nil {
			opts.UnregisterMetrics()
		}
		return nil, err
	}
	r.SetStatusReporter(rep)
	return r, nil
}

// failedInput stands for an input whose configuration cannot run: started,
// it logs why and reports FAILED on its stream; it does nothing else.
type failedInput struct {
	log      *logp.Logger
	unit     string
	err      error
	reporter status.StatusReporter
}

func (i *failedInput) String() string { return "invalid threatq input of unit " + i.unit }

func (i *failedInput) Start() {
	i.log.Errorw("cannot run ThreatQ input", "unit", i.unit, "error", i.err)
	i.reporter.UpdateStatus(status.Failed, i.err.Error())
}

func (i *failedInput) Stop() {}
