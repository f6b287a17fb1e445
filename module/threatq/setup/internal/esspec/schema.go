package esspec

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
)

//go:embed schema.json.gz
var schemaGz []byte

// obj is a JSON object of the specification or of a body.
type obj = map[string]any

// typeName names a type of the specification: namespace and name, e.g.
// indices.put_index_template / Request.
type typeName struct{ ns, name string }

func (n typeName) String() string { return n.ns + "." + n.name }

func nameOf(v any) typeName {
	m, _ := v.(obj)
	ns, _ := m["namespace"].(string)
	n, _ := m["name"].(string)
	return typeName{ns, n}
}

// endpoint is one API: its name (e.g. indices.create), URL templates and
// request type.
type endpoint struct {
	name    string
	urls    []urlTemplate
	request typeName
	// bodyRequired is requestBodyRequired: a request without a body is
	// refused.
	bodyRequired bool
}

type urlTemplate struct {
	methods  []string
	segments []string // "{index}" for a path parameter
}

// Validator checks requests against the specification. It is safe for
// concurrent use.
type Validator struct {
	endpoints []endpoint
	types     map[typeName]obj
}

var load = sync.OnceValues(func() (*Validator, error) { return parse(schemaGz) })

// Load returns the Validator of the embedded specification.
func Load() (*Validator, error) { return load() }

func parse(gz []byte) (*Validator, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("read Elasticsearch specification: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("read Elasticsearch specification: %w", err)
	}
	var raw struct {
		Endpoints []obj `json:"endpoints"`
		Types     []obj `json:"types"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("read Elasticsearch specification: %w", err)
	}
	v := &Validator{types: map[typeName]obj{}}
	for _, t := range raw.Types {
		v.types[nameOf(t["name"])] = t
	}
	for _, e := range raw.Endpoints {
		ep := endpoint{request: nameOf(e["request"])}
		ep.name, _ = e["name"].(string)
		ep.bodyRequired, _ = e["requestBodyRequired"].(bool)
		urls, _ := e["urls"].([]any)
		for _, u := range urls {
			um, _ := u.(obj)
			p, _ := um["path"].(string)
			ut := urlTemplate{segments: splitPath(p)}
			for _, m := range list(um["methods"]) {
				ut.methods = append(ut.methods, fmt.Sprint(m))
			}
			ep.urls = append(ep.urls, ut)
		}
		v.endpoints = append(v.endpoints, ep)
	}
	return v, nil
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func list(v any) []any { l, _ := v.([]any); return l }

// Endpoint returns the name of the API a request goes to (e.g.
// indices.put_index_template for PUT /_index_template/x): of the URL
// templates that match, the one with the most literal segments.
func (v *Validator) Endpoint(method, path string) (string, bool) {
	ep := v.route(method, path)
	if ep == nil {
		return "", false
	}
	return ep.name, true
}

func (v *Validator) route(method, path string) *endpoint {
	segs := splitPath(path)
	var best *endpoint
	bestLit := -1
	for i := range v.endpoints {
		ep := &v.endpoints[i]
		for _, u := range ep.urls {
			if !slices.Contains(u.methods, method) || len(u.segments) != len(segs) {
				continue
			}
			lit, ok := 0, true
			for j, s := range u.segments {
				switch {
				case strings.HasPrefix(s, "{"):
				case s == segs[j]:
					lit++
				default:
					ok = false
				}
			}
			if ok && lit > bestLit {
				best, bestLit = ep, lit
			}
		}
	}
	return best
}

// ValidateRequest checks a request as setup sends it: the API is found by
// method and path (with its query string), the query parameters must be
// the API's (or common ones such as pretty), and the body, JSON or empty,
// must be the API's request body.
func (v *Validator) ValidateRequest(method, target string, body []byte) error {
	path, rawQuery, _ := strings.Cut(target, "?")
	ep := v.route(method, path)
	if ep == nil {
		return fmt.Errorf("%s %s: no such Elasticsearch API in the specification", method, path)
	}
	req := v.types[ep.request]
	if req == nil {
		return fmt.Errorf("%s: the specification has no request type %s", ep.name, ep.request)
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, target, err)
	}
	known := v.queryParams(req)
	var problems []string
	for k := range q {
		if !known[k] {
			problems = append(problems, fmt.Sprintf("unknown query parameter %q", k))
		}
	}
	var doc any
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &doc); err != nil {
			return fmt.Errorf("%s (%s %s): body is not JSON: %w", ep.name, method, target, err)
		}
	}
	problems = append(problems, v.body(req, doc, len(bytes.TrimSpace(body)) > 0, ep.bodyRequired)...)
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("%s (%s %s): %s", ep.name, method, target, strings.Join(problems, "; "))
	}
	return nil
}

// ValidateBody checks a body (decoded JSON, or any value that marshals to
// it) against the request of the named API.
func (v *Validator) ValidateBody(api string, body any) error {
	i := slices.IndexFunc(v.endpoints, func(e endpoint) bool { return e.name == api })
	if i < 0 {
		return fmt.Errorf("no API %s in the specification", api)
	}
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	req := v.types[v.endpoints[i].request]
	if problems := v.body(req, doc, true, true); len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("%s: %s", api, strings.Join(problems, "; "))
	}
	return nil
}

// body checks a request body against a request type.
func (v *Validator) body(req obj, doc any, present, required bool) []string {
	b, _ := req["body"].(obj)
	switch b["kind"] {
	case "no_body":
		if present {
			return []string{"the API takes no body"}
		}
		return nil
	case "value":
		if !present {
			return nil
		}
		return v.value(doc, b["value"].(obj), nil, "body")
	}
	if !present {
		if required {
			return []string{"the body is missing"}
		}
		return nil
	}
	return v.object(doc, req, nil, "body")
}

// queryParams are the query parameter names of a request type, with those
// of its behaviors (CommonQueryParameters) and ancestors.
func (v *Validator) queryParams(req obj) map[string]bool {
	out := map[string]bool{}
	for _, p := range list(req["query"]) {
		pm, _ := p.(obj)
		out[fmt.Sprint(pm["name"])] = true
	}
	var visit func(t obj)
	visit = func(t obj) {
		for _, b := range list(t["behaviors"]) {
			if bt := v.types[nameOf(b.(obj)["type"])]; bt != nil {
				for _, p := range list(bt["properties"]) {
					out[fmt.Sprint(p.(obj)["name"])] = true
				}
			}
		}
		if inh, ok := t["inherits"].(obj); ok {
			if parent := v.types[nameOf(inh["type"])]; parent != nil {
				visit(parent)
			}
		}
	}
	visit(req)
	return out
}
