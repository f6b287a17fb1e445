package cmd_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// kibanaDir holds the saved objects in libbeat's layout:
// <type>/<id>.json, one object per file.
const kibanaDir = "../_meta/kibana/7"

// healthDashboardID is the ingestion-health dashboard.
const healthDashboardID = "ti_threatq-threatqbeat-ingestion-health"

// savedObjectTypes are the types shipped: dashboards whose panels are Lens
// visualizations by value (no aggregation-based "visualization" objects),
// their data views, and a saved search for what cannot be aggregated.
var savedObjectTypes = []string{"dashboard", "index-pattern", "search"}

// transformDestinationFields are fields the latest transform's destination
// has beyond those of the source data stream (the destination pipeline
// sets labels.is_ioc_transform_source, which fields.yml declares too).
var transformDestinationFields = []string{"labels.is_ioc_transform_source"}

type savedObject struct {
	ID         string           `json:"id"`
	Type       string           `json:"type"`
	Attributes map[string]any   `json:"attributes"`
	References []map[string]any `json:"references"`

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

func mapsKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func searchSource(o *savedObject) map[string]any {
	meta, _ := o.Attributes["kibanaSavedObjectMeta"].(map[string]any)
	ss, _ := meta["searchSourceJSON"].(map[string]any)
	if ss == nil {
		return map[string]any{}
	}
	return ss
}

// panelsOf returns a dashboard's panels.
func panelsOf(o *savedObject) []map[string]any {
	raw, _ := o.Attributes["panelsJSON"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, p := range raw {
		m, _ := p.(map[string]any)
		out = append(out, m)
	}
	return out
}

// kqlField matches the field of a KQL clause: `field : value`.
var kqlField = regexp.MustCompile(`([@A-Za-z_][\w.@]*)\s*:`)

func TestDashboardsAreValidSavedObjects(t *testing.T) {
	objs := loadSavedObjects(t)
	fields := templateFields(t)
	for key := range objs {
		if typ := strings.Split(key, "/")[0]; !slices.Contains(savedObjectTypes, typ) {
			t.Errorf("%s: saved object type %s; ship %v only (panels are Lens by value)", key, typ, savedObjectTypes)
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

	views := map[string]dashboardView{}
	referenced := map[string]bool{}
	for _, o := range objs {
		if o.Type != "dashboard" {
			continue
		}
		views[o.ID] = checkDashboard(t, objs, fields, o)
		for _, r := range o.References {
			referenced[fmt.Sprint(r["type"], "/", r["id"])] = true
		}
	}
	for key, o := range objs {
		if o.Type == "search" && !referenced[key] {
			t.Errorf("%s is used by no dashboard", key)
		}
	}

	// Data views: the overview reads the latest alias (active indicators
	// only), the health view the source data streams.
	titles := func(ids map[string]bool) []string {
		var out []string
		for id := range ids {
			dv := objs["index-pattern/"+id]
			if dv == nil {
				out = append(out, "missing:"+id)
				continue
			}
			out = append(out, dv.Attributes["title"].(string))
		}
		sort.Strings(out)
		return out
	}
	if got := titles(views[overview.ID].dataViews); !slices.Equal(got, []string{setup.Alias}) {
		t.Errorf("overview data views %v, want only the latest alias %s", got, setup.Alias)
	}
	if got := titles(views[health.ID].dataViews); !slices.Equal(got, []string{setup.TemplatePattern}) {
		t.Errorf("health data views %v, want %s", got, setup.TemplatePattern)
	}
	for key, o := range objs {
		if o.Type == "index-pattern" && !views[overview.ID].dataViews[o.ID] && !views[health.ID].dataViews[o.ID] {
			t.Errorf("%s is read by no panel", key)
		}
	}
	if q := searchSource(overview)["query"].(map[string]any)["query"]; q != `labels.is_ioc_transform_source : "false"` {
		t.Errorf("overview query %q does not keep to transform documents", q)
	}
	wantPanels := map[string]string{
		"threat.indicator.type": "type", "threat.indicator.confidence": "confidence",
		"threat.indicator.provider": "provider", "threat.indicator.marking.tlp": "TLP", "@timestamp": "over time",
	}
	for f, what := range wantPanels {
		if !views[overview.ID].fields[f] {
			t.Errorf("overview has no panel by %s (%s)", what, f)
		}
	}
	for _, f := range []string{"event.created", "event.kind", "error.message"} {
		if !views[health.ID].fields[f] {
			t.Errorf("health dashboard does not use %s", f)
		}
	}

	// Data views filter time on a date field; every field used is mapped.
	for key, o := range objs {
		if tf, ok := o.Attributes["timeFieldName"].(string); ok && fields[tf].Type != "date" {
			t.Errorf("%s: time field %s is not a date in fields.yml", key, tf)
		}
	}
	for id, v := range views {
		for f := range v.fields {
			if _, ok := fields[f]; !ok {
				t.Errorf("dashboard %s uses field %s, which include/fields.yml does not declare", id, f)
			}
		}
	}
}
