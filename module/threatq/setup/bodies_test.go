package setup

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/include"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// testEnv is the environment of the golden files: threatqbeat's fields.yml
// and libbeat 9.4.0 talking to Elasticsearch 9.4.0.
func testEnv() Env {
	return Env{Fields: []byte(include.Fields), BeatVersion: "9.4.0", ESVersion: "9.4.0", ElasticLicensed: true}
}

func build(t *testing.T, opts Options, env Env) *Assets {
	t.Helper()
	a, err := Build(opts, env, nil)
	require.NoError(t, err)
	return a
}

// golden compares v, as indented JSON, with testdata/<name>.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(v))
	got := buf.Bytes()
	path := filepath.Join("testdata", name+".json")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./module/threatq/setup -update to create it")
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got); rerun with -update if intended:\n%s", path, diff)
	}
}

// shell is a template or index body without the parts that follow
// fields.yml (properties, default fields, hash), which the field tests of
// module/threatq/threat cover; what remains is what this package decides.
func shell(t *testing.T, b Body) Body {
	t.Helper()
	var c Body
	data, err := json.Marshal(b)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &c))
	inner := c
	if tm, ok := c["template"].(Body); ok {
		inner = tm
	}
	m := inner["mappings"].(Body)
	m["properties"] = "<from fields.yml>"
	m["dynamic_templates"] = "<from fields.yml>"
	idx := inner["settings"].(Body)["index"].(Body)
	idx["query"] = "<from fields.yml>"
	if meta, ok := c["_meta"].(Body); ok && meta["hash"] != nil {
		meta["hash"] = "<hash>"
	}
	return c
}

func TestGoldenBodies(t *testing.T) {
	a := build(t, DefaultOptions(), testEnv())
	golden(t, "ilm-policy", a.Policy)
	golden(t, "pipeline", a.Pipeline)
	golden(t, "destination-pipeline", a.DestinationPipeline)
	golden(t, "transform", a.Transform)
	golden(t, "template-shell", shell(t, a.Template))
	golden(t, "destination-shell", shell(t, a.Destination))
	golden(t, "destination-template-shell", shell(t, a.DestinationTemplate))

	dsl := DefaultOptions()
	dsl.Lifecycle = LifecycleDSL
	golden(t, "template-shell-dsl", shell(t, build(t, dsl, testEnv()).Template))
}

func TestTransformBody(t *testing.T) {
	a := build(t, DefaultOptions(), testEnv())
	tr := a.Transform
	require.Equal(t, "2", a.TransformVersion)
	require.Equal(t, Destination(a.TransformVersion), lookupBody(tr, "dest", "index"))
	require.Equal(t, []any{TemplatePattern}, lookupBody(tr, "source", "index"))
	require.Equal(t, []any{Body{"term": Body{"event.kind": "pipeline_error"}}},
		lookupBody(tr, "source", "query", "bool", "must_not"), "only documents the ingest pipeline failed are skipped")
	require.Equal(t, Body{"term": Body{"input.type": "threatq"}},
		lookupBody(tr, "source", "query", "bool", "filter", "0"), "only threatqbeat's documents are read")
	require.Equal(t, []any{"threatq.id", "threatq.indicator_key"}, lookupBody(tr, "latest", "unique_key"))
	require.Equal(t, "event.ingested", lookupBody(tr, "latest", "sort"))
	require.Equal(t, "event.ingested", lookupBody(tr, "sync", "time", "field"))
	require.Equal(t, "120s", lookupBody(tr, "sync", "time", "delay"))
	require.Equal(t, "30s", lookupBody(tr, "frequency"))
	require.Equal(t, "threatq.ioc_expired_at", lookupBody(tr, "retention_policy", "time", "field"))
	require.Equal(t, "1m", lookupBody(tr, "retention_policy", "time", "max_age"))
	require.Equal(t, float64(-1), lookupBody(tr, "settings", "num_failure_retries"))
	require.Equal(t, DestinationPipelineID, lookupBody(tr, "dest", "pipeline"))
	require.Equal(t, []any{Body{"alias": Alias, "move_on_creation": true}}, lookupBody(tr, "dest", "aliases"))
	require.Equal(t, true, lookupBody(tr, "_meta", "managed"))
}

func TestTransformVersionMatchesDestination(t *testing.T) {
	// The embedded latest.yml passes (Build checks it); a mismatch fails.
	_, err := transformVersion(Body{"_meta": Body{"version": float64(2)}, "dest": Body{"index": Destination("1")}})
	require.ErrorContains(t, err, "_meta.version 2 needs")
	_, err = transformVersion(Body{"dest": Body{"index": Destination("1")}})
	require.ErrorContains(t, err, "_meta.version is missing")
	v, err := transformVersion(Body{"_meta": Body{"version": "3"}, "dest": Body{"index": Destination("3")}})
	require.NoError(t, err)
	require.Equal(t, "3", v)
}

