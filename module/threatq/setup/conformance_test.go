package setup

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/internal/estest"
	"github.com/threatqbeat/threatqbeat/module/threatq/setup/internal/esspec"
)

// The conformance tests check every body setup sends and export writes
// against Elastic's Elasticsearch API specification (internal/esspec): no
// unknown property, no value of the wrong type, no value outside an enum.

func specValidator(t *testing.T) *esspec.Validator {
	t.Helper()
	v, err := esspec.Load()
	require.NoError(t, err)
	return v
}

// optionVariants are the configurations whose bodies differ in shape;
// with -short (the race detector run), three of them.
func optionVariants(t *testing.T) map[string]struct {
	opts Options
	env  Env
} {
	t.Helper()
	all := allOptionVariants(t)
	if !testing.Short() {
		return all
	}
	for name := range all {
		if name != "default" && name != "dsl" && name != "serverless" {
			delete(all, name)
		}
	}
	return all
}

func allOptionVariants(t *testing.T) map[string]struct {
	opts Options
	env  Env
} {
	t.Helper()
	dsl := DefaultOptions()
	dsl.Lifecycle = LifecycleDSL
	none := DefaultOptions()
	none.Lifecycle = LifecycleNone
	custom := DefaultOptions()
	custom.IndexSettings = map[string]any{"number_of_replicas": 0, "refresh_interval": "5s", "mapping": map[string]any{"total_fields": map[string]any{"limit": 12000}}}
	custom.SourceSettings = map[string]any{"enabled": true}
	custom.Priority = 300
	serverless := testEnv()
	serverless.Serverless = true
	es8 := testEnv()
	es8.ESVersion = "8.17.0"
	policy := DefaultOptions()
	policy.PolicyFile = writeFile(t, `{"policy":{"phases":{"hot":{"actions":{"rollover":{"max_age":"7d"}}},"delete":{"min_age":"30d","actions":{"delete":{}}}}}}`)
	return map[string]struct {
		opts Options
		env  Env
	}{
		"default":            {DefaultOptions(), testEnv()},
		"dsl":                {dsl, testEnv()},
		"no lifecycle":       {none, testEnv()},
		"custom settings":    {custom, testEnv()},
		"serverless":         {DefaultOptions(), serverless},
		"elasticsearch 8":    {DefaultOptions(), es8},
		"ilm policy file":    {policy, testEnv()},
		"no elastic licence": {DefaultOptions(), func() Env { e := testEnv(); e.ElasticLicensed = false; return e }()},
	}
}

// TestExportsConformToTheSpecification validates what every export command
// prints and writes, for every shape of configuration.
func TestExportsConformToTheSpecification(t *testing.T) {
	v := specValidator(t)
	for name, c := range optionVariants(t) {
		t.Run(name, func(t *testing.T) {
			a := build(t, c.opts, c.env)
			n := 0
			for _, what := range ExportNames {
				files, err := a.Export(what)
				if what == "ilm-policy" && a.Lifecycle == LifecycleNone {
					require.Error(t, err)
					continue
				}
				require.NoError(t, err)
				for _, f := range files {
					require.NotNil(t, f.Body, "%s/%s", f.Dir, f.Name)
					require.NoError(t, v.ValidateBody(f.API, f.Body), "%s/%s.json", f.Dir, f.Name)
					n++
				}
			}
			require.GreaterOrEqual(t, n, 6)
		})
	}
}

// TestSetupRequestsConformToTheSpecification validates every request of a
// first setup, a second one, a transform upgrade and a data stream
// lifecycle update, as the emulator recorded them (method, path, query and
// body).
func TestSetupRequestsConformToTheSpecification(t *testing.T) {
	v := specValidator(t)
	check := func(t *testing.T, es *estest.Server) {
		t.Helper()
		reqs := es.Requests()
		require.NotEmpty(t, reqs)
		for _, r := range reqs {
			require.NoError(t, v.ValidateRequest(r.Method, r.Path, r.Body), r.String())
		}
	}
	for name, c := range optionVariants(t) {
		t.Run(name, func(t *testing.T) {
			es := estest.New(estest.Options{Serverless: c.env.Serverless, Version: c.env.ESVersion})
			defer es.Close()
			inst, _ := newInstaller(t, es, c.opts)
			require.NoError(t, inst.Setup(All()))
			check(t, es)
		})
	}
	t.Run("upgrade", func(t *testing.T) {
		es := estest.New(estest.Options{})
		defer es.Close()
		es.SeedTransform(TransformID, Body{"dest": Body{"index": Destination("1")}, "_meta": Body{"version": 1}}, "started")
		es.SeedIndex(Destination("1"), Body{}, Alias)
		es.SeedIndex("someone-elses", Body{}, Alias)
		es.SeedDocument(Destination("1"), "x", Body{"data_stream": Body{"namespace": "default"}, "@timestamp": "2026-01-01T00:00:00Z"})
		inst, _ := newInstaller(t, es, DefaultOptions())
		require.NoError(t, inst.Setup(All()))
		require.Contains(t, estest.Summary(es.Requests()), "POST /_aliases")
		require.Contains(t, estest.Summary(es.Requests()), "POST /_reindex?refresh=true&wait_for_completion=true")
		check(t, es)
		es.Reset()
		require.NoError(t, inst.Setup(All()))
		check(t, es)
	})
	t.Run("lookup index and its upgrade", func(t *testing.T) {
		es := estest.New(estest.Options{})
		defer es.Close()
		inst, _ := newInstaller(t, es, lookupOptions())
		require.NoError(t, inst.Setup(All()))
		check(t, es)
		es.SeedTransform(LookupTransformID, Body{"_meta": Body{"version": 0}}, "started")
		es.SeedDocument(Destination(inst.Assets().TransformVersion), "x", Body{"data_stream": Body{"namespace": "default"}, "@timestamp": "2026-01-01T00:00:00Z"})
		es.Reset()
		require.NoError(t, inst.Setup(Steps{LookupIndex: true}))
		require.Equal(t, estest.LookupUpgrade.Requests(), estest.Summary(es.Requests()))
		check(t, es)
	})
	t.Run("data stream lifecycle update", func(t *testing.T) {
		es := estest.New(estest.Options{})
		defer es.Close()
		o := DefaultOptions()
		o.Lifecycle = LifecycleDSL
		inst, _ := newInstaller(t, es, o)
		require.NoError(t, inst.Setup(All()))
		o.PolicyFile = writeFile(t, `{"data_retention":"9d"}`)
		es.Reset()
		again, _ := newInstaller(t, es, o)
		require.NoError(t, again.Setup(All()))
		_, ok := estest.Find(es.Requests(), http.MethodPut, "/_data_stream/"+DataStream("default")+"/_lifecycle")
		require.True(t, ok)
		check(t, es)
	})
}
