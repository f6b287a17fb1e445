package fieldsgen

import (
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/threatqbeat/threatqbeat/include/fieldsgen/ecs"
)

// ecsSection builds the `- key: ecs` section of fields.yml from the ECS
// definitions the way ECS's own Beats generator lays it out: the base
// fields first, then one group per top-level field set, each field named
// relative to its group and sorted, so a parent (threat.enrichments)
// always comes before its members. overrides replace the generated entry
// of an ECS field (see applyOverride).
func ecsSection(s *ecs.Schema, overrides map[string]*yaml.Node) *yaml.Node {
	groups := map[string][]string{}
	var base []string
	for _, name := range s.Names() {
		top, _, found := strings.Cut(name, ".")
		if !found {
			base = append(base, name)
			continue
		}
		groups[top] = append(groups[top], name)
	}
	var fields []*yaml.Node
	for _, name := range base {
		fields = append(fields, ecsEntry(s, name, name, overrides[name]))
	}
	tops := make([]string, 0, len(groups))
	for top := range groups {
		tops = append(tops, top)
	}
	sort.Strings(tops)
	for _, top := range tops {
		var members []*yaml.Node
		for _, name := range groups[top] {
			members = append(members, ecsEntry(s, name, strings.TrimPrefix(name, top+"."), overrides[name]))
		}
		fields = append(fields, mapping("name", top, "type", "group", "fields", sequence(members...)))
	}
	return mapping(
		"key", "ecs",
		"title", "ECS",
		"description", "Elastic Common Schema "+ecs.Version+" fields, generated from include/fieldsgen/ecs.",
		"fields", sequence(fields...),
	)
}

// ecsEntry is the fields.yml entry of one ECS field: its mapping
// parameters, multi-fields and short description.
func ecsEntry(s *ecs.Schema, flat, name string, override *yaml.Node) *yaml.Node {
	f := s.Fields[flat]
	ignoreAbove := f.IgnoreAbove
	if f.Type == "keyword" && ignoreAbove == 0 {
		// libbeat sets ignore_above 1024 on a keyword that does not say;
		// -1 keeps Elasticsearch's default, as ECS maps it.
		ignoreAbove = -1
	}
	def := s.DefaultFields[flat]
	var multi []*yaml.Node
	for _, mf := range f.MultiFields {
		var mfDefault *bool
		if def && !s.DefaultFields[mf.FlatName] {
			no := false
			mfDefault = &no
		}
		multi = append(multi, mapping("name", mf.Name, "type", mf.Type, "default_field", mfDefault))
	}
	var multiNode *yaml.Node
	if len(multi) > 0 {
		multiNode = sequence(multi...)
	}
	var defNode *bool
	if def {
		defNode = &def
	}
	e := mapping(
		"name", name,
		"type", f.Type,
		"object_type", f.ObjectType,
		"scaling_factor", f.ScalingFactor,
		"ignore_above", ignoreAbove,
		"index", f.Index,
		"doc_values", f.DocValues,
		"format", f.Format,
		"pattern", f.Pattern,
		"input_format", f.InputFormat,
		"output_format", f.OutputFormat,
		"output_precision", f.OutputPrecision,
		"multi_fields", multiNode,
		"default_field", defNode,
		"description", f.Short,
	)
	if override != nil {
		applyOverride(e, override)
	}
	return e
}

// applyOverride lays a project entry (`overwrite: true`) over a generated
// ECS entry: its keys replace ECS's, except name and overwrite; ECS's
// multi-fields stay unless the project lists its own. A type change drops
// ignore_above when the new type has none (constant_keyword).
func applyOverride(e, override *yaml.Node) {
	for i := 0; i+1 < len(override.Content); i += 2 {
		k, v := override.Content[i].Value, override.Content[i+1]
		switch k {
		case "name", "overwrite":
			continue
		case "type":
			if v.Value != "keyword" && v.Value != "wildcard" {
				del(e, "ignore_above")
			}
		}
		set(e, k, v)
	}
}
