package tests

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/beats/v7/libbeat/mapping"

	"github.com/threatqbeat/threatqbeat/include"
	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
	"github.com/threatqbeat/threatqbeat/module/threatq/setup/estest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// kibanaDir holds the saved objects in libbeat's layout:
// <type>/<id>.json, one object per file.
const kibanaDir = "../_meta/kibana/7"

// healthDashboardID is the ingestion-health dashboard.
const healthDashboardID = "ti_threatq-threatqbeat-ingestion-health"

// transformDestinationFields are fields the latest transform's destination
// has beyond those of the source data stream (the destination pipeline
// sets labels.is_ioc_transform_source, which fields.yml declares too).
var transformDestinationFields = []string{"labels.is_ioc_transform_source"}

type savedObject struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"`
	Attributes map[string]any `json:"attributes"`
	References []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"references"`

	file string
}

// loadSavedObjects reads every file under kibanaDir, keyed by type/id.
func loadSavedObjects(t *testing.T) map[string]*savedObject {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(kibanaDir, "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	objs := map[string]*savedObject{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var o savedObject
		if err := json.Unmarshal(b, &o); err != nil {
			t.Fatalf("%s: not a JSON saved object: %v", f, err)
		}
		o.file = f
		if want := filepath.Base(filepath.Dir(f)); o.Type != want {
			t.Errorf("%s: type %q in directory %q", f, o.Type, want)
		}
		if want := strings.TrimSuffix(filepath.Base(f), ".json"); o.ID != want || !strings.HasSuffix(f, ".json") {
			t.Errorf("%s: id %q, want the file name %q.json", f, o.ID, want)
		}
		if title, _ := o.Attributes["title"].(string); title == "" {
			t.Errorf("%s: no attributes.title", f)
		}
		key := o.Type + "/" + o.ID
		if objs[key] != nil {
			t.Errorf("%s: duplicate id %s", f, key)
		}
		objs[key] = &o
	}
	if len(objs) == 0 {
		t.Fatalf("no saved objects under %s", kibanaDir)
	}
	return objs
}

func TestDashboardsAreValidSavedObjects(t *testing.T) {
	objs := loadSavedObjects(t)
	for _, typ := range []string{"dashboard", "visualization", "index-pattern"} {
		if !slices.ContainsFunc(mapsKeys(objs), func(k string) bool { return strings.HasPrefix(k, typ+"/") }) {
			t.Errorf("no %s saved object", typ)
		}
	}
	for key := range objs {
		if typ := strings.Split(key, "/")[0]; typ != "dashboard" && typ != "visualization" && typ != "index-pattern" {
			t.Errorf("%s: unexpected saved object type", key)
		}
	}

	// Ids: the overview is threat.feed.dashboard_id (Kibana's Intelligence
	// page links it); the health dashboard exists.
	overview := objs["dashboard/"+threat.FeedDashboardID]
	if overview == nil {
		t.Fatalf("no dashboard with id %s (threat.feed.dashboard_id)", threat.FeedDashboardID)
	}
	health := objs["dashboard/"+healthDashboardID]
	if health == nil {
		t.Fatalf("no dashboard with id %s", healthDashboardID)
	}

	// References resolve, panels and index references name a reference,
	// and nothing is left unreferenced.
	used := map[string]bool{}
	for key, o := range objs {
		names := map[string]bool{}
		for _, r := range o.References {
			names[r.Name] = true
			target := r.Type + "/" + r.ID
			if objs[target] == nil {
				t.Errorf("%s: reference %s (%s) does not resolve to a file", key, r.Name, target)
			}
			used[target] = true
		}
		if ref := searchSource(t, o)["indexRefName"]; ref != nil && !names[ref.(string)] {
			t.Errorf("%s: indexRefName %v has no reference", key, ref)
		}
		if o.Type == "dashboard" {
			panels, ok := o.Attributes["panelsJSON"].([]any)
			if !ok || len(panels) == 0 {
				t.Errorf("%s: panelsJSON is not a list of panels", key)
			}
			for _, p := range panels {
				name, _ := p.(map[string]any)["panelRefName"].(string)
				if !names[name] {
					t.Errorf("%s: panel %v has no reference", key, p)
				}
			}
		}
		if o.Type == "visualization" {
			vs, ok := o.Attributes["visState"].(map[string]any)
			if !ok || vs["type"] == nil {
				t.Errorf("%s: visState without a type", key)
			}
		}
	}
	for key := range objs {
		if !strings.HasPrefix(key, "dashboard/") && !used[key] {
			t.Errorf("%s is referenced by no dashboard", key)
		}
	}

	// Data views: the overview reads the latest alias (active indicators
	// only), the health view the source data streams.
	titles := map[string]string{}
	for key, o := range objs {
		if o.Type == "index-pattern" {
			titles[key] = o.Attributes["title"].(string)
		}
	}
	if got := dataViewsOf(objs, overview); !slices.Equal(got, []string{setup.Alias}) {
		t.Errorf("overview data views %v, want only the latest alias %s", got, setup.Alias)
	}
	if got := dataViewsOf(objs, health); !slices.Equal(got, []string{setup.TemplatePattern}) {
		t.Errorf("health data views %v, want %s", got, setup.TemplatePattern)
	}
	if q := searchSource(t, overview)["query"].(map[string]any)["query"]; q != `labels.is_ioc_transform_source : "false"` {
		t.Errorf("overview query %q does not keep to transform documents", q)
	}
	wantPanels := map[string]string{
		"threat.indicator.type": "type", "threat.indicator.confidence": "confidence",
		"threat.indicator.provider": "provider", "threat.indicator.marking.tlp": "TLP", "@timestamp": "over time",
	}
	overviewFields := fieldsOf(t, objs, overview)
	for f, what := range wantPanels {
		if !overviewFields[f] {
			t.Errorf("overview has no panel by %s (%s)", what, f)
		}
	}
	healthFields := fieldsOf(t, objs, health)
	for _, f := range []string{"event.created", "event.kind", "error.message"} {
		if !healthFields[f] {
			t.Errorf("health dashboard does not use %s", f)
		}
	}

	// Data views filter time on a date field; date histograms use one.
	fields, err := mapping.LoadFields([]byte(include.Fields))
	if err != nil {
		t.Fatal(err)
	}
	for key, o := range objs {
		var dates []string
		if tf, ok := o.Attributes["timeFieldName"].(string); ok {
			dates = append(dates, tf)
		}
		if vs, ok := o.Attributes["visState"].(map[string]any); ok {
			aggs, _ := vs["aggs"].([]any)
			for _, a := range aggs {
				if a.(map[string]any)["type"] == "date_histogram" {
					dates = append(dates, a.(map[string]any)["params"].(map[string]any)["field"].(string))
				}
			}
		}
		for _, f := range dates {
			if fd := fields.GetField(f); fd == nil || fd.Type != "date" {
				t.Errorf("%s: %s is used as a time field but is not a date in fields.yml", key, f)
			}
		}
	}

	// Every field is declared in fields.yml (or set by the transform).
	declared := declaredFields(t)
	for key, o := range objs {
		for f := range fieldsOf(t, objs, o) {
			if !declared[f] {
				t.Errorf("%s uses field %s, which include/fields.yml does not declare", key, f)
			}
		}
	}
}

func mapsKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func searchSource(t *testing.T, o *savedObject) map[string]any {
	t.Helper()
	meta, _ := o.Attributes["kibanaSavedObjectMeta"].(map[string]any)
	ss, _ := meta["searchSourceJSON"].(map[string]any)
	if ss == nil {
		return map[string]any{}
	}
	return ss
}

// dataViewsOf lists the titles of the data views a dashboard's panels read.
func dataViewsOf(objs map[string]*savedObject, d *savedObject) []string {
	set := map[string]bool{}
	for _, r := range d.References {
		for _, rr := range objs[r.Type+"/"+r.ID].References {
			if rr.Type == "index-pattern" {
				set[objs["index-pattern/"+rr.ID].Attributes["title"].(string)] = true
			}
		}
	}
	return mapsKeys(set)
}

// kqlField matches the field of a KQL clause: `field : value`.
var kqlField = regexp.MustCompile(`([@A-Za-z_][\w.@]*)\s*:`)

// fieldsOf collects the fields an object uses, with those of the objects it
// references: aggregation fields, KQL query fields, filter keys and data
// view time fields.
func fieldsOf(t *testing.T, objs map[string]*savedObject, o *savedObject) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	add := func(o *savedObject) {
		ss := searchSource(t, o)
		if q, ok := ss["query"].(map[string]any); ok {
			for _, m := range kqlField.FindAllStringSubmatch(fmt.Sprint(q["query"]), -1) {
				out[m[1]] = true
			}
		}
		if filters, ok := ss["filter"].([]any); ok {
			for _, f := range filters {
				if key, ok := f.(map[string]any)["meta"].(map[string]any)["key"].(string); ok {
					out[key] = true
				}
			}
		}
		if vs, ok := o.Attributes["visState"].(map[string]any); ok {
			aggs, _ := vs["aggs"].([]any)
			for _, a := range aggs {
				if f, ok := a.(map[string]any)["params"].(map[string]any)["field"].(string); ok {
					out[f] = true
				}
			}
		}
		if tf, ok := o.Attributes["timeFieldName"].(string); ok && tf != "" {
			out[tf] = true
		}
	}
	add(o)
	for _, r := range o.References {
		if ref := objs[r.Type+"/"+r.ID]; ref != nil {
			for f := range fieldsOf(t, objs, ref) {
				out[f] = true
			}
		}
	}
	return out
}

// declaredFields are the leaf fields of include/fields.yml plus the
// transform destination's.
func declaredFields(t *testing.T) map[string]bool {
	t.Helper()
	fields, err := mapping.LoadFields([]byte(include.Fields))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, k := range fields.GetKeys() {
		out[k] = true
	}
	for _, k := range transformDestinationFields {
		out[k] = true
	}
	return out
}

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

// TestSetupDashboardsImportsIntoKibana runs `setup --dashboards` against a
// Kibana double and checks that every saved object under _meta/kibana was
// imported, in the encoding Kibana's import API expects, and that
// Elasticsearch was left alone.
func TestSetupDashboardsImportsIntoKibana(t *testing.T) {
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
	out, err := b.command(timeout(t, 2*time.Minute), "setup", "--dashboards",
		"-E", "setup.kibana.host="+srv.URL, "-E", "setup.dashboards.directory="+dir).CombinedOutput()
	if err != nil {
		t.Fatalf("setup --dashboards: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Loaded dashboards") {
		t.Errorf("setup did not report the dashboards:\n%s", out)
	}
	if reqs := estest.Summary(es.Requests()); len(reqs) > 0 {
		t.Errorf("setup --dashboards sent requests to Elasticsearch: %v", reqs)
	}

	kb.mu.Lock()
	defer kb.mu.Unlock()
	if len(kb.bad) > 0 {
		t.Errorf("unexpected requests to Kibana: %v", kb.bad)
	}
	imported := map[string]map[string]any{}
	for _, o := range kb.imports {
		imported[fmt.Sprint(o["type"], "/", o["id"])] = o
	}
	for key := range loadSavedObjects(t) {
		o := imported[key]
		if o == nil {
			t.Errorf("%s was not imported; imported: %v", key, mapsKeys(imported))
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
	}
	if imported["dashboard/"+threat.FeedDashboardID] == nil || imported["dashboard/"+healthDashboardID] == nil {
		t.Errorf("dashboards missing from the import: %v", mapsKeys(imported))
	}
}
