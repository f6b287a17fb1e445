//go:build integration

package integration

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	gproto "google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"gopkg.in/yaml.v3"

	"github.com/elastic/elastic-agent-client/v7/pkg/client/mock"
	"github.com/elastic/elastic-agent-client/v7/pkg/proto"
	"github.com/elastic/mock-es/pkg/api"
)

// stubAgent is Elastic Agent's side of the V2 control protocol, built on
// elastic-agent-client's StubServerV2: it answers every check-in of the
// beat with the units the test wants and records the states the beat
// reports for them. The stub only answers check-ins, so a changed
// expectation reaches the beat at its next check-in: at once when the
// beat's state changes, else within the client's 25 s check-in period.
type stubAgent struct {
	t   *testing.T
	srv *mock.StubServerV2

	mu       sync.Mutex
	units    map[string]*proto.UnitExpected
	order    []string
	observed map[string][]observedState // unit id → every reported state change
	checkins int
}

// observedState is a state a unit reported.
type observedState struct {
	State   proto.State
	Message string
	Payload string
	At      time.Time
}

func newStubAgent(t *testing.T) *stubAgent {
	t.Helper()
	a := &stubAgent{t: t, units: map[string]*proto.UnitExpected{}, observed: map[string][]observedState{}}
	a.srv = &mock.StubServerV2{
		LocalRPC:      "threatqbeat-e2e",
		CheckinV2Impl: a.checkin,
		ActionImpl:    func(*proto.ActionResponse) error { return nil },
		ActionsChan:   make(chan *mock.PerformAction, 10),
		SentActions:   map[string]*mock.PerformAction{},
	}
	if err := a.srv.Start(); err != nil {
		t.Fatalf("start stub agent: %v", err)
	}
	t.Cleanup(func() {
		a.srv.Stop()
		// The stub removes its socket directory in a goroutine after Stop.
		_ = os.RemoveAll(filepath.Dir(strings.TrimPrefix(a.srv.GetTarget(), "unix://")))
	})
	return a
}

func (a *stubAgent) checkin(obs *proto.CheckinObserved) *proto.CheckinExpected {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.checkins++
	for _, u := range obs.GetUnits() {
		list := a.observed[u.GetId()]
		payload := ""
		if u.GetPayload() != nil {
			b, _ := json.Marshal(u.GetPayload().AsMap())
			payload = string(b)
		}
		if n := len(list); n == 0 || list[n-1].State != u.GetState() || list[n-1].Message != u.GetMessage() {
			a.observed[u.GetId()] = append(list, observedState{State: u.GetState(), Message: u.GetMessage(), Payload: payload, At: time.Now()})
		}
		// A unit the beat reports stopped is removed, as Elastic Agent does.
		if exp, ok := a.units[u.GetId()]; ok && exp.GetState() == proto.State_STOPPED && u.GetState() == proto.State_STOPPED {
			delete(a.units, u.GetId())
		}
	}
	out := &proto.CheckinExpected{
		AgentInfo: &proto.AgentInfo{Id: "agent-e2e-0001", Version: "9.4.0"},
	}
	for _, id := range a.order {
		if u, ok := a.units[id]; ok {
			out.Units = append(out.Units, gproto.Clone(u).(*proto.UnitExpected))
		}
	}
	return out
}

// set adds or replaces a unit; a replaced unit gets the next config index.
func (a *stubAgent) set(u *proto.UnitExpected) {
	a.mu.Lock()
	defer a.mu.Unlock()
	old, ok := a.units[u.Id]
	if !ok {
		a.order = append(a.order, u.Id)
		u.ConfigStateIdx = 1
	} else {
		u.ConfigStateIdx = old.ConfigStateIdx + 1
	}
	a.units[u.Id] = u
}

// stop asks the beat to stop a unit; it is removed once reported stopped.
func (a *stubAgent) stop(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := gproto.Clone(a.units[id]).(*proto.UnitExpected)
	u.State = proto.State_STOPPED
	a.units[id] = u
}

// present reports whether the unit is still expected.
func (a *stubAgent) present(id string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.units[id]
	return ok
}

// states returns the state changes the beat reported for a unit.
func (a *stubAgent) states(id string) []observedState {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]observedState(nil), a.observed[id]...)
}

// last returns the last state reported for a unit.
func (a *stubAgent) last(id string) observedState {
	list := a.states(id)
	if len(list) == 0 {
		return observedState{State: proto.State(-1)}
	}
	return list[len(list)-1]
}

// args are the arguments Elastic Agent starts threatqbeat with: those of
// threatqbeat.spec.yml, and the stub's address.
func (a *stubAgent) args(t *testing.T, home string) []string {
	t.Helper()
	return append([]string{"run", "-e", "--path.home", home},
		append(specArgs(t), "-E", "management.insecure_grpc_url_for_testing="+a.srv.GetTarget())...)
}

