package beater

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/cfgfile"
	"github.com/elastic/beats/v7/libbeat/common/reload"
	"github.com/elastic/beats/v7/libbeat/management/status"
	_ "github.com/elastic/beats/v7/libbeat/processors/actions" // add_fields, as in the binary
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/beater/collector"
	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

var start = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

// agentHarness drives agentInputs the way libbeat's Agent manager does,
// with a fake pipeline and fast scheduling.
type agentHarness struct {
	t       *testing.T
	sim     *threatqtest.Server
	dataDir string
	a       *agentInputs
	p       *beatertest.Pipeline
	secrets *AgentSecrets
}

// storedCursor is the cursor stored for a collection in dir, "" when none.
var storedCursor = beatertest.StoredCursor

// agentSecret is the client secret of the agent tests' simulator.
const agentSecret = "agent-s3cr3t-value"

func newAgentHarness(t *testing.T) *agentHarness {
	return newAgentHarnessWith(t, &beatertest.Pipeline{AutoAck: true}, logp.NewNopLogger())
}

// newAgentHarnessWith publishes to p and logs to log.
func newAgentHarnessWith(t *testing.T, p *beatertest.Pipeline, log *logp.Logger) *agentHarness {
	sim := threatqtest.New(threatqtest.Options{ClientSecret: agentSecret})
	t.Cleanup(sim.Close)
	dataDir := t.TempDir()
	secrets := NewAgentSecrets()
	f := &inputFactory{
		opts: Options{
			Now:     time.Now,
			After:   func(time.Duration) <-chan time.Time { return time.After(20 * time.Millisecond) },
			DataDir: dataDir, LogsDir: t.TempDir(),
		},
		log: log, health: collector.NewHealth(nil), secrets: secrets,
	}
	a := &agentInputs{factory: f, log: log}
	a.connect(p)
	t.Cleanup(a.stop)
	return &agentHarness{t: t, sim: sim, dataDir: dataDir, a: a, p: p, secrets: secrets}
}

// runners are the runners of the list that sync collections (not those
// standing for an invalid input).
func (h *agentHarness) runners() []*collector.Runner {
	var out []*collector.Runner
	for _, r := range h.a.list.Runners() {
		if cr, ok := r.(*collector.Runner); ok {
			out = append(out, cr)
		}
	}
	return out
}

// unit is an input configuration as cmd/agent.go produces it: its secrets
// sealed.
func (h *agentHarness) unit(id string, collections []string, extra map[string]any) *reload.ConfigWithMeta {
	cols := make([]any, len(collections))
	for i, c := range collections {
		cols[i] = map[string]any{"id": c}
	}
	m := map[string]any{
		"id": id, "url": h.sim.URL(), "client_id": "test", "client_secret": agentSecret,
		"collections": cols, "index": "logs-ti_threatq.threat-prod",
		"data_stream": map[string]any{"namespace": "prod"},
		"processors":  []any{map[string]any{"add_fields": map[string]any{"target": "data_stream", "fields": map[string]any{"namespace": "prod"}}}},
	}
	for k, v := range extra {
		m[k] = v
	}
	h.secrets.Seal(m)
	c, err := conf.NewConfigFrom(m)
	require.NoError(h.t, err)
	return &reload.ConfigWithMeta{Config: c, InputUnitID: "unit-" + id}
}

type diagRecorder struct {
	mu    sync.Mutex
	hooks map[string]func() []byte
}

func (d *diagRecorder) Register(name, _, _, _ string, cb func() []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.hooks == nil {
		d.hooks = map[string]func() []byte{}
	}
	d.hooks[name] = cb
}

func TestAgentInputPublishesWithUnitIndexAndProcessors(t *testing.T) {
	h := newAgentHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(1500, 3, start))
	require.NoError(t, h.a.Reload([]*reload.ConfigWithMeta{h.unit("s1", []string{"c1"}, nil)}))
	require.Eventually(t, func() bool { return len(h.p.Events()) == 1500 }, 10*time.Second, 5*time.Millisecond)

	cfg := h.p.Client(0).Config()
	require.NotNil(t, cfg.Processing.Processor, "the unit's index and processors")
	e := h.p.Events()[0]
	e.Meta = e.Meta.Clone()
	out, err := cfg.Processing.Processor.Run(&e)
	require.NoError(t, err)
	idx, _ := out.Meta.GetValue("raw_index")
	require.Equal(t, "logs-ti_threatq.threat-prod", idx)
	ns, _ := out.Fields.GetValue("data_stream.namespace")
	require.Equal(t, "prod", ns)
	require.FileExists(t, h.dataDir+"/inputs/s1/cursor-c1.json", "one cursor directory per input")
}