func TestTemplateAttachesPipelineAndLifecycle(t *testing.T) {
	for _, tc := range []struct {
		name      string
		lifecycle Lifecycle
		env       Env
		ilmName   any
		dsl       any
	}{
		{"ilm", LifecycleILM, testEnv(), PolicyName, nil},
		{"dsl", LifecycleDSL, testEnv(), nil, Body{"data_retention": "5d"}},
		{"none", LifecycleNone, testEnv(), nil, nil},
		{"serverless default", LifecycleILM, func() Env { e := testEnv(); e.Serverless = true; return e }(), nil, Body{"data_retention": "5d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOptions()
			o.Lifecycle = tc.lifecycle
			a := build(t, o, tc.env)
			require.Equal(t, []any{TemplatePattern}, a.Template["index_patterns"])
			require.Equal(t, Body{}, a.Template["data_stream"])
			require.Equal(t, PipelineID, lookupBody(a.Template, "template", "settings", "index", "default_pipeline"))
			require.Equal(t, tc.ilmName, lookupBody(a.Template, "template", "settings", "index", "lifecycle", "name"))
			if tc.dsl == nil {
				require.Nil(t, lookupBody(a.Template, "template", "lifecycle"))
			} else {
				require.Equal(t, tc.dsl, lookupBody(a.Template, "template", "lifecycle"))
			}
			require.Equal(t, tc.lifecycle == LifecycleILM && !tc.env.Serverless, a.Policy != nil)
		})
	}
}

// TestTemplateIndexMode: the source data stream is explicitly standard, so
// that Elasticsearch 9 does not make it logsdb (whose synthetic _source
// sorts and de-duplicates keyword arrays such as threat.indicator.provider);
// an index.mode in setup.template.settings wins, and never reaches the
// destination.
func TestTemplateIndexMode(t *testing.T) {
	a := build(t, DefaultOptions(), testEnv())
	require.Equal(t, "standard", lookupBody(a.Template, "template", "settings", "index", "mode"))
	require.Nil(t, lookupBody(a.Destination, "settings", "index", "mode"))
	o := DefaultOptions()
	o.IndexSettings = map[string]any{"mode": "logsdb"}
	a = build(t, o, testEnv())
	require.Equal(t, "logsdb", lookupBody(a.Template, "template", "settings", "index", "mode"))
	require.Nil(t, lookupBody(a.Destination, "settings", "index", "mode"))
	require.Nil(t, lookupBody(a.DestinationTemplate, "template", "settings", "index", "mode"))
}

func TestServerlessRefusesExplicitILM(t *testing.T) {
	o := DefaultOptions()
	o.ILMExplicit = true
	env := testEnv()
	env.Serverless = true
	_, err := Build(o, env, nil)
	require.ErrorContains(t, err, "setup.dsl.enabled")
}

func TestDestinationMappings(t *testing.T) {
	a := build(t, DefaultOptions(), testEnv())
	props := func(b Body) Body {
		if tm, ok := b["template"].(Body); ok {
			b = tm
		}
		return b["mappings"].(Body)["properties"].(Body)
	}
	src, dst := props(a.Template), props(a.Destination)
	require.Equal(t, "constant_keyword", lookupBody(src, "data_stream", "properties", "namespace", "type"))
	require.Equal(t, "keyword", lookupBody(dst, "data_stream", "properties", "namespace", "type"), "the destination mixes namespaces")
	// One value per index: "true" in the source, "false" in the destination.
	require.Equal(t, "constant_keyword", lookupBody(dst, "labels", "properties", "is_ioc_transform_source", "type"))
	// Every other field has the source's type, so logs-ti_* never sees a conflict.
	delete(src, "data_stream")
	delete(dst, "data_stream")
	require.Empty(t, cmp.Diff(src, dst))
	require.Nil(t, lookupBody(a.Destination, "settings", "index", "default_pipeline"))
	require.Nil(t, lookupBody(a.Destination, "settings", "index", "lifecycle"))
	require.Nil(t, a.Destination["aliases"], "the installer adds the alias when it creates the index")
}

