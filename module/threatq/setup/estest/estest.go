// Package estest is an in-memory Elasticsearch test double for the APIs
// threatqbeat's setup uses (ILM policies, index templates, ingest pipelines,
// data streams, indices and aliases, transforms), answering in
// Elasticsearch's response shapes and recording every request. Tests use it
// to assert the exact requests and bodies of `setup`, of a second,
// idempotent `setup`, and of a transform upgrade; /_bulk can be routed to
// github.com/elastic/mock-es for `run`.
//
// It mimics only what threatqbeat relies on. In particular it refuses to
// create a data stream that no data-stream template matches, as
// Elasticsearch does, and a transform that exists. Only a real cluster
// (the ES_URL tests) proves the bodies themselves are accepted.
package estest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Options configure a Server.
type Options struct {
	// Version is the version GET / reports; default 9.4.0.
	Version string
	// Serverless makes GET / report the serverless build flavour.
	Serverless bool
	// Bulk, if set, serves POST /_bulk (e.g. a mock-es api.APIHandler).
	Bulk http.Handler
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
	body    map[string]any
	aliases map[string]bool
}

type transform struct {
	body  map[string]any
	state string
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

	srv  *httptest.Server
	opts Options

	mu          sync.Mutex
	requests    []Request
	faults      []fault
	policies    map[string]map[string]any
	templates   map[string]map[string]any
	pipelines   map[string]map[string]any
	dataStreams map[string]map[string]any
	indices     map[string]*index
	transforms  map[string]*transform
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

// SeedIndex creates an index with a body and aliases.
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

// Indices returns the index names, sorted.
func (s *Server) Indices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.indices)
}

// Aliases returns the aliases of an index, sorted.
func (s *Server) Aliases(name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ix, ok := s.indices[name]
	if !ok {
		return nil
	}
	return sortedKeys(ix.aliases)
}

// TransformState returns a transform's state ("" when absent).
func (s *Server) TransformState(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.transforms[id]; ok {
		return t.state
	}
	return ""
}

// DataStreams returns the data stream names, sorted.
func (s *Server) DataStreams() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.dataStreams)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	body, err := io.ReadAll(r.Body)
	if err != nil {
		reply(w, http.StatusBadRequest, errBody("parse_exception", err.Error(), http.StatusBadRequest))
		return
	}
	raw := body
	if r.Header.Get("Content-Encoding") == "gzip" && len(body) > 0 {
		// libbeat's Elasticsearch output compresses request bodies.
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			body, err = io.ReadAll(zr)
		}
		if err != nil {
			reply(w, http.StatusBadRequest, errBody("parse_exception", "bad gzip body: "+err.Error(), http.StatusBadRequest))
			return
		}
	}
	if r.Method == http.MethodPost && r.URL.Path == "/_bulk" && s.opts.Bulk != nil {
		s.serveBulk(w, r, raw, body)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record(r, body)
	for _, f := range s.faults {
		if f.method == r.Method && f.path == r.URL.Path {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(f.status)
			_, _ = io.WriteString(w, f.body)
			return
		}
	}
	var doc map[string]any
	if len(body) > 0 {
		if err := json.Unmarshal(body, &doc); err != nil {
			reply(w, http.StatusBadRequest, errBody("parse_exception", "request body is not a JSON object: "+err.Error(), http.StatusBadRequest))
			return
		}
	}
	status, resp := s.route(r, doc)
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	reply(w, status, resp)
}

// serveBulk records a bulk request (decompressed, NDJSON) and hands the
// original request to Options.Bulk.
func (s *Server) serveBulk(w http.ResponseWriter, r *http.Request, raw, plain []byte) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.RequestURI(), Body: append(json.RawMessage(nil), plain...)})
	s.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(raw))
	s.opts.Bulk.ServeHTTP(w, r)
}

// Bulks returns the bodies of the recorded bulk requests (NDJSON,
// decompressed), in arrival order.
func (s *Server) Bulks() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [][]byte
	for _, r := range s.requests {
		if r.Path == "/_bulk" || strings.HasPrefix(r.Path, "/_bulk?") {
			out = append(out, r.Body)
		}
	}
	return out
}

