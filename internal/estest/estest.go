// Package estest is an in-memory Elasticsearch test double for the APIs
// threatqbeat's setup uses (ILM policies, index templates, ingest pipelines,
// data streams, indices and aliases, transforms), answering in
// Elasticsearch's response shapes and recording every request. Tests use it
// to assert the exact requests and bodies of `setup`, of a second,
// idempotent `setup`, and of a transform upgrade; /_bulk can be routed to
// github.com/elastic/mock-es for `run`.
//
// It behaves as a default cluster does where setup depends on it, each
// rule following the Elasticsearch source named next to it:
//
//   - the built-in composable templates of StackTemplateRegistry (logs-*-*,
//     metrics-*-*, synthetics-*-*, priority 100, data streams only) exist
//     unless Options.NoStackTemplates (stack.templates.enabled: false);
//
//   - a new index or data stream takes the highest-priority matching
//     template (MetadataIndexTemplateService.findV2Template), and two
//     templates with overlapping patterns and the same priority are refused
//     (MetadataIndexTemplateService.v2TemplateOverlaps);
//
//   - a plain index whose winning template creates data streams is refused
//     (MetadataCreateIndexService.applyCreateIndexRequestWithV2Template), as
//     is a data stream whose winning template does not create them
//     (MetadataCreateDataStreamService.lookupTemplateForDataStream);
//
//   - on 9.x a logs-*-* data stream whose template sets no index.mode is a
//     logsdb data stream (LogsdbIndexModeSettingsProvider);
//
//   - a transform that is started creates its missing destination through
//     the same index creation (TransformIndex.createDestinationIndex).
//
//   - an index with index.mode lookup has one shard and auto_expand_replicas
//     0-all (IndexMode.LOOKUP, LookupIndexModeIT);
//
//   - documents are stored (documents.go): a write to a data stream must be
//     op_type create, a missing data stream is created by its first write,
//     the index's default pipeline runs unless the request names a pipeline
//     or _none, and a constant_keyword field refuses a second value;
//
//   - _reindex and _search with a terms aggregation serve the restore of an
//     upgrade (reindex.go);
//
//   - a started transform runs a checkpoint (checkpoint.go): a latest
//     transform writes its source's newest document per unique key, with
//     the sync delay, dest.pipeline and retention policy applied.
//
// Latest (latest.go) computes what the latest transform keeps from source
// documents, as Elasticsearch's latest function does. Only a real cluster
// (the ES_URL tests) proves everything else.
//
// The request sequences setup sends in the situations tests share (a first
// setup, a second one, upgrades) are golden files under testdata/sequences,
// read through Sequence; `go test ./internal/estest -update` rewrites them.
// The package is internal: only threatqbeat's own tests use it.
package estest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/elastic/elastic-agent-libs/version"
)

// Options configure a Server.
type Options struct {
	// Version is the version GET / reports; default 9.4.0.
	Version string
	// Serverless makes GET / report the serverless build flavour.
	Serverless bool
	// Bulk, if set, serves POST /_bulk (e.g. a mock-es api.APIHandler).
	Bulk http.Handler
	// NoStackTemplates leaves out the built-in logs, metrics and synthetics
	// templates, as stack.templates.enabled: false does.
	NoStackTemplates bool
	// NoLogsdb turns the 9.x logsdb default off, as cluster.logsdb.enabled:
	// false does (8.x clusters never have it).
	NoLogsdb bool
	// Now is the cluster's clock (ingest timestamps, date math, transform
	// checkpoints and retention); default time.Now.
	Now func() time.Time
}

// Request is one recorded request.
type Request struct {
	Method string
	// Path is the path with the query string, e.g.
	// /_transform/x?defer_validation=true.
	Path string
	// Body is the request body (nil when empty).
	Body json.RawMessage
	// Authorization is the request's Authorization header ("" when none),
	// so tests can check which credentials setup used.
	Authorization string
}

// String renders "METHOD /path".
func (r Request) String() string { return r.Method + " " + r.Path }

type index struct {
	body     map[string]any // as created: settings and mappings merged with the template's
	aliases  map[string]bool
	template string // the composable template it matched ("" for none)
}

type transform struct {
	body       map[string]any
	state      string
	checkpoint int // the last completed checkpoint
}

type fault struct {
	method, path string
	status       int
	body         string
}

// Server is the double. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:PORT.
	URL string

	srv    *httptest.Server
	opts   Options
	logsdb bool // cluster.logsdb.enabled

	mu          sync.Mutex
	requests    []Request
	faults      []fault
	policies    map[string]map[string]any
	templates   map[string]map[string]any
	pipelines   map[string]map[string]any
	dataStreams map[string]map[string]any
	indices     map[string]*index
	transforms  map[string]*transform
	// docs holds the documents of indices and data streams by _id.
	docs map[string]map[string]map[string]any
	seq  int // generated document ids
}

// New starts a Server on a loopback port.
func New(opts Options) *Server {
	if opts.Version == "" {
		opts.Version = "9.4.0"
	}
	s := &Server{
		opts:        opts,
		policies:    map[string]map[string]any{},
		templates:   map[string]map[string]any{},
		pipelines:   map[string]map[string]any{},
		dataStreams: map[string]map[string]any{},
		indices:     map[string]*index{},
		transforms:  map[string]*transform{},
		docs:        map[string]map[string]map[string]any{},
	}
	if opts.Now == nil {
		opts.Now = time.Now
		s.opts.Now = time.Now
	}
	// LogsDBPlugin: cluster.logsdb.enabled defaults to true from 9.0 on (for
	// clusters without prior logs-*-* usage).
	if v, err := version.New(opts.Version); err == nil && v.Major >= 9 {
		s.logsdb = !opts.NoLogsdb
	}
	if !opts.NoStackTemplates {
		for name, t := range stackTemplates(opts.Version) {
			s.templates[name] = t
		}
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Requests returns the recorded requests except the connection handshake
// (GET /, GET /_license) and bulk requests, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if (r.Method == http.MethodGet && (r.Path == "/" || r.Path == "/_license")) || strings.HasPrefix(r.Path, "/_bulk") {
			continue
		}
		out = append(out, r)
	}
	return out
}

// All returns every recorded request, bulk requests and the connection
// handshake included, in arrival order.
func (s *Server) All() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Reset forgets the recorded requests (the stored state stays).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Fail makes every request with this method and path (without query)
// answer status and body until the server closes.
func (s *Server) Fail(method, path string, status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{method, path, status, body})
}

// SeedIndex creates an index with a body and aliases, as it is (no
// template applies).
func (s *Server) SeedIndex(name string, body map[string]any, aliases ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ix := &index{body: body, aliases: map[string]bool{}}
	for _, a := range aliases {
		ix.aliases[a] = true
	}
	s.indices[name] = ix
}

// SeedTransform stores a transform in a state (started, stopped, failed).
func (s *Server) SeedTransform(id string, body map[string]any, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.transforms[id] = &transform{body: body, state: state}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
