package setup

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/elastic/beats/v7/libbeat/template"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/version"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// RetentionDays is how long the source data stream keeps documents: the
// latest transform has long copied them by then, and the source holds a
// duplicate of every indicator per sync, so it must not grow unbounded.
const RetentionDays = 5

// Body is a JSON object as sent to (and returned by) Elasticsearch.
type Body = map[string]any

// Env is what the bodies depend on besides Options: the beat and the
// cluster they are built for.
type Env struct {
	// Fields is the beat's fields.yml (beat.Beat.Fields, include.Fields).
	Fields []byte
	// BeatVersion is the instance version (libbeat's, e.g. 9.4.0).
	BeatVersion string
	// ESVersion is the cluster's version; empty means BeatVersion (export).
	ESVersion string
	// Serverless is true for a Serverless project.
	Serverless bool
	// ElasticLicensed allows the wildcard and match_only_text types.
	ElasticLicensed bool
}

// Assets are the request bodies of everything setup installs. Build makes
// them without Elasticsearch, so export and tests need none.
type Assets struct {
	// Lifecycle is the effective lifecycle the bodies were built for.
	Lifecycle Lifecycle
	// Policy is PUT /_ilm/policy/<PolicyName>; nil unless LifecycleILM.
	Policy Body
	// DataStreamLifecycle is the template's lifecycle (PUT
	// /_data_stream/<name>/_lifecycle for an existing data stream); nil
	// unless LifecycleDSL.
	DataStreamLifecycle Body
	// Template is PUT /_index_template/<TemplateName>.
	Template Body
	// Pipeline is PUT /_ingest/pipeline/<PipelineID>.
	Pipeline Body
	// DestinationPipeline is PUT /_ingest/pipeline/<DestinationPipelineID>.
	DestinationPipeline Body
	// Destination is PUT /<Destination(TransformVersion)> without aliases.
	Destination Body
	// DestinationTemplate is PUT /_index_template/<DestinationTemplateName>:
	// the destination's settings and mappings for its exact name, so that
	// the destination is a plain index however it is created (by setup or
	// by the transform itself).
	DestinationTemplate Body
	// Transform is PUT /_transform/<TransformID>.
	Transform Body
	// TransformVersion is the transform's _meta.version.
	TransformVersion string
	// Lookup are the bodies of the ES|QL lookup index (setup
	// --lookup-index, setup.lookup_index.enabled).
	Lookup *LookupAssets
}

// Build returns the bodies for opts and env. It reads opts.PolicyFile, if
// set, and nothing else.
func Build(opts Options, env Env, log *logp.Logger) (*Assets, error) {
	if log == nil {
		log = logp.NewNopLogger()
	}
	lc, err := opts.Effective(env.Serverless)
	if err != nil {
		return nil, err
	}
	a := &Assets{Lifecycle: lc}
	switch lc {
	case LifecycleILM:
		if a.Policy, err = ilmPolicy(opts.PolicyFile); err != nil {
			return nil, err
		}
	case LifecycleDSL:
		if a.DataStreamLifecycle, err = dataStreamLifecycle(opts.PolicyFile); err != nil {
			return nil, err
		}
	}
	if a.Pipeline, err = yamlBody("ingest/pipeline.yml", threat.PipelineYAML()); err != nil {
		return nil, err
	}
	stamp(a.Pipeline)
	if a.DestinationPipeline, err = yamlBody("transform/pipeline.yml", threat.DestinationPipelineYAML()); err != nil {
		return nil, err
	}
	stamp(a.DestinationPipeline)
	if a.Transform, err = yamlBody("transform/latest.yml", threat.LatestTransformYAML()); err != nil {
		return nil, err
	}
	if a.TransformVersion, err = transformVersion(a.Transform); err != nil {
		return nil, err
	}
	if a.Template, err = indexTemplate(opts, env, a, log); err != nil {
		return nil, err
	}
	if a.Destination, err = destinationIndex(opts, env, log); err != nil {
		return nil, err
	}
	a.DestinationTemplate = destinationTemplate(a)
	if a.Lookup, err = buildLookup(a.Destination); err != nil {
		return nil, err
	}
	return a, nil
}

// ilmPolicy deletes a backing index RetentionDays after its rollover, and
// rolls over daily (or at 50 GB per primary shard): a document is deleted
// between RetentionDays and RetentionDays+1 days after it was ingested.
func ilmPolicy(file string) (Body, error) {
	if file != "" {
		p, err := jsonFile(file, "setup.ilm.policy_file")
		if err != nil {
			return nil, err
		}
		inner, ok := p["policy"].(Body)
		if !ok {
			return nil, fmt.Errorf("setup.ilm.policy_file %s: the file must hold {\"policy\": {...}}", file)
		}
		stampAt(inner)
		return p, nil
	}
	p := Body{"policy": Body{
		"phases": Body{
			"hot": Body{
				"min_age": "0ms",
				"actions": Body{"rollover": Body{"max_age": "1d", "max_primary_shard_size": "50gb"}},
			},
			"delete": Body{
				"min_age": fmt.Sprintf("%dd", RetentionDays),
				"actions": Body{"delete": Body{"delete_searchable_snapshot": true}},
			},
		},
		"_meta": Body{
			"managed":     true,
			"managed_by":  ManagedBy,
			"description": fmt.Sprintf("threatqbeat: deletes ThreatQ source data %d days after rollover (daily)", RetentionDays),
		},
	}}
	p, err := normalize(p)
	if err != nil {
		return nil, err
	}
	stampAt(p["policy"].(Body))
	return p, nil
}

