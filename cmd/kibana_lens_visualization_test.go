package cmd_test

import (
	"fmt"
	"slices"
	"strings"
)

// checkVisualization checks that the visualization's accessors name
// columns of its layers: metrics where a metric goes, buckets where a
// bucket goes, and that every column is shown.
func (p lensPanel) checkVisualization(visType string, state map[string]any, layers []lensLayer) []error {
	var errs []error
	vis, _ := state["visualization"].(map[string]any)
	byID := map[string]lensLayer{}
	for _, l := range layers {
		byID[l.id] = l
	}
	shown := map[string]bool{}
	use := func(layerID string, accessor any, bucketed bool, role string) {
		l, ok := byID[fmt.Sprint(layerID)]
		if !ok {
			errs = append(errs, fmt.Errorf("panel %s: %s visualization names layer %v, which does not exist", p.index, visType, layerID))
			return
		}
		col := l.columns[fmt.Sprint(accessor)]
		if col == nil {
			errs = append(errs, fmt.Errorf("panel %s: %s %v names no column of layer %s", p.index, role, accessor, layerID))
			return
		}
		if b, _ := col["isBucketed"].(bool); b != bucketed {
			errs = append(errs, fmt.Errorf("panel %s: %s %v is bucketed=%v", p.index, role, accessor, b))
		}
		shown[layerID+"/"+fmt.Sprint(accessor)] = true
	}
	list := func(v any) []any { l, _ := v.([]any); return l }
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	switch visType {
	case "lnsMetric":
		use(str(vis, "layerId"), vis["metricAccessor"], false, "metricAccessor")
	case "lnsDatatable":
		for _, c := range list(vis["columns"]) {
			col, _ := c.(map[string]any)
			l := byID[str(vis, "layerId")]
			b, _ := l.columns[fmt.Sprint(col["columnId"])]["isBucketed"].(bool)
			use(str(vis, "layerId"), col["columnId"], b, "datatable column")
		}
	case "lnsXY":
		for _, raw := range list(vis["layers"]) {
			l, _ := raw.(map[string]any)
			if !slices.Contains([]string{"bar", "bar_stacked", "bar_horizontal", "bar_horizontal_stacked", "line", "area", "area_stacked"}, str(l, "seriesType")) {
				errs = append(errs, fmt.Errorf("panel %s: seriesType %v", p.index, l["seriesType"]))
			}
			use(str(l, "layerId"), l["xAccessor"], true, "xAccessor")
			if l["splitAccessor"] != nil {
				use(str(l, "layerId"), l["splitAccessor"], true, "splitAccessor")
			}
			for _, a := range list(l["accessors"]) {
				use(str(l, "layerId"), a, false, "accessor")
			}
		}
	case "lnsPie":
		if !slices.Contains([]string{"pie", "donut", "treemap", "mosaic", "waffle"}, str(vis, "shape")) {
			errs = append(errs, fmt.Errorf("panel %s: pie shape %v", p.index, vis["shape"]))
		}
		for _, raw := range list(vis["layers"]) {
			l, _ := raw.(map[string]any)
			for _, g := range list(l["primaryGroups"]) {
				use(str(l, "layerId"), g, true, "primaryGroups")
			}
			for _, m := range list(l["metrics"]) {
				use(str(l, "layerId"), m, false, "metrics")
			}
		}
	}
	for _, l := range layers {
		for _, id := range l.order {
			if !shown[l.id+"/"+id] {
				errs = append(errs, fmt.Errorf("panel %s: column %s of layer %s is not shown by the %s visualization", p.index, id, l.id, visType))
			}
		}
	}
	return errs
}

// kqlFields returns the fields a KQL query names (`field : value`).
func kqlFields(q string) []string {
	var out []string
	for _, m := range kqlField.FindAllStringSubmatch(q, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}
