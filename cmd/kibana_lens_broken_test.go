package cmd_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// TestLensCheckCatchesBrokenPanels shows the Lens check failing on
// deliberately broken copies of a shipped panel: the overview's indicators
// over time by type (a date histogram, a terms split and a count).
func TestLensCheckCatchesBrokenPanels(t *testing.T) {
	objs := loadSavedObjects(t)
	fields := templateFields(t)
	dataViews := map[string]bool{}
	for _, o := range objs {
		if o.Type == "index-pattern" {
			dataViews[o.ID] = true
		}
	}
	overview := objs["dashboard/"+threat.FeedDashboardID]
	if overview == nil {
		t.Fatal("no overview dashboard")
	}
	var base map[string]any
	for _, p := range panelsOf(overview) {
		if p["panelIndex"] == "over-time" {
			base = p
		}
	}
	if base == nil {
		t.Fatal("no over-time panel on the overview")
	}
	panel := func(mutate func(attrs, columns map[string]any, refs *[]map[string]any)) lensPanel {
		var p map[string]any
		b, _ := json.Marshal(base)
		_ = json.Unmarshal(b, &p)
		var refs []map[string]any
		b, _ = json.Marshal(overview.References)
		_ = json.Unmarshal(b, &refs)
		attrs := p["embeddableConfig"].(map[string]any)["attributes"].(map[string]any)
		layer := attrs["state"].(map[string]any)["datasourceStates"].(map[string]any)["formBased"].(map[string]any)["layers"].(map[string]any)["layer1"].(map[string]any)
		mutate(attrs, layer["columns"].(map[string]any), &refs)
		return lensPanel{index: "over-time", attributes: attrs, dashRefs: refs}
	}
	col := func(columns map[string]any, id string) map[string]any { return columns[id].(map[string]any) }
	if _, errs := panel(func(map[string]any, map[string]any, *[]map[string]any) {}).check(fields, dataViews); len(errs) > 0 {
		t.Fatalf("the unbroken panel fails: %v", errs)
	}
	cases := []struct {
		name   string
		mutate func(attrs, columns map[string]any, refs *[]map[string]any)
		want   string
	}{
		{"terms on match_only_text", func(_, c map[string]any, _ *[]map[string]any) { col(c, "split")["sourceField"] = "error.message" },
			"terms of error.message, a match_only_text field, which is not aggregatable"},
		{"terms on a field without doc values", func(_, c map[string]any, _ *[]map[string]any) { col(c, "split")["sourceField"] = "event.original" },
			"terms of event.original, a keyword field, which is not aggregatable"},
		{"field the template lacks", func(_, c map[string]any, _ *[]map[string]any) { col(c, "split")["sourceField"] = "threatq.nope" },
			"terms of threatq.nope, which the index template does not map"},
		{"date histogram on a keyword", func(_, c map[string]any, _ *[]map[string]any) {
			col(c, "time")["sourceField"] = "threat.indicator.type"
		},
			"date_histogram of threat.indicator.type, a keyword field"},
		{"dataType that is not the field's", func(_, c map[string]any, _ *[]map[string]any) { col(c, "split")["dataType"] = "number" },
			"dataType number, the field threat.indicator.type is string"},
		{"operation unknown", func(_, c map[string]any, _ *[]map[string]any) { col(c, "count")["operationType"] = "formula" },
			`operationType "formula" is not one this check knows`},
		{"order by a missing column", func(_, c map[string]any, _ *[]map[string]any) {
			col(c, "split")["params"].(map[string]any)["orderBy"].(map[string]any)["columnId"] = "gone"
		}, "ordered by column gone"},
		{"column not in columnOrder", func(_, c map[string]any, _ *[]map[string]any) { c["extra"] = col(c, "count") },
			"columnOrder [split time count] does not list its columns"},
		{"accessor naming no column", func(a, _ map[string]any, _ *[]map[string]any) {
			visLayers(a)[0]["xAccessor"] = "gone"
		}, "xAccessor gone names no column"},
		{"legacy visualization type", func(a, _ map[string]any, _ *[]map[string]any) { a["visualizationType"] = "histogram" },
			`visualizationType "histogram"`},
		{"layer reference missing", func(a, _ map[string]any, _ *[]map[string]any) { a["references"] = []any{} },
			"layer layer1 has no reference indexpattern-datasource-layer-layer1"},
		{"data view that is not shipped", func(a, _ map[string]any, _ *[]map[string]any) {
			a["references"].([]any)[0].(map[string]any)["id"] = "threatqbeat-*"
		}, "not a data view under _meta/kibana"},
		{"dashboard reference missing", func(_, _ map[string]any, refs *[]map[string]any) {
			var kept []map[string]any
			for _, r := range *refs {
				if !strings.HasPrefix(fmt.Sprint(r["name"]), "over-time:") {
					kept = append(kept, r)
				}
			}
			*refs = kept
		}, "the dashboard has no reference over-time:indexpattern-datasource-layer-layer1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errs := panel(c.mutate).check(fields, dataViews)
			for _, err := range errs {
				if strings.Contains(err.Error(), c.want) {
					return
				}
			}
			t.Errorf("want an error containing %q, got %v", c.want, errs)
		})
	}
}

// visLayers returns the layers of an lnsXY visualization.
func visLayers(attrs map[string]any) []map[string]any {
	raw := attrs["state"].(map[string]any)["visualization"].(map[string]any)["layers"].([]any)
	out := make([]map[string]any, len(raw))
	for i, l := range raw {
		out[i] = l.(map[string]any)
	}
	return out
}
