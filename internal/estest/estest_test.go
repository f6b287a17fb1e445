package estest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// call sends a request to the double and decodes the JSON answer.
func call(t *testing.T, s *Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

// wantError checks an Elasticsearch error answer: status, type and reason.
func wantError(t *testing.T, status int, body map[string]any, wantStatus int, typ, reason string) {
	t.Helper()
	e, _ := body["error"].(map[string]any)
	if status != wantStatus || e["type"] != typ || e["reason"] != reason {
		t.Fatalf("got %d %v, want %d %s: %s", status, body, wantStatus, typ, reason)
	}
	if body["status"] != float64(wantStatus) {
		t.Fatalf("status member %v, want %d", body["status"], wantStatus)
	}
}

func TestStackTemplatesRefuseAPlainIndex(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	for _, name := range []string{"logs", "metrics", "synthetics"} {
		status, body := call(t, s, http.MethodGet, "/_index_template/"+name, "")
		tmpl, _ := body["index_templates"].([]any)
		if status != http.StatusOK || len(tmpl) != 1 {
			t.Fatalf("GET /_index_template/%s: %d %v", name, status, body)
		}
		it := tmpl[0].(map[string]any)["index_template"].(map[string]any)
		if it["priority"] != float64(100) || it["data_stream"] == nil {
			t.Errorf("built-in %s: %v", name, it)
		}
	}
	status, body := call(t, s, http.MethodPut, "/logs-ti_threatq_latest.dest_threat-1", `{"mappings":{}}`)
	wantError(t, status, body, http.StatusBadRequest, "illegal_argument_exception",
		"cannot create index with name [logs-ti_threatq_latest.dest_threat-1], because it matches with template [logs] that creates data streams only, use create data stream api instead")
	status, body = call(t, s, http.MethodPut, "/metrics-a-b", "")
	wantError(t, status, body, http.StatusBadRequest, "illegal_argument_exception",
		"cannot create index with name [metrics-a-b], because it matches with template [metrics] that creates data streams only, use create data stream api instead")
	if len(s.Indices()) != 0 {
		t.Fatalf("refused indices were created: %v", s.Indices())
	}
	// Not logs-*-* (one dash): no template, a plain index.
	if status, body := call(t, s, http.MethodPut, "/logs-plain", `{}`); status != http.StatusOK {
		t.Fatalf("PUT /logs-plain: %d %v", status, body)
	}
	// A started transform creates its missing destination the same way.
	s.SeedTransform("tr", map[string]any{"dest": map[string]any{"index": "logs-x_latest.dest-1"}}, "stopped")
	status, body = call(t, s, http.MethodPost, "/_transform/tr/_start", "")
	wantError(t, status, body, http.StatusBadRequest, "illegal_argument_exception",
		"cannot create index with name [logs-x_latest.dest-1], because it matches with template [logs] that creates data streams only, use create data stream api instead")
	if s.TransformState("tr") != "stopped" {
		t.Fatal("the transform started without its destination")
	}

	off := New(Options{NoStackTemplates: true})
	defer off.Close()
	if status, body := call(t, off, http.MethodPut, "/logs-ti_threatq_latest.dest_threat-1", `{}`); status != http.StatusOK {
		t.Fatalf("without stack templates: %d %v", status, body)
	}
	if len(off.Templates()) != 0 {
		t.Fatalf("templates with stack.templates.enabled false: %v", off.Templates())
	}
}

func TestHighestPriorityTemplateWins(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	dest := "logs-ti_threatq_latest.dest_threat-2"
	if status, body := call(t, s, http.MethodPut, "/_index_template/dest",
		`{"index_patterns":["`+dest+`"],"priority":250,"template":{"settings":{"index":{"number_of_replicas":0}},"mappings":{"properties":{"a":{"type":"keyword"},"b":{"type":"long"}}}}}`); status != http.StatusOK {
		t.Fatalf("PUT template: %d %v", status, body)
	}
	if status, body := call(t, s, http.MethodPut, "/"+dest, `{"mappings":{"properties":{"b":{"type":"keyword"}}},"aliases":{"al":{}}}`); status != http.StatusOK {
		t.Fatalf("PUT %s: %d %v", dest, status, body)
	}
	if got := s.IndexTemplate(dest); got != "dest" {
		t.Fatalf("%s took template %q", dest, got)
	}
	props := s.Index(dest)["mappings"].(map[string]any)["properties"].(map[string]any)
	if props["a"].(map[string]any)["type"] != "keyword" || props["b"].(map[string]any)["type"] != "keyword" {
		t.Fatalf("template and request mappings not merged (request wins): %v", props)
	}
	if got := s.Aliases(dest); len(got) != 1 || got[0] != "al" {
		t.Fatalf("aliases %v", got)
	}
	// Another version's destination is not matched by the exact pattern.
	status, body := call(t, s, http.MethodPut, "/logs-ti_threatq_latest.dest_threat-3", "")
	wantError(t, status, body, http.StatusBadRequest, "illegal_argument_exception",
		"cannot create index with name [logs-ti_threatq_latest.dest_threat-3], because it matches with template [logs] that creates data streams only, use create data stream api instead")

	// Data streams: a data-stream template above logs wins; a plain one does not create data streams.
	call(t, s, http.MethodPut, "/_index_template/ds", `{"index_patterns":["logs-ti_threatq.threat-*"],"priority":150,"data_stream":{}}`)
	if status, body := call(t, s, http.MethodPut, "/_data_stream/logs-ti_threatq.threat-default", ""); status != http.StatusOK {
		t.Fatalf("PUT data stream: %d %v", status, body)
	}
	if got := s.DataStream("logs-ti_threatq.threat-default")["template"]; got != "ds" {
		t.Fatalf("data stream template %v", got)
	}
	call(t, s, http.MethodPut, "/_index_template/plain", `{"index_patterns":["logs-plain.x-*"],"priority":300}`)
	status, body = call(t, s, http.MethodPut, "/_data_stream/logs-plain.x-default", "")
	wantError(t, status, body, http.StatusBadRequest, "illegal_argument_exception",
		"matching index template [plain] for data stream [logs-plain.x-default] has no data stream template")
	status, body = call(t, s, http.MethodPut, "/_data_stream/nomatch", "")
	wantError(t, status, body, http.StatusBadRequest, "illegal_argument_exception", "no matching index template found for data stream [nomatch]")
}

func TestSamePriorityOverlapIsRefused(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	// logs-*-* is at 100: a template overlapping it at 100 is refused.
	status, body := call(t, s, http.MethodPut, "/_index_template/mine", `{"index_patterns":["logs-mine-*","other-*"],"priority":100}`)
	wantError(t, status, body, http.StatusBadRequest, "illegal_argument_exception",
		"index template [mine] has index patterns [logs-mine-*, other-*] matching patterns from existing templates [logs] with patterns (logs => [logs-*-*]) that have the same priority [100], multiple index templates may not match during index creation, please use a different priority")
	for _, ok := range []string{
		`{"index_patterns":["logs-mine-*"],"priority":101}`, // another priority
		`{"index_patterns":["logs-mine"],"priority":100}`,   // no dash after the dataset: no overlap with logs-*-*
	} {
		if status, body := call(t, s, http.MethodPut, "/_index_template/mine", ok); status != http.StatusOK {
			t.Fatalf("PUT %s: %d %v", ok, status, body)
		}
	}
	// Updating a template is not an overlap with itself.
	if status, body := call(t, s, http.MethodPut, "/_index_template/mine", `{"index_patterns":["logs-mine"],"priority":100,"_meta":{"v":2}}`); status != http.StatusOK {
		t.Fatalf("update: %d %v", status, body)
	}
	// Without a priority a template has priority 0.
	call(t, s, http.MethodPut, "/_index_template/z1", `{"index_patterns":["z-*"]}`)
	status, body = call(t, s, http.MethodPut, "/_index_template/z2", `{"index_patterns":["*-a"],"priority":0}`)
	wantError(t, status, body, http.StatusBadRequest, "illegal_argument_exception",
		"index template [z2] has index patterns [*-a] matching patterns from existing templates [z1] with patterns (z1 => [z-*]) that have the same priority [0], multiple index templates may not match during index creation, please use a different priority")
}

func TestLifecycleOnlyInDataStreamTemplates(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	status, body := call(t, s, http.MethodPut, "/_index_template/t", `{"index_patterns":["t-*"],"template":{"lifecycle":{"data_retention":"5d"}}}`)
	wantError(t, status, body, http.StatusBadRequest, "illegal_argument_exception",
		"index template [t] specifies lifecycle configuration that can only be used in combination with a data stream")
	if status, _ := call(t, s, http.MethodPut, "/_index_template/t", `{"index_patterns":["t-*"],"data_stream":{},"template":{"lifecycle":{"data_retention":"5d"}}}`); status != http.StatusOK {
		t.Fatal("a data stream template with a lifecycle was refused")
	}
}

func TestLogsdbIsTheDefaultOf9ForLogsDataStreams(t *testing.T) {
	for _, c := range []struct {
		name     string
		opts     Options
		template string
		stream   string
		want     string
	}{
		{"9.x logs, no mode", Options{}, `{"index_patterns":["logs-a.b-*"],"priority":150,"data_stream":{}}`, "logs-a.b-default", "logsdb"},
		{"9.x logs, standard", Options{}, `{"index_patterns":["logs-a.b-*"],"priority":150,"data_stream":{},"template":{"settings":{"index":{"mode":"standard"}}}}`, "logs-a.b-default", "standard"},
		{"9.x logs, flat setting", Options{}, `{"index_patterns":["logs-a.b-*"],"priority":150,"data_stream":{},"template":{"settings":{"index.mode":"standard"}}}`, "logs-a.b-default", "standard"},
		{"9.x metrics", Options{}, `{"index_patterns":["metrics-a.b-*"],"priority":150,"data_stream":{}}`, "metrics-a.b-default", "standard"},
		{"9.x built-in logs template", Options{}, "", "logs-x-y", "logsdb"},
		{"cluster.logsdb.enabled false", Options{NoLogsdb: true}, `{"index_patterns":["logs-a.b-*"],"priority":150,"data_stream":{}}`, "logs-a.b-default", "standard"},
		{"8.x", Options{Version: "8.17.0"}, `{"index_patterns":["logs-a.b-*"],"priority":150,"data_stream":{}}`, "logs-a.b-default", "standard"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := New(c.opts)
			defer s.Close()
			if c.template != "" {
				if status, body := call(t, s, http.MethodPut, "/_index_template/t", c.template); status != http.StatusOK {
					t.Fatalf("template: %d %v", status, body)
				}
			}
			if status, body := call(t, s, http.MethodPut, "/_data_stream/"+c.stream, ""); status != http.StatusOK {
				t.Fatalf("data stream: %d %v", status, body)
			}
			_, body := call(t, s, http.MethodGet, "/_data_stream/"+c.stream, "")
			ds := body["data_streams"].([]any)[0].(map[string]any)
			if ds["index_mode"] != c.want {
				t.Fatalf("index_mode %v, want %s", ds["index_mode"], c.want)
			}
		})
	}
}