// specArgs reads command.args of the threatq input of threatqbeat.spec.yml.
func specArgs(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../../threatqbeat.spec.yml")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Version int `yaml:"version"`
		Inputs  []struct {
			Name    string `yaml:"name"`
			Command struct {
				Args []string `yaml:"args"`
			} `yaml:"command"`
		} `yaml:"inputs"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("threatqbeat.spec.yml: %v", err)
	}
	if spec.Version != 2 || len(spec.Inputs) != 1 || spec.Inputs[0].Name != "threatq" {
		t.Fatalf("threatqbeat.spec.yml: want version 2 and one input named threatq, got %+v", spec)
	}
	return spec.Inputs[0].Command.Args
}

// outputUnit is the Elasticsearch output unit of a policy.
func outputUnit(t *testing.T, esURL string) *proto.UnitExpected {
	t.Helper()
	return &proto.UnitExpected{
		Id: "output-default", Type: proto.UnitType_OUTPUT, State: proto.State_HEALTHY, LogLevel: proto.UnitLogLevel_INFO,
		Config: &proto.UnitExpectedConfig{
			Id: "default", Type: "elasticsearch", Name: "default",
			Source: mustStruct(t, map[string]any{
				"type": "elasticsearch", "hosts": []any{esURL},
				"queue.mem.flush.timeout": "0s", "backoff.init": "100ms", "backoff.max": "1s",
			}),
		},
	}
}

// threatqUnit is a policy input of type threatq with one stream.
func threatqUnit(t *testing.T, id, namespace string, stream map[string]any) *proto.UnitExpected {
	t.Helper()
	stream["id"] = id + "-threat"
	stream["data_stream"] = map[string]any{"dataset": "ti_threatq.threat", "type": "logs"}
	return &proto.UnitExpected{
		Id: id, Type: proto.UnitType_INPUT, State: proto.State_HEALTHY, LogLevel: proto.UnitLogLevel_INFO,
		Config: &proto.UnitExpectedConfig{
			Id: id, Type: "threatq", Name: id, Revision: 1,
			DataStream: &proto.DataStream{Namespace: namespace},
			Source: mustStruct(t, map[string]any{
				"id": id, "type": "threatq", "use_output": "default",
				"data_stream": map[string]any{"namespace": namespace},
			}),
			Streams: []*proto.Stream{{
				Id:         id + "-threat",
				DataStream: &proto.DataStream{Dataset: "ti_threatq.threat", Type: "logs", Namespace: namespace},
				Source:     mustStruct(t, stream),
			}},
		},
	}
}

func mustStruct(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// indexedDoc is a document an Elasticsearch double accepted: its index,
// _id and the fields the agent's processors set.
type indexedDoc struct {
	Index     string
	ID        string
	Namespace string // data_stream.namespace
	Dataset   string // data_stream.dataset
	Type      string // data_stream.type
	EventDS   string // event.dataset
	AgentID   string // elastic_agent.id
}

// docSink is a mock-es bulk endpoint that records the index and _id of
// every accepted document.
type docSink struct {
	mu      sync.Mutex
	docs    []indexedDoc
	handler *api.APIHandler
}

func newDocSink(t *testing.T) (*docSink, string) {
	t.Helper()
	s := &docSink{}
	s.handler = api.NewDeterministicAPIHandler(nodeID("a9d1c2b4-agent-e2e"), "", nil, time.Now().Add(time.Hour), 0, 100,
		func(a api.Action, doc []byte) int {
			var meta struct {
				Index string `json:"_index"`
				ID    string `json:"_id"`
			}
			_ = json.Unmarshal(a.Meta, &meta)
			var body struct {
				DataStream struct{ Namespace, Dataset, Type string } `json:"data_stream"`
				Event      struct{ Dataset string }                  `json:"event"`
				Agent      struct{ ID string }                       `json:"elastic_agent"`
			}
			_ = json.Unmarshal(doc, &body)
			d := indexedDoc{Index: meta.Index, ID: meta.ID, Namespace: body.DataStream.Namespace, Dataset: body.DataStream.Dataset,
				Type: body.DataStream.Type, EventDS: body.Event.Dataset, AgentID: body.Agent.ID}
			s.mu.Lock()
			s.docs = append(s.docs, d)
			s.mu.Unlock()
			return http.StatusCreated
		})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s, "http://" + l.Addr().String()
}

// all returns the documents accepted so far.
func (s *docSink) all() []indexedDoc {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]indexedDoc(nil), s.docs...)
}

// distinct counts the distinct _ids accepted.
func (s *docSink) distinct() int {
	seen := map[string]bool{}
	for _, d := range s.all() {
		seen[d.ID] = true
	}
	return len(seen)
}

// syncBuffer is a goroutine-safe log sink for a running binary.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until cond holds, checking it every 50 ms, and fails the
// test with the tail of logs when d passes first. cond runs on another
// goroutine: it must not call t.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool, logs fmt.Stringer) {
	t.Helper()
	if !assert.Eventually(t, cond, d, 50*time.Millisecond, "waiting for %s", what) {
		t.Fatalf("timed out after %s waiting for %s\nlogs (tail):\n%s", d, what, tailString(logs.String(), 6000))
	}
}

// poll runs cond on the test's goroutine (so it may call t) right away and
// then every tick until it returns nil, and fails the test with cond's last
// error when d passes first. It is for conditions that cost a request to
// another system, such as a real Elasticsearch.
func poll(t *testing.T, d, tick time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		select {
		case <-deadline.C:
			t.Fatalf("%s: not within %s: %v", what, d, err)
		case <-ticker.C:
		}
	}
}

func tailString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
