//go:build integration

package integration

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/internal/estest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// kibanaDouble answers Kibana's status API and records the saved objects
// posted to the import API.
type kibanaDouble struct {
	mu      sync.Mutex
	imports []map[string]any // every object of every import request
	bodies  int              // import requests
	bad     []string         // requests the double did not expect
}

func (k *kibanaDouble) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/status":
		_, _ = io.WriteString(w, `{"name":"kibana","version":{"number":"9.4.0","build_snapshot":false},"status":{"overall":{"level":"available"}}}`)
	case r.Method == http.MethodPost && r.URL.Path == "/api/saved_objects/_import":
		objs, err := readImport(r)
		k.mu.Lock()
		defer k.mu.Unlock()
		if err != nil || r.URL.Query().Get("overwrite") != "true" {
			k.bad = append(k.bad, fmt.Sprintf("%s %s: %v", r.Method, r.URL, err))
			http.Error(w, "bad import", http.StatusBadRequest)
			return
		}
		k.bodies++
		k.imports = append(k.imports, objs...)
		_, _ = fmt.Fprintf(w, `{"success":true,"successCount":%d}`, len(objs))
	default:
		k.mu.Lock()
		k.bad = append(k.bad, r.Method+" "+r.URL.String())
		k.mu.Unlock()
		http.NotFound(w, r)
	}
}

// readImport decodes the NDJSON file of a multipart import request.
func readImport(r *http.Request) ([]map[string]any, error) {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	part, err := multipart.NewReader(r.Body, params["boundary"]).NextPart()
	if err != nil {
		return nil, err
	}
	if part.FormName() != "file" || !strings.HasSuffix(part.FileName(), ".ndjson") {
		return nil, fmt.Errorf("part %q file %q", part.FormName(), part.FileName())
	}
	body, err := io.ReadAll(part)
	if err != nil {
		return nil, err
	}
	var objs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		var o map[string]any
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			return nil, fmt.Errorf("import line %q: %w", line, err)
		}
		objs = append(objs, o)
	}
	return objs, nil
}

// setupDashboards runs `setup` with args against a Kibana double and an
// Elasticsearch double, and returns its output, what Kibana received and
// the requests Elasticsearch received.
func setupDashboards(t *testing.T, args ...string) (string, *kibanaDouble, []string) {
	t.Helper()
	kb := &kibanaDouble{}
	srv := httptest.NewServer(kb)
	defer srv.Close()
	es := estest.New(estest.Options{})
	defer es.Close()
	dir, err := filepath.Abs(filepath.Dir(kibanaDir))
	if err != nil {
		t.Fatal(err)
	}
	b := newBeat(t, fmt.Sprintf("output.elasticsearch.hosts: [%q]\n", es.URL))
	args = append([]string{"setup"}, args...)
	args = append(args, "-E", "setup.kibana.host="+srv.URL, "-E", "setup.dashboards.directory="+dir)
	out, err := b.command(timeout(t, 2*time.Minute), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return string(out), kb, estest.Summary(es.Requests())
}

// checkImported checks that Kibana received exactly the saved objects
// under _meta/kibana (libbeat's generated "threatqbeat-*" data view
// included would be one too many), in the encoding its import API expects.
func checkImported(t *testing.T, kb *kibanaDouble) {
	t.Helper()
	kb.mu.Lock()
	defer kb.mu.Unlock()
	if len(kb.bad) > 0 {
		t.Errorf("unexpected requests to Kibana: %v", kb.bad)
	}
	imported := map[string]map[string]any{}
	for _, o := range kb.imports {
		imported[fmt.Sprint(o["type"], "/", o["id"])] = o
	}
	ours := savedObjectKeys(t)
	for key := range imported {
		if !ours[key] {
			t.Errorf("setup imported %s, which is not one of _meta/kibana's saved objects", key)
		}
	}
	for key := range ours {
		o := imported[key]
		if o == nil {
			t.Errorf("%s was not imported; imported: %v", key, slices.Sorted(maps.Keys(imported)))
			continue
		}
		attrs, _ := o["attributes"].(map[string]any)
		for _, k := range []string{"panelsJSON", "visState", "optionsJSON", "uiStateJSON"} {
			if v, ok := attrs[k]; ok {
				if _, isString := v.(string); !isString {
					t.Errorf("%s: attributes.%s was sent as %T, Kibana wants a JSON string", key, k, v)
				}
			}
		}
		if meta, ok := attrs["kibanaSavedObjectMeta"].(map[string]any); ok {
			if _, isString := meta["searchSourceJSON"].(string); !isString {
				t.Errorf("%s: searchSourceJSON was not sent as a JSON string", key)
			}
		}
		// In panelsJSON, a by-value Lens panel keeps its attributes as
		// objects: Kibana's dashboard reads panel.embeddableConfig as is.
		if s, ok := attrs["panelsJSON"].(string); ok {
			var panels []map[string]any
			if err := json.Unmarshal([]byte(s), &panels); err != nil {
				t.Errorf("%s: panelsJSON is not a JSON list: %v", key, err)
			}
			for _, p := range panels {
				cfg, _ := p["embeddableConfig"].(map[string]any)
				a, _ := cfg["attributes"].(map[string]any)
				if _, isObject := a["state"].(map[string]any); p["type"] == "lens" && !isObject {
					t.Errorf("%s: Lens panel %v: attributes.state was not sent as an object", key, p["panelIndex"])
				}
			}
		}
	}
	if imported["dashboard/"+threat.FeedDashboardID] == nil || imported["dashboard/"+healthDashboardID] == nil {
		t.Errorf("dashboards missing from the import: %v", slices.Sorted(maps.Keys(imported)))
	}
}

// TestSetupDashboardsImportsIntoKibana runs `setup --dashboards` against a
// Kibana double and checks that every saved object under _meta/kibana, and
// nothing else, was imported, and that Elasticsearch was left alone.
func TestSetupDashboardsImportsIntoKibana(t *testing.T) {
	out, kb, esReqs := setupDashboards(t, "--dashboards")
	if !strings.Contains(out, "Loaded dashboards") {
		t.Errorf("setup did not report the dashboards:\n%s", out)
	}
	if strings.Contains(out, "Loaded Ingest pipelines") {
		t.Errorf("setup --dashboards reports pipelines:\n%s", out)
	}
	if len(esReqs) > 0 {
		t.Errorf("setup --dashboards sent requests to Elasticsearch: %v", esReqs)
	}
	checkImported(t, kb)
}

// TestSetupDashboardsWithPipelines: --dashboards with another step does
// both, each once.
func TestSetupDashboardsWithPipelines(t *testing.T) {
	out, kb, esReqs := setupDashboards(t, "--dashboards", "--pipelines")
	if !strings.Contains(out, "Loaded dashboards") {
		t.Errorf("setup did not report the dashboards:\n%s", out)
	}
	if !slices.Contains(esReqs, "PUT /_ingest/pipeline/logs-ti_threatq.threat") {
		t.Errorf("setup --dashboards --pipelines did not install the pipeline: %v", esReqs)
	}
	if slices.ContainsFunc(esReqs, func(r string) bool { return strings.Contains(r, "_index_template") }) {
		t.Errorf("setup --dashboards --pipelines touched index templates: %v", esReqs)
	}
	checkImported(t, kb)
}
