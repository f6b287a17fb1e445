package cmd_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dashboardView is what checking one dashboard found: the fields it uses
// and the data views its panels read.
type dashboardView struct {
	fields    map[string]bool
	dataViews map[string]bool // ids
}

// checkDashboard validates a dashboard's panels and references.
func checkDashboard(t *testing.T, objs map[string]*savedObject, fields map[string]templateField, d *savedObject) dashboardView {
	t.Helper()
	view := dashboardView{fields: map[string]bool{}, dataViews: map[string]bool{}}
	isDataView := map[string]bool{}
	for key, o := range objs {
		if o.Type == "index-pattern" {
			isDataView[strings.TrimPrefix(key, "index-pattern/")] = true
		}
	}
	used := map[string]bool{} // reference names
	refByName := map[string]map[string]any{}
	for _, r := range d.References {
		refByName[fmt.Sprint(r["name"])] = r
	}
	ss := searchSource(d)
	if q, ok := ss["query"].(map[string]any); ok {
		for _, f := range kqlFields(fmt.Sprint(q["query"])) {
			view.fields[f] = true
		}
	}
	panels := panelsOf(d)
	if len(panels) == 0 {
		t.Errorf("%s: panelsJSON is not a list of panels", d.ID)
	}
	indexes := map[string]bool{}
	for _, p := range panels {
		idx, _ := p["panelIndex"].(string)
		grid, _ := p["gridData"].(map[string]any)
		if idx == "" || indexes[idx] || grid["i"] != idx {
			t.Errorf("%s: panel %q: panelIndex empty, repeated or not gridData.i (%v)", d.ID, idx, grid["i"])
		}
		indexes[idx] = true
		cfg, _ := p["embeddableConfig"].(map[string]any)
		switch p["type"] {
		case "lens":
			attrs, _ := cfg["attributes"].(map[string]any)
			if p["panelRefName"] != nil || attrs == nil {
				t.Errorf("%s: Lens panel %s is not by value (embeddableConfig.attributes)", d.ID, idx)
				continue
			}
			lp := lensPanel{index: idx, attributes: attrs, dashRefs: d.References}
			fs, errs := lp.check(fields, isDataView)
			for _, err := range errs {
				t.Errorf("%s: %v", d.ID, err)
			}
			for _, f := range fs {
				view.fields[f] = true
			}
			refs, _ := attrs["references"].([]any)
			for _, r := range refs {
				ref, _ := r.(map[string]any)
				used[idx+":"+fmt.Sprint(ref["name"])] = true
				view.dataViews[fmt.Sprint(ref["id"])] = true
			}
		case "visualization":
			// Only text: a by-value markdown panel, no aggregation.
			vis, _ := cfg["savedVis"].(map[string]any)
			data, _ := vis["data"].(map[string]any)
			aggs, _ := data["aggs"].([]any)
			if vis["type"] != "markdown" || p["panelRefName"] != nil || len(aggs) > 0 {
				t.Errorf("%s: panel %s is a legacy visualization (%v); use Lens", d.ID, idx, vis["type"])
				continue
			}
			params, _ := vis["params"].(map[string]any)
			for _, m := range regexp.MustCompile(`#/view/([\w-]+)`).FindAllStringSubmatch(fmt.Sprint(params["markdown"]), -1) {
				if objs["dashboard/"+m[1]] == nil {
					t.Errorf("%s: panel %s links dashboard %s, which is not shipped", d.ID, idx, m[1])
				}
			}
		case "search":
			name, _ := p["panelRefName"].(string)
			ref := refByName[name]
			if ref == nil || ref["type"] != "search" || objs["search/"+fmt.Sprint(ref["id"])] == nil {
				t.Errorf("%s: search panel %s: reference %q does not resolve to a saved search", d.ID, idx, name)
				continue
			}
			used[name] = true
			s := objs["search/"+fmt.Sprint(ref["id"])]
			for f := range checkSearch(t, s, fields) {
				view.fields[f] = true
			}
			for _, r := range s.References {
				view.dataViews[fmt.Sprint(r["id"])] = true
			}
		default:
			t.Errorf("%s: panel %s has type %v", d.ID, idx, p["type"])
		}
	}
	for _, r := range d.References {
		name := fmt.Sprint(r["name"])
		if !used[name] {
			t.Errorf("%s: reference %s (%v %v) is used by no panel", d.ID, name, r["type"], r["id"])
		}
		if r["type"] != "tag" && objs[fmt.Sprint(r["type"], "/", r["id"])] == nil {
			t.Errorf("%s: reference %s to %v/%v does not resolve to a file", d.ID, name, r["type"], r["id"])
		}
	}
	return view
}

// checkSearch validates a saved search: its data view reference, and the
// fields it shows (any declared field), sorts on (aggregatable) and
// queries. It returns those fields.
func checkSearch(t *testing.T, s *savedObject, fields map[string]templateField) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	ss := searchSource(s)
	ref := ss["indexRefName"]
	if !slices.ContainsFunc(s.References, func(r map[string]any) bool { return r["name"] == ref && r["type"] == "index-pattern" }) {
		t.Errorf("search %s: indexRefName %v has no data view reference", s.ID, ref)
	}
	cols, _ := s.Attributes["columns"].([]any)
	for _, c := range cols {
		out[fmt.Sprint(c)] = true
	}
	sorts, _ := s.Attributes["sort"].([]any)
	for _, raw := range sorts {
		pair, _ := raw.([]any)
		if len(pair) != 2 || (pair[1] != "asc" && pair[1] != "desc") {
			t.Errorf("search %s: sort %v is not [field, asc|desc]", s.ID, raw)
			continue
		}
		f := fmt.Sprint(pair[0])
		out[f] = true
		if !fields[f].aggregatable() {
			t.Errorf("search %s: sorts on %s, which is not sortable (%s)", s.ID, f, fields[f].Type)
		}
	}
	if q, ok := ss["query"].(map[string]any); ok {
		for _, f := range kqlFields(fmt.Sprint(q["query"])) {
			out[f] = true
		}
	}
	return out
}
