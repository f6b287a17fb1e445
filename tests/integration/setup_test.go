//go:build integration

package integration

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/elastic/beats/v7/libbeat/version"

	"github.com/threatqbeat/threatqbeat/include"
	"github.com/threatqbeat/threatqbeat/internal/estest"
	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
)

// expectedAssets are the bodies setup sends to a 9.4.0 cluster (and export
// prints, built for the beat's version).
func expectedAssets(t *testing.T) *setup.Assets {
	t.Helper()
	a, err := setup.Build(setup.DefaultOptions(), setup.Env{
		Fields: []byte(include.Fields), BeatVersion: version.GetDefaultVersion(), ESVersion: "9.4.0", ElasticLicensed: true,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// onlyES is a config with nothing but the Elasticsearch output: setup needs
// no ThreatQ settings.
func onlyES(esURL string) string {
	return "output.elasticsearch.hosts: [\"" + esURL + "\"]\nlogging.level: info\n"
}

func TestSetupInstallsEverythingThenChangesNothing(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	b := newBeat(t, onlyES(es.URL))

	out := b.run(t, true, "setup", "-e")
	reqs := es.Requests()
	if diff := cmp.Diff(estest.FirstSetup.Requests(), estest.Summary(reqs)); diff != "" {
		t.Fatalf("setup requests (-want +got):\n%s\n%s", diff, out)
	}
	a := expectedAssets(t)
	destName := setup.Destination(a.TransformVersion)
	for path, want := range map[string]any{
		"/_ingest/pipeline/logs-ti_threatq.threat":            a.Pipeline,
		"/_ilm/policy/logs-ti_threatq.threat":                 a.Policy,
		"/_index_template/logs-ti_threatq.threat":             a.Template,
		"/_ingest/pipeline/logs-ti_threatq.latest_ioc":        a.DestinationPipeline,
		"/_index_template/logs-ti_threatq_latest.dest_threat": a.DestinationTemplate,
		"/" + destName: a.DestinationCreate(true),
		"/_transform/logs-ti_threatq.latest_ioc?defer_validation=true": a.Transform,
	} {
		r, ok := estest.Find(reqs, http.MethodPut, path)
		if !ok {
			t.Fatalf("no PUT %s", path)
		}
		var got map[string]any
		if err := json.Unmarshal(r.Body, &got); err != nil {
			t.Fatalf("PUT %s: %v", path, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("body of PUT %s (-want +got):\n%s", path, diff)
		}
	}
	// What the issue asks of the bodies, read from the requests themselves.
	for _, c := range []struct {
		path, field string
		want        any
	}{
		{"/_ilm/policy/logs-ti_threatq.threat", "policy.phases.delete.min_age", "5d"},
		{"/_index_template/logs-ti_threatq.threat", "index_patterns", []any{"logs-ti_threatq.threat-*"}},
		{"/_index_template/logs-ti_threatq.threat", "template.settings.index.lifecycle.name", "logs-ti_threatq.threat"},
		{"/_index_template/logs-ti_threatq.threat", "template.settings.index.default_pipeline", "logs-ti_threatq.threat"},
		{"/_ingest/pipeline/logs-ti_threatq.threat", "processors", "event.ingested"}, // the first processor's field
		{"/_ingest/pipeline/logs-ti_threatq.threat", "on_failure", "error.message"},  // the first handler's field
		{"/" + destName, "mappings.properties.data_stream.properties.namespace.type", "keyword"},
		{"/" + destName, "aliases", map[string]any{"logs-ti_threatq_latest.threat": map[string]any{}}},
		{"/_transform/logs-ti_threatq.latest_ioc?defer_validation=true", "dest.index", destName},
		{"/_index_template/logs-ti_threatq_latest.dest_threat", "index_patterns", []any{destName}},
		{"/_index_template/logs-ti_threatq_latest.dest_threat", "priority", 250.0},
	} {
		r, _ := estest.Find(reqs, http.MethodPut, c.path)
		var body map[string]any
		_ = json.Unmarshal(r.Body, &body)
		got := field(body, c.field)
		if list, ok := got.([]any); ok && (c.field == "processors" || c.field == "on_failure") && len(list) > 0 {
			for _, p := range list[0].(map[string]any) {
				got = field(p.(map[string]any), "field")
			}
		}
		if !cmp.Equal(got, c.want) {
			t.Errorf("PUT %s: %s is %v, want %v", c.path, c.field, got, c.want)
		}
	}
	for _, line := range []string{
		"Ingest pipeline logs-ti_threatq.threat: installed",
		"ILM policy logs-ti_threatq.threat: installed",
		"Data stream logs-ti_threatq.threat-default: created",
		"Index template logs-ti_threatq_latest.dest_threat: installed for " + destName,
		"Transform logs-ti_threatq.latest_ioc: version " + a.TransformVersion + " installed and started",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("setup output lacks %q:\n%s", line, out)
		}
	}

	// The built-in logs-*-* template creates data streams only: the
	// destination is a plain index because its own template wins.
	if got := es.IndexTemplate(destName); got != setup.DestinationTemplateName {
		t.Errorf("%s was created with template %q", destName, got)
	}

	es.Reset()
	out = b.run(t, true, "setup", "-e")
	if diff := cmp.Diff(estest.SecondSetup.Requests(), estest.Summary(es.Requests())); diff != "" {
		t.Fatalf("second setup must only read (-want +got):\n%s\n%s", diff, out)
	}
	if !strings.Contains(out, "Index template logs-ti_threatq.threat: up to date") {
		t.Errorf("second setup output:\n%s", out)
	}
}

func TestSetupFlagsSelectSteps(t *testing.T) {
	for _, tc := range []struct {
		flags []string
		want  []string
	}{
		{[]string{"--transforms"}, estest.FirstSetup.Requests()[8:]},
		{[]string{"--pipelines"}, estest.FirstSetup.Requests()[:2]},
		{[]string{"--index-management"}, estest.FirstSetup.Requests()[2:8]},
		{[]string{"--index-management", "--transforms"}, estest.FirstSetup.Requests()[2:]},
		{[]string{"--lookup-index"}, estest.LookupFirstSetup.Requests()},
	} {
		t.Run(strings.Join(tc.flags, " "), func(t *testing.T) {
			es := estest.New(estest.Options{})
			defer es.Close()
			b := newBeat(t, onlyES(es.URL))
			out := b.run(t, true, append([]string{"setup", "-e"}, tc.flags...)...)
			if diff := cmp.Diff(tc.want, estest.Summary(es.Requests())); diff != "" {
				t.Fatalf("requests (-want +got):\n%s\n%s", diff, out)
			}
		})
	}
}

// TestSetupWithDataStreamLifecycleAndNamespace: with setup.dsl.enabled the
// template carries a 5-day data stream lifecycle and no ILM request is
// sent; the data stream created is the configured namespace's.
func TestSetupWithDataStreamLifecycleAndNamespace(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	b := newBeat(t, onlyES(es.URL)+"threatqbeat.data_stream.namespace: prod\nsetup.dsl.enabled: true\n")

	out := b.run(t, true, "setup", "--index-management", "-e")
	reqs := es.Requests()
	if diff := cmp.Diff([]string{
		"GET /_index_template/logs-ti_threatq.threat",
		"PUT /_index_template/logs-ti_threatq.threat",
		"GET /_data_stream/logs-ti_threatq.threat-prod",
		"PUT /_data_stream/logs-ti_threatq.threat-prod",
	}, estest.Summary(reqs)); diff != "" {
		t.Fatalf("setup --index-management with setup.dsl.enabled (-want +got):\n%s\n%s", diff, out)
	}
	put, _ := estest.Find(reqs, http.MethodPut, "/_index_template/logs-ti_threatq.threat")
	var tmpl map[string]any
	if err := json.Unmarshal(put.Body, &tmpl); err != nil {
		t.Fatal(err)
	}
	if got := field(tmpl, "template.lifecycle"); !cmp.Equal(got, map[string]any{"data_retention": "5d"}) {
		t.Errorf("template lifecycle %v, want data_retention 5d", got)
	}
	if got := field(tmpl, "template.settings.index.lifecycle"); got != nil {
		t.Errorf("template still names an ILM policy: %v", got)
	}
	if got := es.DataStreams(); !cmp.Equal(got, []string{"logs-ti_threatq.threat-prod"}) {
		t.Errorf("data streams %v", got)
	}

	exported, err := b.command(timeout(t, time.Minute), "export", "ilm-policy").Output()
	if err != nil {
		t.Fatalf("export ilm-policy: %v", err)
	}
	var lc map[string]any
	if err := json.Unmarshal(exported, &lc); err != nil || !cmp.Equal(lc, map[string]any{"data_retention": "5d"}) {
		t.Errorf("export ilm-policy with setup.dsl.enabled: %v %s", err, exported)
	}
}

func TestSetupUpgradesTheTransform(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	es.SeedTransform(setup.TransformID, map[string]any{
		"source": map[string]any{"index": []any{setup.TemplatePattern}},
		"dest":   map[string]any{"index": setup.Destination("1")},
		"latest": map[string]any{"unique_key": []any{"threatq.id"}, "sort": "event.ingested"},
		"_meta":  map[string]any{"managed_by": "threatqbeat", "version": 1},
	}, "started")
	es.SeedIndex(setup.Destination("1"), map[string]any{}, setup.Alias)
	// An active indicator ThreatQ last sent 20 days ago: the source data
	// stream (5-6 days) no longer has it, only the old destination.
	now := time.Now().UTC()
	es.SeedDocument(setup.Destination("1"), "old", map[string]any{
		"@timestamp":  now.Add(-20 * 24 * time.Hour).Format(time.RFC3339),
		"data_stream": map[string]any{"type": "logs", "dataset": "ti_threatq.threat", "namespace": "default"},
		"input":       map[string]any{"type": "threatq"},
		"labels":      map[string]any{"is_ioc_transform_source": "false"},
		"event":       map[string]any{"kind": "enrichment", "ingested": now.Add(-20 * 24 * time.Hour).Format(time.RFC3339Nano)},
		"threatq":     map[string]any{"id": 1, "indicator_value": "198.51.100.1", "ioc_expired_at": now.Add(70 * 24 * time.Hour).Format(time.RFC3339Nano)},
	})
	b := newBeat(t, onlyES(es.URL))

	out := b.run(t, true, "setup", "--transforms", "-e")
	want := estest.TransformUpgrade.Requests()
	reqs := es.Requests()
	if diff := cmp.Diff(want, estest.Summary(reqs)); diff != "" {
		t.Fatalf("upgrade requests (-want +got):\n%s\n%s", diff, out)
	}
	move, _ := estest.Find(reqs, http.MethodPost, "/_aliases")
	var actions map[string]any
	if err := json.Unmarshal(move.Body, &actions); err != nil {
		t.Fatal(err)
	}
	newDest := setup.Destination(expectedAssets(t).TransformVersion)
	wantActions := map[string]any{"actions": []any{
		map[string]any{"add": map[string]any{"index": newDest, "alias": "logs-ti_threatq_latest.threat"}},
		map[string]any{"remove_index": map[string]any{"index": "logs-ti_threatq_latest.dest_threat-1"}},
	}}
	if diff := cmp.Diff(wantActions, actions); diff != "" {
		t.Errorf("alias move (-want +got):\n%s", diff)
	}
	if got := es.Indices(); !cmp.Equal(got, []string{newDest}) {
		t.Errorf("indices after the upgrade: %v (the old destination must be gone: no duplicate IOCs)", got)
	}
	if got := es.IndexTemplate(newDest); got != setup.DestinationTemplateName {
		t.Errorf("the new destination was created with template %q", got)
	}
	if got := es.Aliases(newDest); !cmp.Equal(got, []string{setup.Alias}) {
		t.Errorf("aliases of the new destination: %v", got)
	}
	if s := es.TransformState(setup.TransformID); s != "started" {
		t.Errorf("transform state %q", s)
	}
	if !strings.Contains(out, "Alias logs-ti_threatq_latest.threat: moved to "+newDest+"; old destination logs-ti_threatq_latest.dest_threat-1 deleted") {
		t.Errorf("setup output:\n%s", out)
	}
	// The new transform rebuilt the indicator from its restored copy.
	var values []any
	for _, d := range es.Documents(setup.Alias) {
		values = append(values, field(d, "threatq.indicator_value"))
	}
	if !cmp.Equal(values, []any{"198.51.100.1"}) {
		t.Errorf("the alias after the upgrade holds %v, want the indicator older than the source's retention", values)
	}
}

func TestSetupErrorNamesStepAndResource(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	es.Fail(http.MethodPut, "/_transform/"+setup.TransformID, http.StatusForbidden,
		`{"error":{"root_cause":[],"type":"security_exception","reason":"action [cluster:admin/transform/put] is unauthorized for user [ingest]"},"status":403}`)
	b := newBeat(t, onlyES(es.URL))
	out := b.run(t, false, "setup", "-e")
	for _, want := range []string{
		// As shown in docs/elasticsearch.md.
		"setup transforms: create transform logs-ti_threatq.latest_ioc: PUT /_transform/logs-ti_threatq.latest_ioc?defer_validation=true: 403 Forbidden: security_exception: action [cluster:admin/transform/put] is unauthorized for user [ingest] (the Elasticsearch user needs the manage_transform cluster privilege (and read, view_index_metadata on logs-ti_threatq.threat-*); see docs/elasticsearch.md)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestSetupFromTheCommandLineWithAPIKey runs setup as docs/agent.md shows
// it: no ThreatQ settings, the Elasticsearch host and an API key given with
// -E. Every request carries the key.
func TestSetupFromTheCommandLineWithAPIKey(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	b := newBeat(t, "logging.level: info\n")
	out := b.run(t, true, "setup", "-e",
		"-E", `output.elasticsearch.hosts=["`+es.URL+`"]`,
		"-E", "output.elasticsearch.api_key=setup-id:setup-key")
	reqs := es.Requests()
	if diff := cmp.Diff(estest.FirstSetup.Requests(), estest.Summary(reqs)); diff != "" {
		t.Fatalf("setup requests (-want +got):\n%s\n%s", diff, out)
	}
	want := "ApiKey " + base64.StdEncoding.EncodeToString([]byte("setup-id:setup-key"))
	for _, r := range reqs {
		if r.Authorization != want {
			t.Fatalf("%s sent Authorization %q, want the API key", r, r.Authorization)
		}
	}
	if strings.Contains(out, "setup-key") {
		t.Fatal("the API key is in the output")
	}
}

func TestSetupNeedsTheElasticsearchOutput(t *testing.T) {
	b := newBeat(t, "output.file.path: "+t.TempDir()+"\n")
	out := b.run(t, false, "setup", "-e")
	if !strings.Contains(out, "setup needs the Elasticsearch output") {
		t.Errorf("output:\n%s", out)
	}
}

func TestExportWithoutElasticsearch(t *testing.T) {
	// The output points at a closed port: export must not need it.
	b := newBeat(t, onlyES("http://127.0.0.1:1"))
	a := expectedAssets(t)
	a94, err := setup.Build(setup.DefaultOptions(), setup.Env{
		Fields: []byte(include.Fields), BeatVersion: version.GetDefaultVersion(), ElasticLicensed: true,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what string
		want setup.Body
	}{
		{"template", a94.Template},
		{"ilm-policy", a.Policy},
		{"pipeline", a.Pipeline},
		{"transform", a.Transform},
		{"lookup-index", a.Lookup.Transform},
	} {
		t.Run(tc.what, func(t *testing.T) {
			out, err := b.command(timeout(t, time.Minute), "export", tc.what).Output()
			if err != nil {
				t.Fatalf("export %s: %v", tc.what, err)
			}
			var got setup.Body
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("export %s is not one JSON object: %v\n%s", tc.what, err, out)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("export %s differs from what setup sends (-want +got):\n%s", tc.what, diff)
			}
		})
	}

	t.Run("lookup-index --dir", func(t *testing.T) {
		dir := t.TempDir()
		if out, err := b.command(timeout(t, time.Minute), "export", "lookup-index", "--dir", dir).CombinedOutput(); err != nil {
			t.Fatalf("export lookup-index --dir: %v\n%s", err, out)
		}
		for f, want := range map[string]setup.Body{
			"transform/" + setup.LookupTransformID + ".json": a.Lookup.Transform,
			"template/" + setup.LookupTemplateName + ".json": a94.Lookup.Template,
			"index/" + setup.LookupIndex + ".json":           a94.Lookup.Index,
			"pipeline/" + setup.LookupPipelineID + ".json":   a.Lookup.Pipeline,
		} {
			data, err := os.ReadFile(filepath.Join(dir, f))
			var got setup.Body
			if err == nil {
				err = json.Unmarshal(data, &got)
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s differs from what setup sends (-want +got):\n%s", f, diff)
			}
		}
	})

	t.Run("transform --dir", func(t *testing.T) {
		dir := t.TempDir()
		if out, err := b.command(timeout(t, time.Minute), "export", "transform", "--dir", dir).CombinedOutput(); err != nil {
			t.Fatalf("export transform --dir: %v\n%s", err, out)
		}
		for _, f := range []string{
			"transform/logs-ti_threatq.latest_ioc.json",
			"template/logs-ti_threatq_latest.dest_threat.json",
			"index/" + setup.Destination(a.TransformVersion) + ".json",
			"pipeline/logs-ti_threatq.latest_ioc.json",
		} {
			data, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil || !json.Valid(data) {
				t.Errorf("%s: %v", f, err)
			}
		}
	})
}