// record appends a request; the caller holds s.mu.
func (s *Server) record(r *http.Request, body []byte) {
	req := Request{Method: r.Method, Path: r.URL.RequestURI(), Authorization: r.Header.Get("Authorization")}
	if len(body) > 0 {
		req.Body = append(json.RawMessage(nil), body...)
	}
	s.requests = append(s.requests, req)
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func errBody(typ, reason string, status int) map[string]any {
	e := map[string]any{"type": typ, "reason": reason}
	return map[string]any{"error": map[string]any{"root_cause": []any{e}, "type": typ, "reason": reason}, "status": status}
}

var ack = map[string]any{"acknowledged": true}

func (s *Server) route(r *http.Request, doc map[string]any) (int, any) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	m := r.Method
	switch {
	case r.URL.Path == "/" && m == http.MethodGet:
		flavor := "default"
		if s.opts.Serverless {
			flavor = "serverless"
		}
		return http.StatusOK, map[string]any{
			"name": "estest", "cluster_name": "estest", "cluster_uuid": "estest-cluster-uuid",
			"version": map[string]any{"number": s.opts.Version, "build_flavor": flavor}, "tagline": "You Know, for Search",
		}
	case r.URL.Path == "/_license" && m == http.MethodGet:
		return http.StatusOK, map[string]any{"license": map[string]any{
			"uid": "estest-license", "type": "trial", "status": "active", "expiry_date_in_millis": int64(4102444800000),
		}}
	case len(parts) == 3 && parts[0] == "_ilm" && parts[1] == "policy":
		return s.policy(m, parts[2], doc)
	case len(parts) == 2 && parts[0] == "_index_template":
		return s.template(m, parts[1], doc)
	case len(parts) == 3 && parts[0] == "_ingest" && parts[1] == "pipeline":
		return s.pipeline(m, parts[2], doc)
	case len(parts) == 2 && parts[0] == "_data_stream":
		return s.dataStream(m, parts[1])
	case len(parts) == 3 && parts[0] == "_data_stream" && parts[2] == "_lifecycle" && m == http.MethodPut:
		ds, ok := s.dataStreams[parts[1]]
		if !ok {
			return http.StatusNotFound, errBody("index_not_found_exception", "no such index ["+parts[1]+"]", http.StatusNotFound)
		}
		ds["lifecycle"] = doc
		return http.StatusOK, ack
	case len(parts) == 2 && parts[0] == "_alias" && m == http.MethodGet:
		return s.alias(parts[1])
	case len(parts) == 1 && parts[0] == "_aliases" && m == http.MethodPost:
		return s.aliases(doc)
	case len(parts) >= 2 && parts[0] == "_transform":
		return s.transform(r, parts[1:], doc)
	case len(parts) == 1 && parts[0] != "" && !strings.HasPrefix(parts[0], "_"):
		return s.index(m, parts[0], doc)
	}
	return http.StatusBadRequest, errBody("estest_unsupported", "the test double does not serve "+m+" "+r.URL.Path, http.StatusBadRequest)
}

func notFound(kind, name string) (int, any) {
	return http.StatusNotFound, errBody("resource_not_found_exception", kind+" ["+name+"] not found", http.StatusNotFound)
}

func (s *Server) policy(m, name string, doc map[string]any) (int, any) {
	switch m {
	case http.MethodPut:
		p, ok := doc["policy"].(map[string]any)
		if !ok {
			return http.StatusBadRequest, errBody("x_content_parse_exception", "required [policy]", http.StatusBadRequest)
		}
		s.policies[name] = p
		return http.StatusOK, ack
	case http.MethodGet:
		p, ok := s.policies[name]
		if !ok {
			return notFound("Lifecycle policy", name)
		}
		return http.StatusOK, map[string]any{name: map[string]any{"version": 1, "modified_date": "2026-01-01T00:00:00.000Z", "policy": p}}
	}
	return http.StatusMethodNotAllowed, errBody("method_not_allowed", m, http.StatusMethodNotAllowed)
}

func (s *Server) template(m, name string, doc map[string]any) (int, any) {
	switch m {
	case http.MethodPut:
		s.templates[name] = doc
		return http.StatusOK, ack
	case http.MethodGet, http.MethodHead:
		t, ok := s.templates[name]
		if !ok {
			return notFound("index template", name)
		}
		return http.StatusOK, map[string]any{"index_templates": []any{map[string]any{"name": name, "index_template": t}}}
	}
	return http.StatusMethodNotAllowed, errBody("method_not_allowed", m, http.StatusMethodNotAllowed)
}