func TestPatternMatching(t *testing.T) {
	for _, c := range []struct {
		pattern, name string
		want          bool
	}{
		{"logs-*-*", "logs-ti_threatq_latest.dest_threat-1", true},
		{"logs-*-*", "logs-ti_threatq.threat-default", true},
		{"logs-*-*", "logs-plain", false},
		{"logs-*-*", "metrics-a-b", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "ab", false},
		{"exact", "exact", true},
		{"*", "", true},
	} {
		if got := simpleMatch(c.pattern, c.name); got != c.want {
			t.Errorf("simpleMatch(%q, %q) = %v", c.pattern, c.name, got)
		}
	}
	for _, c := range []struct {
		p, q string
		want bool
	}{
		{"logs-*-*", "logs-ti_threatq_latest.dest_threat-2", true},
		{"logs-*-*", "logs-ti_threatq.threat-*", true},
		{"logs-ti_threatq.threat-*", "logs-ti_threatq_latest.dest_threat-2", false},
		{"a-*", "b-*", false},
		{"*-a", "z-*", true},
		{"a*", "*b", true},
		{"abc", "a*d", false},
		{"logs-mine", "logs-*-*", false},
	} {
		if got := globsIntersect(c.p, c.q); got != c.want {
			t.Errorf("globsIntersect(%q, %q) = %v", c.p, c.q, got)
		}
		if got := globsIntersect(c.q, c.p); got != c.want {
			t.Errorf("globsIntersect(%q, %q) = %v (reversed)", c.q, c.p, got)
		}
	}
}
