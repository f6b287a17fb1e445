package cmd_test

import (
	"fmt"
	"slices"
)

// Lens panels are checked against the shape Kibana persists and reads back
// (x-pack/plugins/lens: the formBased datasource's layers and columns, the
// operation definitions' field requirements; the Lens embeddable's
// inject/extract of references) and the dashboard's reference handling
// (src/plugins/dashboard: a by-value panel's references are the
// dashboard's references named "<panelIndex>:<name>").

// lensVisualizations are the Lens visualization types the dashboards use
// and this check understands.
var lensVisualizations = []string{"lnsMetric", "lnsXY", "lnsPie", "lnsDatatable"}

// lensOperation says which fields a Lens operation accepts (Kibana's
// getPossibleOperationForField): every field-based operation needs an
// aggregatable field, of one of kinds (Kibana types); bucketed operations
// split the data.
type lensOperation struct {
	kinds    []string
	bucketed bool
}

var lensOperations = map[string]lensOperation{
	"count":          {kinds: []string{"string", "number", "date", "ip", "boolean"}},
	"terms":          {kinds: []string{"string", "number", "ip", "boolean", "date"}, bucketed: true},
	"date_histogram": {kinds: []string{"date"}, bucketed: true},
	"max":            {kinds: []string{"number", "date"}},
	"min":            {kinds: []string{"number", "date"}},
	"unique_count":   {kinds: []string{"string", "number", "date", "ip", "boolean"}},
	"sum":            {kinds: []string{"number"}},
	"average":        {kinds: []string{"number"}},
	"median":         {kinds: []string{"number"}},
}

// recordsField is the pseudo-field of Lens's "Count of records".
const recordsField = "___records___"

// lensPanel is what a by-value Lens panel of a dashboard's panelsJSON needs
// to be checked: its attributes and the dashboard's references.
type lensPanel struct {
	index      string           // panelIndex
	attributes map[string]any   // embeddableConfig.attributes
	dashRefs   []map[string]any // the dashboard's references
}

// lensLayer is one layer of the formBased datasource.
type lensLayer struct {
	id      string
	columns map[string]map[string]any
	order   []string
}

// check validates the panel and returns the fields it uses (with the data
// view each is read from) and one error per problem. dataViews maps the ids
// of the data views under _meta/kibana to their titles.
func (p lensPanel) check(fields map[string]templateField, dataViews map[string]bool) (used []string, errs []error) {
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("panel %s: "+format, append([]any{p.index}, args...)...))
	}
	a := p.attributes
	if a["type"] != "lens" {
		fail("attributes.type %v, want lens", a["type"])
	}
	if t, _ := a["title"].(string); t == "" {
		fail("no title")
	}
	visType, _ := a["visualizationType"].(string)
	if !slices.Contains(lensVisualizations, visType) {
		fail("visualizationType %q is not one of %v", visType, lensVisualizations)
	}
	state, _ := a["state"].(map[string]any)
	if state == nil {
		return nil, append(errs, fmt.Errorf("panel %s: attributes.state is not an object", p.index))
	}
	if m, _ := state["adHocDataViews"].(map[string]any); len(m) > 0 {
		fail("ad hoc data views; the panels read the data views under _meta/kibana")
	}
	layers := p.layers(state, fail)
	if len(layers) == 0 {
		fail("no formBased layer")
	}

	// References: one per layer, in the attributes and, prefixed with the
	// panel index, in the dashboard's references.
	refs, _ := a["references"].([]any)
	names := map[string]map[string]any{}
	for _, r := range refs {
		ref, _ := r.(map[string]any)
		names[fmt.Sprint(ref["name"])] = ref
	}
	for _, l := range layers {
		name := "indexpattern-datasource-layer-" + l.id
		ref := names[name]
		if ref == nil {
			fail("layer %s has no reference %s", l.id, name)
			continue
		}
		delete(names, name)
		if ref["type"] != "index-pattern" || !dataViews[fmt.Sprint(ref["id"])] {
			fail("layer %s reads %v %v, not a data view under _meta/kibana", l.id, ref["type"], ref["id"])
		}
		if !slices.ContainsFunc(p.dashRefs, func(d map[string]any) bool {
			return d["name"] == p.index+":"+name && d["id"] == ref["id"] && d["type"] == ref["type"]
		}) {
			fail("the dashboard has no reference %s:%s to %v", p.index, name, ref["id"])
		}
	}
	for name := range names {
		fail("reference %s names no layer", name)
	}

	// Columns: operations on fields of the template that support them.
	for _, l := range layers {
		for _, id := range l.order {
			col := l.columns[id]
			op, _ := col["operationType"].(string)
			def, known := lensOperations[op]
			if !known {
				fail("column %s: operationType %q is not one this check knows", id, op)
				continue
			}
			if b, _ := col["isBucketed"].(bool); b != def.bucketed {
				fail("column %s: isBucketed %v for %s", id, b, op)
			}
			if lbl, _ := col["label"].(string); lbl == "" {
				fail("column %s: no label", id)
			}
			src, _ := col["sourceField"].(string)
			if op == "count" && src == recordsField {
				continue
			}
			used = append(used, src)
			f, declared := fields[src]
			switch {
			case !declared:
				fail("column %s: %s of %s, which the index template does not map", id, op, src)
			case !f.aggregatable():
				fail("column %s: %s of %s, a %s field, which is not aggregatable", id, op, src, f.Type)
			case !slices.Contains(def.kinds, f.kibanaType()):
				fail("column %s: %s of %s, a %s field; %s takes %v", id, op, src, f.Type, op, def.kinds)
			case op != "count" && col["dataType"] != f.kibanaType():
				fail("column %s: dataType %v, the field %s is %s", id, col["dataType"], src, f.kibanaType())
			}
			if params, _ := col["params"].(map[string]any); params != nil {
				if ob, _ := params["orderBy"].(map[string]any); ob != nil && ob["type"] == "column" {
					if _, ok := l.columns[fmt.Sprint(ob["columnId"])]; !ok {
						fail("column %s: ordered by column %v, which the layer lacks", id, ob["columnId"])
					}
				}
			}
		}
	}
	if q, ok := state["query"].(map[string]any); ok {
		used = append(used, kqlFields(fmt.Sprint(q["query"]))...)
	}
	errs = append(errs, p.checkVisualization(visType, state, layers)...)
	return used, errs
}

// layers reads state.datasourceStates.formBased.layers and checks that each
// layer's columnOrder lists exactly its columns.
func (p lensPanel) layers(state map[string]any, fail func(string, ...any)) []lensLayer {
	ds, _ := state["datasourceStates"].(map[string]any)
	fb, _ := ds["formBased"].(map[string]any)
	raw, _ := fb["layers"].(map[string]any)
	var out []lensLayer
	for _, id := range mapsKeys(raw) {
		l, _ := raw[id].(map[string]any)
		cols, _ := l["columns"].(map[string]any)
		layer := lensLayer{id: id, columns: map[string]map[string]any{}}
		for cid, c := range cols {
			layer.columns[cid], _ = c.(map[string]any)
		}
		order, _ := l["columnOrder"].([]any)
		for _, c := range order {
			layer.order = append(layer.order, fmt.Sprint(c))
		}
		if got, want := slices.Sorted(slices.Values(layer.order)), mapsKeys(layer.columns); !slices.Equal(got, want) || len(want) == 0 {
			fail("layer %s: columnOrder %v does not list its columns %v", id, layer.order, want)
		}
		out = append(out, layer)
	}
	return out
}
