package setup

import (
	"fmt"
	"maps"

	"github.com/elastic/beats/v7/libbeat/template"
	"github.com/elastic/elastic-agent-libs/logp"
)

// destinationIndex is the transform destination: the source's mappings
// (same fields.yml, so field types never conflict under logs-ti_*) with
// data_stream.namespace as keyword, because the destination mixes every
// namespace and a constant_keyword would reject the second one.
func destinationIndex(opts Options, env Env, log *logp.Logger) (Body, error) {
	index := maps.Clone(opts.IndexSettings)
	delete(index, "default_pipeline")
	delete(index, "final_pipeline")
	delete(index, "lifecycle")
	delete(index, "mode") // the source's index mode; the destination is a plain (standard) index
	cfg := template.TemplateConfig{
		Enabled: true, Name: TemplateName, Pattern: TemplatePattern, Priority: opts.Priority,
		AppendFields: opts.AppendFields,
		Settings:     template.TemplateSettings{Index: index, Source: opts.SourceSettings},
	}
	tmpl, err := generate(cfg, env, log)
	if err != nil {
		return nil, err
	}
	inner, _ := tmpl["template"].(Body)
	settings, _ := inner["settings"].(Body)
	mappings, _ := inner["mappings"].(Body)
	props, _ := mappings["properties"].(Body)
	if settings == nil || props == nil {
		return nil, fmt.Errorf("build transform destination: generated template has no settings or mappings")
	}
	ds, _ := props["data_stream"].(Body)
	dsProps, _ := ds["properties"].(Body)
	if dsProps == nil {
		return nil, fmt.Errorf("build transform destination: fields.yml defines no data_stream fields")
	}
	dsProps["namespace"] = Body{"type": "keyword", "ignore_above": 1024}
	meta, _ := mappings["_meta"].(Body)
	if meta == nil {
		meta = Body{}
		mappings["_meta"] = meta
	}
	meta["managed"], meta["managed_by"] = true, ManagedBy
	return normalize(Body{"settings": settings, "mappings": mappings})
}

// destinationTemplate is the non-data-stream index template of the
// destination of a.TransformVersion. On a default cluster the destination's
// name matches the built-in logs template (logs-*-*, priority 100), which
// creates data streams only, and Elasticsearch refuses a plain index whose
// winning template creates data streams
// (MetadataCreateIndexService.applyCreateIndexRequestWithV2Template).
// Fleet installs such a template for the Elastic integration's
// destination; this one also carries the destination's settings and
// mappings. Its pattern follows the transform version: an upgrade updates
// the template before the new destination is created.
func destinationTemplate(a *Assets) Body {
	inner := Body{}
	for k, v := range a.Destination {
		inner[k] = v
	}
	body := Body{
		"index_patterns": []any{Destination(a.TransformVersion)},
		"priority":       float64(DestinationTemplatePriority),
		"template":       inner,
		"_meta": Body{"managed": true, "managed_by": ManagedBy,
			"description": "threatqbeat: the latest transform's destination " + Destination(a.TransformVersion) + ", a plain index (not a data stream)"},
	}
	stamp(body)
	return body
}

// transformVersion reads _meta.version and checks that dest.index is the
// destination of that version.
func transformVersion(t Body) (string, error) {
	meta, _ := t["_meta"].(Body)
	v := scalar(meta["version"])
	if v == "" {
		return "", fmt.Errorf("transform/latest.yml: _meta.version is missing")
	}
	dest, _ := t["dest"].(Body)
	if idx, _ := dest["index"].(string); idx != Destination(v) {
		return "", fmt.Errorf("transform/latest.yml: dest.index is %q but _meta.version %s needs %q", idx, v, Destination(v))
	}
	return v, nil
}