func (s *Server) pipeline(m, id string, doc map[string]any) (int, any) {
	switch m {
	case http.MethodPut:
		s.pipelines[id] = doc
		return http.StatusOK, ack
	case http.MethodGet:
		p, ok := s.pipelines[id]
		if !ok {
			return http.StatusNotFound, map[string]any{}
		}
		return http.StatusOK, map[string]any{id: p}
	}
	return http.StatusMethodNotAllowed, errBody("method_not_allowed", m, http.StatusMethodNotAllowed)
}

func (s *Server) dataStream(m, name string) (int, any) {
	switch m {
	case http.MethodPut:
		if _, ok := s.dataStreams[name]; ok {
			return http.StatusBadRequest, errBody("resource_already_exists_exception", "data_stream ["+name+"] already exists", http.StatusBadRequest)
		}
		tname, tmpl := s.matchTemplate(name)
		if tmpl == nil {
			return http.StatusBadRequest, errBody("illegal_argument_exception", "no matching index template found for data stream ["+name+"]", http.StatusBadRequest)
		}
		ds := map[string]any{"name": name, "template": tname, "indices": []any{map[string]any{"index_name": ".ds-" + name + "-000001"}}}
		if inner, ok := tmpl["template"].(map[string]any); ok && inner["lifecycle"] != nil {
			ds["lifecycle"] = inner["lifecycle"]
		}
		if inner, ok := tmpl["template"].(map[string]any); ok {
			settings, _ := inner["settings"].(map[string]any)
			idx, _ := settings["index"].(map[string]any)
			lc, _ := idx["lifecycle"].(map[string]any)
			if name, ok := lc["name"].(string); ok {
				ds["ilm_policy"] = name
			}
		}
		s.dataStreams[name] = ds
		return http.StatusOK, ack
	case http.MethodGet:
		ds, ok := s.dataStreams[name]
		if !ok {
			return http.StatusNotFound, errBody("index_not_found_exception", "no such index ["+name+"]", http.StatusNotFound)
		}
		return http.StatusOK, map[string]any{"data_streams": []any{ds}}
	}
	return http.StatusMethodNotAllowed, errBody("method_not_allowed", m, http.StatusMethodNotAllowed)
}

// matchTemplate returns the highest-priority data-stream template whose
// index_patterns match name.
func (s *Server) matchTemplate(name string) (string, map[string]any) {
	best, bestPrio := "", -1.0
	var found map[string]any
	for tname, t := range s.templates {
		if _, ds := t["data_stream"].(map[string]any); !ds {
			continue
		}
		pats, _ := t["index_patterns"].([]any)
		for _, p := range pats {
			ps, _ := p.(string)
			if ok, _ := path.Match(ps, name); ok {
				prio, _ := t["priority"].(float64)
				if prio > bestPrio {
					best, bestPrio, found = tname, prio, t
				}
			}
		}
	}
	return best, found
}

func (s *Server) index(m, name string, doc map[string]any) (int, any) {
	switch m {
	case http.MethodPut:
		if _, ok := s.indices[name]; ok {
			return http.StatusBadRequest, errBody("resource_already_exists_exception", "index ["+name+"] already exists", http.StatusBadRequest)
		}
		ix := &index{body: doc, aliases: map[string]bool{}}
		if al, ok := doc["aliases"].(map[string]any); ok {
			for a := range al {
				ix.aliases[a] = true
			}
		}
		s.indices[name] = ix
		return http.StatusOK, map[string]any{"acknowledged": true, "shards_acknowledged": true, "index": name}
	case http.MethodHead, http.MethodGet:
		if _, ok := s.indices[name]; !ok {
			return http.StatusNotFound, errBody("index_not_found_exception", "no such index ["+name+"]", http.StatusNotFound)
		}
		return http.StatusOK, map[string]any{name: s.indices[name].body}
	case http.MethodDelete:
		if _, ok := s.indices[name]; !ok {
			return http.StatusNotFound, errBody("index_not_found_exception", "no such index ["+name+"]", http.StatusNotFound)
		}
		delete(s.indices, name)
		return http.StatusOK, ack
	}
	return http.StatusMethodNotAllowed, errBody("method_not_allowed", m, http.StatusMethodNotAllowed)
}