func TestAgentReloadReconfiguresWithoutRestart(t *testing.T) {
	h := newAgentHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(1200, 3, start))
	h.sim.SetCollection("c2", threatqtest.Generate(300, 4, start))
	require.NoError(t, h.a.Reload([]*reload.ConfigWithMeta{h.unit("s1", []string{"c1"}, nil)}))
	require.Eventually(t, func() bool { return len(h.p.Events()) == 1200 }, 10*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool { return storedCursor(t, h.dataDir+"/inputs/s1", "c1") != "" }, 10*time.Second, 5*time.Millisecond)

	// The same configuration again: nothing restarts.
	first := h.runners()
	require.NoError(t, h.a.Reload([]*reload.ConfigWithMeta{h.unit("s1", []string{"c1"}, nil)}))
	require.Len(t, h.runners(), 1)
	for _, r := range first {
		require.Contains(t, h.runners(), r)
	}

	// A second collection: the new one is synced, the first one resumes.
	require.NoError(t, h.a.Reload([]*reload.ConfigWithMeta{h.unit("s1", []string{"c1", "c2"}, nil)}))
	require.Eventually(t, func() bool { return len(h.p.Events()) == 1500 }, 10*time.Second, 5*time.Millisecond)
	for _, mark := range h.sim.Stats().Cursors["c1"][2:] {
		require.NotEqual(t, "*", mark, "c1 is not fetched from the start again")
	}

	// Removed: the workers stop and ThreatQ sees no more requests.
	require.NoError(t, h.a.Reload(nil))
	require.Empty(t, h.a.list.Runners())
	// A request already on the wire when the input stopped may still be
	// counted by the simulator: wait until the count settles, then no new
	// request may come.
	n := h.sim.Stats().PageRequests
	require.Eventually(t, func() bool {
		m := h.sim.Stats().PageRequests
		settled := m == n
		n = m
		return settled
	}, 5*time.Second, 50*time.Millisecond)
	require.Never(t, func() bool { return h.sim.Stats().PageRequests != n }, 200*time.Millisecond, 10*time.Millisecond,
		"a removed input does not poll (interval here: 20 ms)")
}

func TestAgentHealthPerStream(t *testing.T) {
	h := newAgentHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(10, 3, start))
	rep := &beatertest.StatusRecorder{}
	u := h.unit("s1", []string{"c1"}, nil)
	u.StatusReporter = rep
	h.sim.InjectFault(threatqtest.Fault{Status: 401, Times: -1})
	require.NoError(t, h.a.Reload([]*reload.ConfigWithMeta{u}))
	require.Eventually(t, func() bool { s, _ := rep.Last(); return s == status.Degraded }, 10*time.Second, 5*time.Millisecond)
	_, msg := rep.Last()
	require.Contains(t, msg, "ThreatQ authentication failed")

	h.sim.ClearFaults()
	require.Eventually(t, func() bool { s, _ := rep.Last(); return s == status.Running }, 10*time.Second, 5*time.Millisecond)

	h.sim.InjectFault(threatqtest.Fault{DropFields: true, Times: -1})
	h.sim.Append("c1", threatqtest.Generate(20, 5, start.Add(48*time.Hour))[10:]...)
	require.Eventually(t, func() bool { s, _ := rep.Last(); return s == status.Degraded }, 10*time.Second, 5*time.Millisecond)
	_, msg = rep.Last()
	require.Contains(t, msg, "without sources and attributes")
}

func TestAgentInvalidInputFailsItsStreamOnly(t *testing.T) {
	h := newAgentHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(10, 3, start))
	rep := &beatertest.StatusRecorder{}
	bad := h.unit("bad", []string{"c1"}, map[string]any{"ioc_expiration_duration": "90s"})
	bad.StatusReporter = rep
	noStream := h.unit("bad2", nil, nil)
	err := h.a.Reload([]*reload.ConfigWithMeta{h.unit("good", []string{"c1"}, nil), bad, noStream})
	var ue cfgfile.UnitError
	require.ErrorAs(t, err, &ue, "an input without a stream reporter fails its unit")
	require.Equal(t, "unit-bad2", ue.UnitID)
	require.Contains(t, err.Error(), "collections")
	s, msg := rep.Last()
	require.Equal(t, status.Failed, s)
	require.Contains(t, msg, "ioc_expiration_duration")
	require.Len(t, h.runners(), 1)
	require.Eventually(t, func() bool { return len(h.p.Events()) == 10 }, 10*time.Second, 5*time.Millisecond)
}

// TestAgentInputThatCannotStartFailsItsStreamOnly: a valid configuration
// whose runner cannot be built (its cursor directory cannot be created)
// is FAILED on its stream too, not an error of its unit.
func TestAgentInputThatCannotStartFailsItsStreamOnly(t *testing.T) {
	h := newAgentHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(10, 3, start))
	require.NoError(t, os.MkdirAll(filepath.Join(h.dataDir, "inputs"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(h.dataDir, "inputs", "stuck"), nil, 0o600)) // where its directory would go
	rep := &beatertest.StatusRecorder{}
	stuck := h.unit("stuck", []string{"c1"}, nil)
	stuck.StatusReporter = rep
	require.NoError(t, h.a.Reload([]*reload.ConfigWithMeta{h.unit("good", []string{"c1"}, nil), stuck}))
	s, msg := rep.Last()
	require.Equal(t, status.Failed, s)
	require.Contains(t, msg, "create cursor directory")
	require.Len(t, h.runners(), 1)
	require.Eventually(t, func() bool { return len(h.p.Events()) == 10 }, 10*time.Second, 5*time.Millisecond)
}

// TestAgentIgnoresRunOnce: under Elastic Agent an input syncs every interval
// until the agent stops it, whatever run_once says (docs/agent.md).
func TestAgentIgnoresRunOnce(t *testing.T) {
	h := newAgentHarness(t)
	spec, err := h.a.factory.parse(h.unit("s1", []string{"c1"}, map[string]any{"run_once": true}).Config)
	require.NoError(t, err)
	require.False(t, spec.cfg.RunOnce)
}