// TestDestinationTemplate: the destination has an index template of its
// own, for its exact name, above the built-in logs-*-* template (priority
// 100, data streams only) and the data stream's template, creating no data
// stream, with the destination's settings and mappings.
func TestDestinationTemplate(t *testing.T) {
	a := build(t, DefaultOptions(), testEnv())
	dt := a.DestinationTemplate
	require.Equal(t, []any{Destination(a.TransformVersion)}, dt["index_patterns"])
	require.Equal(t, float64(250), dt["priority"])
	require.Greater(t, dt["priority"].(float64), a.Template["priority"].(float64))
	require.Nil(t, dt["data_stream"], "the destination is a plain index")
	require.Nil(t, lookupBody(dt, "template", "lifecycle"), "Elasticsearch refuses a lifecycle in a template without data_stream")
	require.Empty(t, cmp.Diff(a.Destination["mappings"], lookupBody(dt, "template", "mappings")))
	require.Empty(t, cmp.Diff(a.Destination["settings"], lookupBody(dt, "template", "settings")))
	require.Equal(t, ManagedBy, lookupBody(dt, "_meta", "managed_by"))
	require.Len(t, hashOf(dt), 16)
	require.NotContains(t, Destination(a.TransformVersion), "*")

	// Another transform version moves the pattern (and so the hash).
	other := &Assets{TransformVersion: "7", Destination: a.Destination}
	require.Equal(t, []any{Destination("7")}, destinationTemplate(other)["index_patterns"])
	require.NotEqual(t, hashOf(dt), hashOf(destinationTemplate(other)))
}

func TestUserTemplateSettings(t *testing.T) {
	o := DefaultOptions()
	o.IndexSettings = map[string]any{"number_of_replicas": 0, "lifecycle": map[string]any{"name": "custom"}}
	o.Priority = 250
	a := build(t, o, testEnv())
	require.Equal(t, float64(0), lookupBody(a.Template, "template", "settings", "index", "number_of_replicas"))
	require.Equal(t, "custom", lookupBody(a.Template, "template", "settings", "index", "lifecycle", "name"), "a user's lifecycle.name wins")
	require.Equal(t, float64(250), a.Template["priority"])
	require.Equal(t, float64(0), lookupBody(a.Destination, "settings", "index", "number_of_replicas"))
	def := build(t, DefaultOptions(), testEnv())
	require.NotEqual(t, hashOf(def.Template), hashOf(a.Template), "other settings must change the template's hash")
	require.Nil(t, o.IndexSettings["default_pipeline"], "Build must not change the options")
}

func TestPolicyFile(t *testing.T) {
	dir := t.TempDir()
	ilm := filepath.Join(dir, "ilm.json")
	require.NoError(t, os.WriteFile(ilm, []byte(`{"policy":{"phases":{"delete":{"min_age":"30d","actions":{"delete":{}}}}}}`), 0o600))
	o := DefaultOptions()
	o.PolicyFile = ilm
	a := build(t, o, testEnv())
	require.Equal(t, "30d", lookupBody(a.Policy, "policy", "phases", "delete", "min_age"))
	require.NotEmpty(t, hashOf(policyOf(a.Policy)))

	require.NoError(t, os.WriteFile(ilm, []byte(`{"phases":{}}`), 0o600))
	_, err := Build(o, testEnv(), nil)
	require.ErrorContains(t, err, `{"policy": {...}}`)

	o.PolicyFile = filepath.Join(dir, "missing.json")
	_, err = Build(o, testEnv(), nil)
	require.ErrorContains(t, err, "setup.ilm.policy_file")
}

func TestHashIsStableAndExcludesItself(t *testing.T) {
	a, b := build(t, DefaultOptions(), testEnv()), build(t, DefaultOptions(), testEnv())
	require.Equal(t, hashOf(a.Template), hashOf(b.Template))
	require.Equal(t, hashOf(a.Pipeline), hashOf(b.Pipeline))
	again := Body{}
	for k, v := range a.Pipeline {
		again[k] = v
	}
	stamp(again)
	require.Equal(t, hashOf(a.Pipeline), hashOf(again))
	require.Len(t, hashOf(a.Pipeline), 16)
}

func TestPipelineSetsEventIngested(t *testing.T) {
	a := build(t, DefaultOptions(), testEnv())
	procs := a.Pipeline["processors"].([]any)
	set := procs[0].(Body)["set"].(Body)
	require.Equal(t, "event.ingested", set["field"])
	require.True(t, strings.Contains(set["value"].(string), "_ingest.timestamp"))
	fail := a.Pipeline["on_failure"].([]any)
	require.Equal(t, "error.message", fail[0].(Body)["append"].(Body)["field"])
	require.Equal(t, Body{"field": "event.kind", "value": "pipeline_error", "tag": "set_pipeline_error", "ignore_failure": true}, fail[1].(Body)["set"])
	dp := a.DestinationPipeline["processors"].([]any)[0].(Body)["set"].(Body)
	require.Equal(t, "labels.is_ioc_transform_source", dp["field"])
	require.Equal(t, "false", dp["value"])
}

func lookupBody(b Body, keys ...string) any {
	data, _ := json.Marshal(b)
	return lookup(data, keys...)
}