// alias answers GET /_alias/<name>: the indices holding it.
func (s *Server) alias(name string) (int, any) {
	out := map[string]any{}
	for iname, ix := range s.indices {
		if ix.aliases[name] {
			out[iname] = map[string]any{"aliases": map[string]any{name: map[string]any{}}}
		}
	}
	if len(out) == 0 {
		return http.StatusNotFound, map[string]any{"error": "alias [" + name + "] missing", "status": http.StatusNotFound}
	}
	return http.StatusOK, out
}

// aliases applies add, remove and remove_index actions atomically.
func (s *Server) aliases(doc map[string]any) (int, any) {
	actions, _ := doc["actions"].([]any)
	type op struct{ kind, index, alias string }
	var ops []op
	for _, a := range actions {
		am, _ := a.(map[string]any)
		for kind, v := range am {
			vm, _ := v.(map[string]any)
			o := op{kind: kind}
			o.index, _ = vm["index"].(string)
			o.alias, _ = vm["alias"].(string)
			if _, ok := s.indices[o.index]; !ok {
				return http.StatusNotFound, errBody("index_not_found_exception", "no such index ["+o.index+"]", http.StatusNotFound)
			}
			if kind != "add" && kind != "remove" && kind != "remove_index" {
				return http.StatusBadRequest, errBody("illegal_argument_exception", "unknown alias action ["+kind+"]", http.StatusBadRequest)
			}
			ops = append(ops, o)
		}
	}
	for _, o := range ops {
		switch o.kind {
		case "add":
			s.indices[o.index].aliases[o.alias] = true
		case "remove":
			delete(s.indices[o.index].aliases, o.alias)
		case "remove_index":
			delete(s.indices, o.index)
		}
	}
	return http.StatusOK, ack
}

func (s *Server) transform(r *http.Request, parts []string, doc map[string]any) (int, any) {
	id, m := parts[0], r.Method
	t, exists := s.transforms[id]
	missing := func() (int, any) {
		return http.StatusNotFound, errBody("resource_not_found_exception", "Transform with id ["+id+"] could not be found", http.StatusNotFound)
	}
	if len(parts) == 1 {
		switch m {
		case http.MethodPut:
			if exists {
				return http.StatusConflict, errBody("resource_already_exists_exception", "Transform with id ["+id+"] already exists", http.StatusConflict)
			}
			s.transforms[id] = &transform{body: doc, state: "stopped"}
			return http.StatusOK, ack
		case http.MethodGet:
			if !exists {
				return missing()
			}
			out := map[string]any{"id": id, "version": s.opts.Version, "create_time": 1767225600000}
			for k, v := range t.body {
				out[k] = v
			}
			return http.StatusOK, map[string]any{"count": 1, "transforms": []any{out}}
		case http.MethodDelete:
			if !exists {
				return missing()
			}
			if (t.state == "started" || t.state == "indexing") && r.URL.Query().Get("force") != "true" {
				return http.StatusConflict, errBody("status_exception", "Cannot delete transform ["+id+"] as the task is running. Stop the task first", http.StatusConflict)
			}
			delete(s.transforms, id)
			return http.StatusOK, ack
		}
	}
	if len(parts) == 2 {
		if !exists {
			return missing()
		}
		switch {
		case parts[1] == "_start" && m == http.MethodPost:
			if t.state == "started" || t.state == "indexing" {
				return http.StatusConflict, errBody("status_exception", "Cannot start transform ["+id+"] as it is already started", http.StatusConflict)
			}
			dest, _ := t.body["dest"].(map[string]any)
			name, _ := dest["index"].(string)
			if _, ok := s.indices[name]; !ok {
				// The transform creates a missing destination with its dest.aliases.
				ix := &index{body: map[string]any{}, aliases: map[string]bool{}}
				as, _ := dest["aliases"].([]any)
				for _, a := range as {
					am, _ := a.(map[string]any)
					if n, _ := am["alias"].(string); n != "" {
						ix.aliases[n] = true
					}
				}
				s.indices[name] = ix
			}
			t.state = "started"
			return http.StatusOK, ack
		case parts[1] == "_stop" && m == http.MethodPost:
			if t.state == "failed" && r.URL.Query().Get("force") != "true" {
				return http.StatusConflict, errBody("status_exception", "Unable to stop transform ["+id+"] as it is in a failed state. Use force stop to stop the transform.", http.StatusConflict)
			}
			t.state = "stopped"
			return http.StatusOK, ack
		case parts[1] == "_stats" && m == http.MethodGet:
			return http.StatusOK, map[string]any{"count": 1, "transforms": []any{map[string]any{"id": id, "state": t.state}}}
		}
	}
	return http.StatusBadRequest, errBody("estest_unsupported", "the test double does not serve "+m+" "+r.URL.Path, http.StatusBadRequest)
}

