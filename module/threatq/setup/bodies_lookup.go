package setup

import (
	"fmt"
	"strings"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// LookupAssets are the bodies of the ES|QL lookup index: its pipeline,
// template, index and transform.
type LookupAssets struct {
	// Pipeline is PUT /_ingest/pipeline/<LookupPipelineID>.
	Pipeline Body
	// Index is PUT /<LookupIndex>: index.mode lookup, and mappings for the
	// fields the pipeline keeps only (dynamic: false), so that a LOOKUP JOIN
	// adds those fields and nothing else.
	Index Body
	// Template is PUT /_index_template/<LookupTemplateName>: Index's
	// settings and mappings for the index's exact name, so that the
	// transform, should it have to create the index, creates a lookup index.
	Template Body
	// Transform is PUT /_transform/<LookupTransformID>.
	Transform Body
	// Version is the transform's _meta.version.
	Version string
	// Fields are the fields of a lookup document (the pipeline's
	// remove.keep), the join key LookupJoinKey first.
	Fields []string
}

// buildLookup reads the lookup transform and pipeline and derives the
// index's mappings from the destination's, which come from fields.yml, so
// every lookup field has the type it has in the source and the alias.
func buildLookup(destination Body) (*LookupAssets, error) {
	l := &LookupAssets{}
	var err error
	if l.Pipeline, err = yamlBody("transform/lookup_pipeline.yml", threat.LookupPipelineYAML()); err != nil {
		return nil, err
	}
	stamp(l.Pipeline)
	if l.Transform, err = yamlBody("transform/lookup.yml", threat.LookupTransformYAML()); err != nil {
		return nil, err
	}
	meta, _ := l.Transform["_meta"].(Body)
	if l.Version = scalar(meta["version"]); l.Version == "" {
		return nil, fmt.Errorf("transform/lookup.yml: _meta.version is missing")
	}
	if idx := scalar(lookupPath(l.Transform, "dest", "index")); idx != LookupIndex {
		return nil, fmt.Errorf("transform/lookup.yml: dest.index is %q, want %q", idx, LookupIndex)
	}
	if l.Fields, err = keptFields(l.Pipeline); err != nil {
		return nil, err
	}
	props := Body{}
	for _, f := range l.Fields {
		def, ok := mappingOf(destination, f)
		if !ok {
			return nil, fmt.Errorf("transform/lookup_pipeline.yml keeps %s, which fields.yml does not define", f)
		}
		if f == LookupJoinKey {
			// No ignore_above: a longer value (a long URL) would not be
			// indexed, and a join on it would never match.
			def = Body{"type": "keyword"}
		}
		putMapping(props, f, def)
	}
	l.Index = Body{
		"settings": Body{"index": Body{
			// One shard, which a lookup index must have (IndexMode.LOOKUP
			// refuses any other number_of_shards); Elasticsearch also
			// defaults it to auto_expand_replicas 0-all, a copy on every node.
			"mode":             "lookup",
			"number_of_shards": float64(1),
		}},
		"mappings": Body{
			"dynamic":    false,
			"_meta":      Body{"managed": true, "managed_by": ManagedBy},
			"properties": props,
		},
	}
	l.Template = Body{
		"index_patterns": []any{LookupIndex},
		"priority":       float64(DestinationTemplatePriority),
		"template":       Body{"settings": l.Index["settings"], "mappings": l.Index["mappings"]},
		"_meta": Body{"managed": true, "managed_by": ManagedBy,
			"description": "threatqbeat: the ES|QL lookup index " + LookupIndex + " (index.mode lookup)"},
	}
	if l.Template, err = normalize(l.Template); err != nil {
		return nil, err
	}
	stamp(l.Template)
	if l.Index, err = normalize(l.Index); err != nil {
		return nil, err
	}
	return l, nil
}

// keptFields returns the remove processor's keep list, the join key first.
func keptFields(pipeline Body) ([]string, error) {
	procs, _ := pipeline["processors"].([]any)
	for _, p := range procs {
		rm, _ := p.(Body)["remove"].(Body)
		keep := stringsOf(rm["keep"])
		if len(keep) == 0 {
			continue
		}
		if keep[0] != LookupJoinKey {
			return nil, fmt.Errorf("transform/lookup_pipeline.yml: remove.keep must start with the join key %s", LookupJoinKey)
		}
		return keep, nil
	}
	return nil, fmt.Errorf("transform/lookup_pipeline.yml: no remove processor with keep")
}

// mappingOf returns the mapping of a dotted field in an index body.
func mappingOf(index Body, field string) (Body, bool) {
	props, _ := lookupPath(index, "mappings", "properties").(Body)
	parts := strings.Split(field, ".")
	for i, p := range parts {
		def, _ := props[p].(Body)
		if def == nil {
			return nil, false
		}
		if i == len(parts)-1 {
			return def, true
		}
		props, _ = def["properties"].(Body)
	}
	return nil, false
}

// putMapping sets a dotted field's mapping in properties, creating the
// objects on its path.
func putMapping(props Body, field string, def Body) {
	parts := strings.Split(field, ".")
	for _, p := range parts[:len(parts)-1] {
		obj, _ := props[p].(Body)
		if obj == nil {
			obj = Body{"properties": Body{}}
			props[p] = obj
		}
		props = obj["properties"].(Body)
	}
	props[parts[len(parts)-1]] = def
}

// lookupPath follows object members through a body.
func lookupPath(b Body, keys ...string) any {
	var v any = b
	for _, k := range keys {
		m, _ := v.(Body)
		v = m[k]
	}
	return v
}

func stringsOf(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
