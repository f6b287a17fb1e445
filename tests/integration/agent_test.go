//go:build integration

package integration

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/elastic/elastic-agent-client/v7/pkg/proto"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// agentSecret is the ThreatQ client secret of the Agent tests.
const agentSecret = "agent-e2e-s3cr3t-9f2c"

// agentRun is threatqbeat started by the stub agent, as Elastic Agent
// starts it: the spec file's arguments, no threatqbeat: section.
type agentRun struct {
	agent *stubAgent
	sim   *threatqtest.Server
	es    *docSink
	esURL string
	cmd   *exec.Cmd
	logs  *syncBuffer
	exit  chan error
}

func startAgentRun(t *testing.T) *agentRun {
	t.Helper()
	sim := threatqtest.New(threatqtest.Options{ClientSecret: agentSecret})
	t.Cleanup(sim.Close)
	es, esURL := newDocSink(t)
	r := &agentRun{agent: newStubAgent(t), sim: sim, es: es, esURL: esURL, logs: &syncBuffer{}, exit: make(chan error, 1)}
	// A config file without a threatqbeat: section: under Elastic Agent
	// every input unit brings its configuration.
	b := newBeat(t, "logging.level: info\n")
	r.cmd = exec.CommandContext(timeout(t, 5*time.Minute), binary, append(r.agent.args(t, b.home), "-c", b.config)...)
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.exit <- r.cmd.Wait() }()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		<-r.exit
		if strings.Contains(r.logs.String(), agentSecret) {
			t.Error("the client secret appears in threatqbeat's log")
		}
	})
	return r
}

// stream is the stream configuration of the tests' policy input.
func (r *agentRun) stream(collections ...string) map[string]any {
	cols := make([]any, len(collections))
	for i, c := range collections {
		cols[i] = map[string]any{"id": c}
	}
	return map[string]any{
		"url": r.sim.URL(), "client_id": "test", "client_secret": agentSecret,
		"collections": cols, "interval": "1s", "page_size": 100,
		"retry": map[string]any{"max_attempts": 2, "wait_min": "100ms", "wait_max": "200ms"},
	}
}

// running fails the test if the beat exited.
func (r *agentRun) running(t *testing.T) {
	t.Helper()
	select {
	case err := <-r.exit:
		r.exit <- err
		t.Fatalf("threatqbeat exited: %v\n%s", err, tailString(r.logs.String(), 6000))
	default:
	}
}