// Summary renders the recorded requests as "METHOD /path" lines.
func Summary(reqs []Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.String()
	}
	return out
}

// Find returns the first recorded request with method and path (query
// included), or false.
func Find(reqs []Request, method, p string) (Request, bool) {
	i := slices.IndexFunc(reqs, func(r Request) bool { return r.Method == method && r.Path == p })
	if i < 0 {
		return Request{}, false
	}
	return reqs[i], true
}

// String helps debugging: the stored object names.
func (s *Server) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("policies=%v templates=%v pipelines=%v data_streams=%v indices=%v transforms=%v",
		sortedKeys(s.policies), sortedKeys(s.templates), sortedKeys(s.pipelines), sortedKeys(s.dataStreams), sortedKeys(s.indices), sortedKeys(s.transforms))
}

// FirstSetup is the exact request sequence of a first `threatqbeat setup`
// (default options, namespace default) on an empty Server, as estest.Summary
// renders it.
var FirstSetup = []string{
	"GET /_ingest/pipeline/logs-ti_threatq.threat",
	"PUT /_ingest/pipeline/logs-ti_threatq.threat",
	"GET /_ilm/policy/logs-ti_threatq.threat",
	"PUT /_ilm/policy/logs-ti_threatq.threat",
	"GET /_index_template/logs-ti_threatq.threat",
	"PUT /_index_template/logs-ti_threatq.threat",
	"GET /_data_stream/logs-ti_threatq.threat-default",
	"PUT /_data_stream/logs-ti_threatq.threat-default",
	"GET /_ingest/pipeline/logs-ti_threatq.latest_ioc",
	"PUT /_ingest/pipeline/logs-ti_threatq.latest_ioc",
	"GET /_transform/logs-ti_threatq.latest_ioc",
	"GET /_alias/logs-ti_threatq_latest.threat",
	"HEAD /logs-ti_threatq_latest.dest_threat-1",
	"PUT /logs-ti_threatq_latest.dest_threat-1",
	"PUT /_transform/logs-ti_threatq.latest_ioc?defer_validation=true",
	"POST /_transform/logs-ti_threatq.latest_ioc/_start",
}

// TransformUpgrade is the request sequence of `setup --transforms` over a
// started transform of an older version whose destination holds the alias:
// the pipeline is updated, the transform stopped and deleted, the new
// destination created, the alias moved in one request and the new
// transform started.
var TransformUpgrade = []string{
	"GET /_ingest/pipeline/logs-ti_threatq.latest_ioc",
	"PUT /_ingest/pipeline/logs-ti_threatq.latest_ioc",
	"GET /_transform/logs-ti_threatq.latest_ioc",
	"POST /_transform/logs-ti_threatq.latest_ioc/_stop?force=true&wait_for_completion=true",
	"DELETE /_transform/logs-ti_threatq.latest_ioc",
	"GET /_alias/logs-ti_threatq_latest.threat",
	"HEAD /logs-ti_threatq_latest.dest_threat-1",
	"PUT /logs-ti_threatq_latest.dest_threat-1",
	"POST /_aliases",
	"PUT /_transform/logs-ti_threatq.latest_ioc?defer_validation=true",
	"POST /_transform/logs-ti_threatq.latest_ioc/_start",
}

// SecondSetup is the request sequence of the same setup run again: reads
// only.
var SecondSetup = []string{
	"GET /_ingest/pipeline/logs-ti_threatq.threat",
	"GET /_ilm/policy/logs-ti_threatq.threat",
	"GET /_index_template/logs-ti_threatq.threat",
	"GET /_data_stream/logs-ti_threatq.threat-default",
	"GET /_ingest/pipeline/logs-ti_threatq.latest_ioc",
	"GET /_transform/logs-ti_threatq.latest_ioc",
	"GET /_alias/logs-ti_threatq_latest.threat",
	"GET /_transform/logs-ti_threatq.latest_ioc/_stats",
}
