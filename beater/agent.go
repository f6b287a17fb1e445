package beater

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/cfgfile"
	"github.com/elastic/beats/v7/libbeat/common/reload"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/beater/collector"
)

// agentInputs runs threatqbeat under Elastic Agent. libbeat's Agent manager
// (x-pack/libbeat/management, registered by cmd/agent.go) turns every
// stream of an input unit into one configuration with cmd's transform and
// hands the complete list to Reload after every policy change. A
// cfgfile.RunnerList turns each configuration into a collector.Runner
// (inputFactory) with its own ThreatQ client, cursor directory, health,
// metrics and pipeline clients carrying the stream's index and processors.
//
// The RunnerList compares configurations by a hash of their content (the
// sealed secrets included, so a new secret restarts the input): an
// unchanged input keeps running; changed and removed ones are stopped
// (waiting up to shutdown_timeout for acknowledgements) before any new one
// starts, so the successor of a changed input resumes from the same cursor
// files and never writes them at the same time as its predecessor.
type agentInputs struct {
	factory *inputFactory
	log     *logp.Logger

	mu     sync.Mutex
	list   *cfgfile.RunnerList // nil until run
	closed bool
}

// newAgentBeater is the Beater of a threatqbeat started by Elastic Agent.
func newAgentBeater(b *beat.Beat, opts Options) *Beater {
	log := beatLogger(b)
	opts = opts.withDefaults(b)
	bt := &Beater{opts: opts, log: log, drops: collector.NewDropWatch(opts.DroppedEvents, opts.OutputActive, log)}
	f := &inputFactory{info: b.Info, opts: opts, log: log, health: collector.NewHealth(b.Manager), drops: bt.drops, secrets: opts.AgentSecrets}
	if reg := b.Monitoring.StatsRegistry(); reg != nil {
		f.metrics = subRegistry(subRegistry(reg, "threatq"), "inputs")
	}
	bt.agent = &agentInputs{factory: f, log: log}
	return bt
}

// run registers the input list, connects to Elastic Agent and runs the
// inputs it sends until ctx ends.
func (a *agentInputs) run(ctx context.Context, b *beat.Beat) error {
	a.connect(b.Publisher)
	b.Registry.MustRegisterInput(a)
	if err := b.Manager.Start(); err != nil {
		return fmt.Errorf("connect to Elastic Agent: %w", err)
	}
	defer b.Manager.Stop()
	a.log.Info("threatqbeat is running under Elastic Agent; inputs of type threatq come from the agent policy")
	<-ctx.Done()
	a.stop()
	return nil
}

// connect creates the runner list, publishing through pipeline.
func (a *agentInputs) connect(pipeline beat.PipelineConnector) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.list = cfgfile.NewRunnerList("threatq-inputs", a.factory, pipeline, a.log)
}

// Reload implements reload.ReloadableList: configs are every input the
// agent wants running now.
func (a *agentInputs) Reload(configs []*reload.ConfigWithMeta) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed || a.list == nil {
		return nil
	}
	list, errs := withUnitIDs(configs)
	return errors.Join(append(errs, a.list.Reload(list))...)
}

// stop stops every input; later Reloads do nothing.
func (a *agentInputs) stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	if a.list != nil {
		a.list.Stop()
	}
}

// withUnitIDs returns copies of the configurations holding their unit's id
// as unit_id: the RunnerList hands its factory the configuration alone, and
// the unit names the input in logs and diagnostics. The manager's
// configurations are not changed (it prints them in diagnostics). A
// configuration that is missing is an error of its unit.
func withUnitIDs(configs []*reload.ConfigWithMeta) ([]*reload.ConfigWithMeta, []error) {
	out := make([]*reload.ConfigWithMeta, 0, len(configs))
	var errs []error
	for _, c := range configs {
		if c == nil || c.Config == nil {
			unit := ""
			if c != nil {
				unit = c.InputUnitID
			}
			errs = append(errs, cfgfile.UnitError{UnitID: unit, Err: errors.New("input has no configuration")})
			continue
		}
		cc, err := conf.NewConfigFrom(c.Config)
		if err == nil && c.InputUnitID != "" {
			err = cc.SetString("unit_id", -1, c.InputUnitID)
		}
		if err != nil {
			errs = append(errs, cfgfile.UnitError{UnitID: c.InputUnitID, Err: fmt.Errorf("read input configuration: %w", err)})
			continue
		}
		with := *c
		with.Config = cc
		out = append(out, &with)
	}
	return out, errs
}