// TestAgentUnitLifecycle drives the real binary through Elastic Agent's V2
// control protocol: a policy input of type threatq arrives, changes, fails
// and recovers on ThreatQ's side, is inspected by diagnostics and is
// removed, all in one process that never restarts.
func TestAgentUnitLifecycle(t *testing.T) {
	r := startAgentRun(t)
	const unit = "threatq-e2e"
	r.sim.SetCollection("c1", threatqtest.Generate(300, 11, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)))
	r.sim.SetCollection("c2", threatqtest.Generate(200, 12, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)))
	r.agent.set(outputUnit(t, r.esURL))
	r.agent.set(threatqUnit(t, unit, "prod", r.stream("c1")))
	pid := r.cmd.Process.Pid

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"AgentUnitArrivesEventsPublished", func(t *testing.T) {
			waitFor(t, time.Minute, "300 documents in the output", func() bool { return r.es.distinct() == 300 }, r.logs)
			for _, d := range r.es.all() {
				if d.Index != "logs-ti_threatq.threat-prod" || d.ID == "" {
					t.Fatalf("document %+v: want index logs-ti_threatq.threat-prod (the unit's namespace) and a deterministic _id", d)
				}
				// The unit's processors: data_stream.*, event.dataset and the agent's id.
				if d.Namespace != "prod" || d.Dataset != "ti_threatq.threat" || d.Type != "logs" || d.EventDS != "ti_threatq.threat" || d.AgentID != "agent-e2e-0001" {
					t.Fatalf("document %+v: the unit's processors were not applied", d)
				}
			}
			waitFor(t, 30*time.Second, "unit HEALTHY", func() bool { return r.agent.last(unit).State == proto.State_HEALTHY }, r.logs)
		}},
		{"AgentEndOfPaginationIsNotAnError", func(t *testing.T) {
			// Several runs that each end at the last page (interval 1 s).
			n := r.sim.Stats().PageRequests
			waitFor(t, 30*time.Second, "three more runs", func() bool { return r.sim.Stats().PageRequests >= n+3 }, r.logs)
			for _, s := range r.agent.states(unit) {
				if s.State == proto.State_DEGRADED || s.State == proto.State_FAILED {
					t.Fatalf("unit reported %s (%s) for a clean sync", s.State, s.Message)
				}
			}
			if strings.Contains(r.logs.String(), "sync run failed") {
				t.Fatal("a run that reached the last page logged an error")
			}
		}},
		{"AgentDiagnosticsHoldNoSecret", func(t *testing.T) {
			type result struct {
				diag []*proto.ActionDiagnosticUnitResult
				err  error
			}
			ch := make(chan result, 1)
			go func() {
				d, err := r.agent.srv.PerformDiagnostic(unit, proto.UnitType_INPUT, proto.ActionRequest_ALL, nil)
				ch <- result{d, err}
			}()
			var res result
			select {
			case res = <-ch:
			case <-time.After(time.Minute):
				t.Fatal("no diagnostics answer")
			}
			if res.err != nil {
				t.Fatal(res.err)
			}
			names := map[string]string{}
			for _, d := range res.diag {
				names[d.GetName()] = string(d.GetContent())
				if strings.Contains(string(d.GetContent()), agentSecret) {
					t.Fatalf("diagnostics file %s contains the client secret", d.GetName())
				}
			}
			input, ok := names["threatq-input-"+unit+"-threat"]
			if !ok {
				t.Fatalf("no threatq input diagnostics among %d files", len(names))
			}
			if !strings.Contains(input, `"collection_total": 300`) || !strings.Contains(input, `"client_id": "test"`) {
				t.Fatalf("input diagnostics lack the collection state:\n%s", input)
			}
			rendered, ok := names["beat-rendered-config"]
			if !ok || !strings.Contains(rendered, "client_id") {
				t.Fatalf("beat-rendered-config missing or without the input:\n%s", rendered)
			}
		}},
		{"AgentConfigChangeSyncsNewCollectionWithoutRestart", func(t *testing.T) {
			r.agent.set(threatqUnit(t, unit, "prod", r.stream("c1", "c2")))
			waitFor(t, 90*time.Second, "c2's 200 documents", func() bool { return r.es.distinct() == 500 }, r.logs)
			r.running(t)
			if r.cmd.Process.Pid != pid || strings.Count(r.logs.String(), "threatqbeat is running under Elastic Agent") != 1 {
				t.Fatal("the beat restarted")
			}
			starts := 0
			for _, mark := range r.sim.Stats().Cursors["c1"] {
				if mark == "*" || mark == "" {
					starts++
				}
			}
			if starts != 1 {
				t.Fatalf("c1 was fetched from the start %d times: the new configuration must resume at the stored cursor", starts)
			}
		}},
		{"AgentThreatQ401ReportsDegraded", func(t *testing.T) {
			r.sim.InjectFault(threatqtest.Fault{Status: 401, Times: -1})
			waitFor(t, time.Minute, "unit DEGRADED", func() bool { return r.agent.last(unit).State == proto.State_DEGRADED }, r.logs)
			msg := r.agent.last(unit).Message
			if !strings.Contains(msg, "ThreatQ authentication failed") || !strings.Contains(msg, "client_secret") {
				t.Fatalf("DEGRADED without a usable reason: %q", msg)
			}
			if strings.Contains(msg, agentSecret) {
				t.Fatal("the reason contains the secret")
			}
			r.running(t)
		}},
		{"AgentRecoveryReportsHealthy", func(t *testing.T) {
			r.sim.ClearFaults()
			waitFor(t, time.Minute, "unit HEALTHY again", func() bool { return r.agent.last(unit).State == proto.State_HEALTHY }, r.logs)
		}},
		{"AgentRepeated5xxReportsDegraded", func(t *testing.T) {
			r.sim.InjectFault(threatqtest.Fault{Status: 503, Times: -1})
			waitFor(t, time.Minute, "unit DEGRADED", func() bool { return r.agent.last(unit).State == proto.State_DEGRADED }, r.logs)
			if msg := r.agent.last(unit).Message; !strings.Contains(msg, "HTTP 503") || !strings.Contains(msg, "giving up after 2 attempts") {
				t.Fatalf("DEGRADED without the 5xx reason: %q", msg)
			}
			r.sim.ClearFaults()
			waitFor(t, time.Minute, "unit HEALTHY again", func() bool { return r.agent.last(unit).State == proto.State_HEALTHY }, r.logs)
		}},
		{"AgentMissingSourcesReportsDegraded", func(t *testing.T) {
			// A server ignoring the fields parameter: the run succeeds but
			// provider, TLP and attributes are missing.
			r.sim.InjectFault(threatqtest.Fault{DropFields: true, Times: -1})
			r.sim.Append("c1", threatqtest.Generate(20, 13, time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC))[10:]...)
			waitFor(t, time.Minute, "unit DEGRADED", func() bool { return r.agent.last(unit).State == proto.State_DEGRADED }, r.logs)
			if msg := r.agent.last(unit).Message; !strings.Contains(msg, "without sources and attributes") {
				t.Fatalf("DEGRADED without the reason: %q", msg)
			}
			r.sim.ClearFaults()
			waitFor(t, time.Minute, "unit HEALTHY again", func() bool { return r.agent.last(unit).State == proto.State_HEALTHY }, r.logs)
		}},
		{"AgentUnitRemovedStopsWorkers", func(t *testing.T) {
			r.agent.stop(unit)
			waitFor(t, 90*time.Second, "unit reported STOPPED and removed", func() bool { return !r.agent.present(unit) }, r.logs)
			waitFor(t, 30*time.Second, "input stopped", func() bool { return strings.Contains(r.logs.String(), "ThreatQ input stopped") }, r.logs)
			removed := func() int { st := r.sim.Stats(); return len(st.Cursors["c1"]) + len(st.Cursors["c2"]) }
			n := removed()
			// A witness input with the same 1 s interval: in the time it
			// runs three more times, the removed input's workers, had they
			// survived, would have run as often. Its first run fetches the
			// page and asks once more for the end; every later run asks once.
			r.sim.SetCollection("c3", threatqtest.Generate(10, 14, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)))
			r.agent.set(threatqUnit(t, "threatq-e2e-witness", "prod", r.stream("c3")))
			waitFor(t, time.Minute, "three more runs of the witness input", func() bool { return len(r.sim.Stats().Cursors["c3"]) >= 2+3 }, r.logs)
			if m := removed(); m != n {
				t.Fatalf("%d ThreatQ requests for the removed unit's collections after it was removed", m-n)
			}
			r.running(t)
		}},
		{"AgentStopsCleanlyOnSIGTERM", func(t *testing.T) {
			if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-r.exit:
				r.exit <- err
				if err != nil {
					t.Fatalf("exit after SIGTERM: %v\n%s", err, tailString(r.logs.String(), 4000))
				}
			case <-time.After(time.Minute):
				t.Fatal("threatqbeat did not stop within a minute of SIGTERM")
			}
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			t.FailNow()
		}
	}
}

// TestAgentInvalidInputFailsUnit: a policy input that cannot run (no
// collections) is reported FAILED with the key to fix; the beat keeps
// running for the agent to send a corrected policy.
func TestAgentInvalidInputFailsUnit(t *testing.T) {
	r := startAgentRun(t)
	const unit = "threatq-bad"
	r.agent.set(outputUnit(t, r.esURL))
	bad := r.stream()
	bad["ioc_expiration_duration"] = "90s"
	r.agent.set(threatqUnit(t, unit, "default", bad))
	waitFor(t, time.Minute, "unit FAILED", func() bool { return r.agent.last(unit).State == proto.State_FAILED }, r.logs)
	msg := r.agent.last(unit).Message
	for _, want := range []string{"collections", "ioc_expiration_duration"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("FAILED message does not name %s: %q", want, msg)
		}
	}
	r.running(t)
}