// dataStreamLifecycle is the Serverless / setup.dsl equivalent of ilmPolicy.
func dataStreamLifecycle(file string) (Body, error) {
	if file != "" {
		return jsonFile(file, "setup.dsl.policy_file")
	}
	return Body{"data_retention": fmt.Sprintf("%dd", RetentionDays)}, nil
}

// indexTemplate builds the data stream's template with libbeat's template
// generator from fields.yml, so its mappings are what `export template`
// always printed, plus: the ingest pipeline as index.default_pipeline (it
// then applies however events are published, including events carrying
// @metadata._id, for which libbeat ignores output.elasticsearch.pipeline),
// the lifecycle, and _meta.
func indexTemplate(opts Options, env Env, a *Assets, log *logp.Logger) (Body, error) {
	index := maps.Clone(opts.IndexSettings)
	if index == nil {
		index = map[string]any{}
	}
	index["default_pipeline"] = PipelineID
	if _, set := index["mode"]; !set {
		// Elasticsearch 9 makes a logs-*-* data stream whose template sets
		// no index.mode a logsdb one (LogsdbIndexModeSettingsProvider), whose
		// synthetic _source returns keyword arrays sorted and de-duplicated:
		// threat.indicator.provider would lose its order, and the transform
		// copies _source to the destination. Standard keeps the documents as
		// sent; setup.template.settings.index.mode overrides it.
		index["mode"] = "standard"
	}
	cfg := template.TemplateConfig{
		Enabled: true, Name: TemplateName, Pattern: TemplatePattern, Priority: opts.Priority,
		AppendFields: opts.AppendFields,
		Settings:     template.TemplateSettings{Index: index, Source: opts.SourceSettings},
	}
	switch a.Lifecycle {
	case LifecycleILM:
		lc, _ := index["lifecycle"].(map[string]any)
		lc = maps.Clone(lc)
		if lc == nil {
			lc = map[string]any{}
		}
		if _, set := lc["name"]; !set {
			lc["name"] = PolicyName
		}
		index["lifecycle"] = lc
	case LifecycleDSL:
		cfg.Settings.Lifecycle = a.DataStreamLifecycle
	}
	body, err := generate(cfg, env, log)
	if err != nil {
		return nil, err
	}
	body["_meta"] = Body{"managed": true, "managed_by": ManagedBy,
		"description": "threatqbeat: ThreatQ indicators (" + TemplatePattern + ")"}
	stamp(body)
	return body, nil
}

// generate runs libbeat's template generator and returns the template as
// plain JSON objects.
func generate(cfg template.TemplateConfig, env Env, log *logp.Logger) (Body, error) {
	esVersion := env.ESVersion
	if esVersion == "" {
		esVersion = env.BeatVersion
	}
	esv, err := version.New(esVersion)
	if err != nil {
		return nil, fmt.Errorf("build index template: Elasticsearch version %q: %w", esVersion, err)
	}
	tmpl, err := template.New(env.Serverless, env.BeatVersion, ManagedBy, env.ElasticLicensed, *esv, cfg, false, log)
	if err != nil {
		return nil, fmt.Errorf("build index template: %w", err)
	}
	m, err := tmpl.LoadBytes(env.Fields)
	if err != nil {
		return nil, fmt.Errorf("build index template from fields.yml: %w", err)
	}
	return normalize(m)
}

// yamlBody converts an embedded YAML asset to a JSON object.
func yamlBody(name string, data []byte) (Body, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	b, err := normalize(v)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return b, nil
}

func jsonFile(path, key string) (Body, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	var b Body
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%s %s is not a JSON object: %w", key, path, err)
	}
	return b, nil
}

// normalize round-trips v through JSON, so every body is made of
// map[string]any, []any, string, float64, bool and nil, like a body read
// back from Elasticsearch.
func normalize(v any) (Body, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var b Body
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	return b, nil
}

// stamp sets _meta.hash of a body to the hash of the body without it.
// Setup compares the installed asset's _meta.hash with it: equal means
// nothing to do, so a second setup writes nothing, and any change (a new
// threatqbeat, other setup.template.settings) is written.
func stamp(b Body) { stampAt(b) }

func stampAt(b Body) {
	meta, _ := b["_meta"].(Body)
	if meta == nil {
		meta = Body{}
		b["_meta"] = meta
	}
	delete(meta, "hash")
	data, _ := json.Marshal(b) // a normalized body always marshals
	sum := sha256.Sum256(data)
	meta["hash"] = hex.EncodeToString(sum[:8])
}

// scalar formats a JSON string or number ("1", 1 and 1.0 are all "1").
func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return fmt.Sprintf("%g", v)
	case int:
		return fmt.Sprint(v)
	}
	return ""
}
