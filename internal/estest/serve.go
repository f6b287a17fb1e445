package estest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

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
	case (len(parts) == 2 || len(parts) == 3) && parts[1] == "_doc" && (m == http.MethodPost || m == http.MethodPut) && !strings.HasPrefix(parts[0], "_"):
		return s.indexDocument(r, parts, doc)
	case r.URL.Path == "/_reindex" && m == http.MethodPost:
		return s.reindex(r.URL.Query(), doc)
	case len(parts) == 2 && parts[1] == "_search" && (m == http.MethodPost || m == http.MethodGet) && !strings.HasPrefix(parts[0], "_"):
		return s.search(parts[0], doc)
	case len(parts) >= 2 && parts[0] == "_transform":
		return s.transform(r, parts[1:], doc)
	case len(parts) == 1 && parts[0] != "" && !strings.HasPrefix(parts[0], "_"):
		return s.index(m, parts[0], doc)
	case len(parts) == 2 && parts[1] == "_mapping" && m == http.MethodGet && !strings.HasPrefix(parts[0], "_"):
		return s.mapping(parts[0])
	}
	return http.StatusBadRequest, errBody("estest_unsupported", "the test double does not serve "+m+" "+r.URL.Path, http.StatusBadRequest)
}

func notFound(kind, name string) (int, any) {
	return http.StatusNotFound, errBody("resource_not_found_exception", kind+" ["+name+"] not found", http.StatusNotFound)
}

// policy serves /_ilm/policy/<name>: PutLifecycleRequest requires the
// policy object; GET answers {name: {version, modified_date, policy}}
// (GetLifecycleAction.Response) or a 404 resource_not_found_exception.
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

// pipeline serves /_ingest/pipeline/<id>; a missing pipeline is a 404
// with an empty object, as RestGetPipelineAction answers.
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
