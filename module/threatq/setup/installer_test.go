package setup

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/esleg/eslegclient"
	"github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/internal/estest"
)

// connect returns libbeat's Elasticsearch connection to the double, as
// setup builds it from output.elasticsearch.
func connect(t *testing.T, es *estest.Server) *eslegclient.Connection {
	t.Helper()
	cfg := config.MustNewConfigFrom(map[string]any{"hosts": []string{es.URL}})
	conn, err := eslegclient.NewConnectedClient(context.Background(), cfg, "threatqbeat", logp.NewNopLogger())
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func newInstaller(t *testing.T, es *estest.Server, opts Options) (*Installer, *[]string) {
	t.Helper()
	var lines []string
	inst, err := NewInstaller(connect(t, es), opts, testEnv(), nil, func(s string) { lines = append(lines, s) })
	require.NoError(t, err)
	return inst, &lines
}

func TestSetupThenSetupAgain(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	inst, lines := newInstaller(t, es, DefaultOptions())
	require.NoError(t, inst.Setup(All()))
	reqs := es.Requests()
	require.Equal(t, estest.FirstSetup.Requests(), estest.Summary(reqs))

	a := inst.Assets()
	wantBodies := map[string]any{
		"PUT /_ingest/pipeline/logs-ti_threatq.threat":                     a.Pipeline,
		"PUT /_ilm/policy/logs-ti_threatq.threat":                          a.Policy,
		"PUT /_index_template/logs-ti_threatq.threat":                      a.Template,
		"PUT /_ingest/pipeline/logs-ti_threatq.latest_ioc":                 a.DestinationPipeline,
		"PUT /_index_template/logs-ti_threatq_latest.dest_threat":          a.DestinationTemplate,
		"PUT /_transform/logs-ti_threatq.latest_ioc?defer_validation=true": a.Transform,
		"PUT /logs-ti_threatq_latest.dest_threat-2":                        withAliases(a.Destination, Body{Alias: Body{}}),
	}
	for _, r := range reqs {
		want, isWrite := wantBodies[r.String()]
		if !isWrite {
			require.Nil(t, r.Body, "%s has a body", r)
			continue
		}
		var got Body
		require.NoError(t, json.Unmarshal(r.Body, &got), r.String())
		require.Empty(t, cmp.Diff(want, got), "body of %s", r)
	}
	require.Equal(t, []string{"logs-ti_threatq.threat-default"}, es.DataStreams())
	require.Equal(t, []string{Alias}, es.Aliases(Destination("2")))
	require.Equal(t, "started", es.TransformState(TransformID))
	require.Contains(t, *lines, "Transform logs-ti_threatq.latest_ioc: version 2 installed and started, writing to logs-ti_threatq_latest.dest_threat-2 (alias logs-ti_threatq_latest.threat)")

	es.Reset()
	again, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, again.Setup(All()))
	require.Equal(t, estest.SecondSetup.Requests(), estest.Summary(es.Requests()), "a second setup must only read")
}

func TestSetupUpgradesTransform(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	// Version 1 is installed and running, its destination behind the alias.
	old := Body{
		"source":   Body{"index": []any{TemplatePattern}},
		"dest":     Body{"index": Destination("1"), "pipeline": DestinationPipelineID},
		"latest":   Body{"unique_key": []any{"threatq.id"}, "sort": "event.ingested"},
		"_meta":    Body{"managed_by": ManagedBy, "version": 1},
		"settings": Body{},
	}
	es.SeedTransform(TransformID, old, "started")
	es.SeedIndex(Destination("1"), Body{}, Alias)
	es.SeedDocument(Destination("1"), "x", Body{"data_stream": Body{"namespace": "default"}, "@timestamp": "2026-01-01T00:00:00Z"})

	inst, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, inst.Setup(Steps{Transforms: true}))
	reqs := es.Requests()
	require.Equal(t, estest.TransformUpgrade.Requests(), estest.Summary(reqs))

	// The new destination is created without the alias; one atomic request
	// moves the alias and deletes the old destination.
	create, _ := estest.Find(reqs, http.MethodPut, "/"+Destination("2"))
	var body Body
	require.NoError(t, json.Unmarshal(create.Body, &body))
	require.Nil(t, body["aliases"])
	move, _ := estest.Find(reqs, http.MethodPost, "/_aliases")
	require.JSONEq(t, `{"actions":[
		{"add":{"index":"logs-ti_threatq_latest.dest_threat-2","alias":"logs-ti_threatq_latest.threat"}},
		{"remove_index":{"index":"logs-ti_threatq_latest.dest_threat-1"}}]}`, string(move.Body))

	require.Equal(t, []string{Destination("2")}, es.Indices(), "no duplicate IOCs: the old destination is gone")
	tmpl, _ := estest.Find(reqs, http.MethodPut, "/_index_template/"+DestinationTemplateName)
	require.Contains(t, string(tmpl.Body), `"index_patterns":["`+Destination("2")+`"]`, "the destination template follows the new destination")
	require.Equal(t, DestinationTemplateName, es.IndexTemplate(Destination("2")))
	require.Equal(t, []string{Alias}, es.Aliases(Destination("2")))
	require.Equal(t, "started", es.TransformState(TransformID))

	es.Reset()
	again, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, again.Setup(Steps{Transforms: true}))
	require.Equal(t, estest.SecondSetup.Requests()[4:], estest.Summary(es.Requests()))
}

// TestSetupOnADefaultCluster: on a cluster with the built-in logs-*-*
// template (which creates data streams only) the destination is created as
// a plain index because its own template wins; so is a destination the
// transform creates itself.
func TestSetupOnADefaultCluster(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	require.Contains(t, es.Templates(), "logs")
	inst, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, inst.Setup(All()))
	dest := Destination(inst.Assets().TransformVersion)
	require.Equal(t, DestinationTemplateName, es.IndexTemplate(dest))
	require.Equal(t, []string{Alias}, es.Aliases(dest))
	require.Equal(t, "started", es.TransformState(TransformID))
	require.Equal(t, TemplateName, es.DataStream(DataStream("default"))["template"])

	// The transform recreates a lost destination through the same template.
	es.SeedTransform(TransformID, inst.Assets().Transform, "stopped")
	req, err := http.NewRequest(http.MethodDelete, es.URL+"/"+dest, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	resp, err = http.Post(es.URL+"/_transform/"+TransformID+"/_start", "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, DestinationTemplateName, es.IndexTemplate(dest))
	require.Equal(t, []string{Alias}, es.Aliases(dest))
}

// TestSetupKeepsTheDataStreamStandard: on Elasticsearch 9, where a
// logs-*-* data stream whose template sets no index.mode is logsdb, the
// data stream setup creates is standard.
func TestSetupKeepsTheDataStreamStandard(t *testing.T) {
	for _, c := range []struct {
		name    string
		opts    Options
		version string
		want    string
	}{
		{"9.x", DefaultOptions(), "9.4.0", "standard"},
		{"8.x", DefaultOptions(), "8.17.0", "standard"},
		{"logsdb asked for", func() Options { o := DefaultOptions(); o.IndexSettings = map[string]any{"mode": "logsdb"}; return o }(), "9.4.0", "logsdb"},
	} {
		t.Run(c.name, func(t *testing.T) {
			es := estest.New(estest.Options{Version: c.version})
			defer es.Close()
			inst, _ := newInstaller(t, es, c.opts)
			require.NoError(t, inst.Setup(Steps{IndexManagement: true}))
			require.Equal(t, c.want, es.DataStream(DataStream("default"))["index_mode"])
		})
	}
}

// TestSetupRefusesAForeignDestination: an index with the destination's
// name that threatqbeat did not create (an Elastic integration's, say) is
// not adopted.
func TestSetupRefusesAForeignDestination(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	inst, _ := newInstaller(t, es, DefaultOptions())
	dest := Destination(inst.Assets().TransformVersion)
	es.SeedIndex(dest, Body{"mappings": Body{"_meta": Body{"managed_by": "fleet", "package": Body{"name": "ti_threatq"}}}})
	err := inst.Setup(Steps{Transforms: true})
	require.ErrorContains(t, err, "setup transforms: check transform destination mappings "+dest+": GET /"+dest+"/_mapping: the index exists but threatqbeat did not create it (mappings _meta.managed_by: fleet)")
	require.ErrorContains(t, err, "DELETE /"+dest)
	require.Empty(t, es.Aliases(dest))
	require.Empty(t, es.TransformState(TransformID))
}

func TestSetupSteps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps Steps
		want  []string
	}{
		{"pipelines", Steps{Pipelines: true}, estest.FirstSetup.Requests()[:2]},
		{"index-management", Steps{IndexManagement: true}, estest.FirstSetup.Requests()[2:8]},
		{"transforms", Steps{Transforms: true}, estest.FirstSetup.Requests()[8:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es := estest.New(estest.Options{})
			defer es.Close()
			inst, _ := newInstaller(t, es, DefaultOptions())
			require.NoError(t, inst.Setup(tc.steps))
			require.Equal(t, tc.want, estest.Summary(es.Requests()))
		})
	}
}

func TestSetupStartsAStoppedTransform(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	inst, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, inst.Setup(Steps{Transforms: true}))
	es.SeedTransform(TransformID, inst.Assets().Transform, "stopped")
	es.Reset()
	require.NoError(t, inst.Setup(Steps{Transforms: true}))
	require.Equal(t, append(estest.SecondSetup.Requests()[4:], "POST /_transform/logs-ti_threatq.latest_ioc/_start"), estest.Summary(es.Requests()))
	require.Equal(t, "started", es.TransformState(TransformID))
}

func TestSetupRecreatesALostDestination(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	inst, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, inst.Setup(Steps{Transforms: true}))

	// Someone deleted the destination: setup creates it again, with the alias.
	req, err := http.NewRequest(http.MethodDelete, es.URL+"/"+Destination("2"), nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	es.Reset()
	require.NoError(t, inst.Setup(Steps{Transforms: true}))
	want := append([]string{}, estest.SecondSetup.Requests()[4:8]...)
	want = append(want, "HEAD /logs-ti_threatq_latest.dest_threat-2", "PUT /logs-ti_threatq_latest.dest_threat-2", estest.SecondSetup.Requests()[8])
	require.Equal(t, want, estest.Summary(es.Requests()))
	require.Equal(t, []string{Alias}, es.Aliases(Destination("2")))

	// A destination created concurrently (PUT says it exists) is fine.
	es.Fail(http.MethodGet, "/_alias/"+Alias, http.StatusNotFound, `{"error":"alias [`+Alias+`] missing","status":404}`)
	es.Fail(http.MethodHead, "/"+Destination("2"), http.StatusNotFound, "")
	es.Reset()
	require.NoError(t, inst.Setup(Steps{Transforms: true}))
	require.Contains(t, estest.Summary(es.Requests()), "PUT /logs-ti_threatq_latest.dest_threat-2")
}

// TestSetupPointsTheAliasAtTheDestinationAlone: whatever state an earlier
// setup left (an upgrade stopped after deleting the old transform, or after
// creating the new destination) or someone else made, setup ends with the
// alias on the current destination only and old destinations deleted.
func TestSetupPointsTheAliasAtTheDestinationAlone(t *testing.T) {
	for _, tc := range []struct {
		name    string
		seed    func(*estest.Server)
		want    []string // requests after the destination pipeline and GET transform
		actions string
		indices []string
	}{
		{
			name: "upgrade stopped after deleting the old transform",
			seed: func(es *estest.Server) { es.SeedIndex(Destination("1"), Body{}, Alias) },
			want: []string{
				"GET /_alias/logs-ti_threatq_latest.threat",
				"HEAD /logs-ti_threatq_latest.dest_threat-2",
				"PUT /logs-ti_threatq_latest.dest_threat-2",
				"POST /logs-ti_threatq_latest.dest_threat-1/_search", // restore: holds no indicator
				"POST /_aliases",
			},
			actions: `{"actions":[{"add":{"index":"logs-ti_threatq_latest.dest_threat-2","alias":"logs-ti_threatq_latest.threat"}},
				{"remove_index":{"index":"logs-ti_threatq_latest.dest_threat-1"}}]}`,
			indices: []string{Destination("2")},
		},
		{
			name: "upgrade stopped after creating the new destination",
			seed: func(es *estest.Server) {
				es.SeedIndex(Destination("1"), Body{}, Alias)
				es.SeedIndex(Destination("2"), Body{"mappings": Body{"_meta": Body{"managed_by": ManagedBy}}})
			},
			want: []string{
				"GET /_alias/logs-ti_threatq_latest.threat",
				"HEAD /logs-ti_threatq_latest.dest_threat-2",
				"GET /logs-ti_threatq_latest.dest_threat-2/_mapping",
				"POST /logs-ti_threatq_latest.dest_threat-1/_search",
				"POST /_aliases",
			},
			actions: `{"actions":[{"add":{"index":"logs-ti_threatq_latest.dest_threat-2","alias":"logs-ti_threatq_latest.threat"}},
				{"remove_index":{"index":"logs-ti_threatq_latest.dest_threat-1"}}]}`,
			indices: []string{Destination("2")},
		},
		{
			name: "someone else's index holds the alias",
			seed: func(es *estest.Server) { es.SeedIndex("my-indicators", Body{}, Alias) },
			want: []string{
				"GET /_alias/logs-ti_threatq_latest.threat",
				"HEAD /logs-ti_threatq_latest.dest_threat-2",
				"PUT /logs-ti_threatq_latest.dest_threat-2",
				"POST /_aliases",
			},
			actions: `{"actions":[{"add":{"index":"logs-ti_threatq_latest.dest_threat-2","alias":"logs-ti_threatq_latest.threat"}},
				{"remove":{"index":"my-indicators","alias":"logs-ti_threatq_latest.threat"}}]}`,
			indices: []string{Destination("2"), "my-indicators"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es := estest.New(estest.Options{})
			defer es.Close()
			tc.seed(es)
			inst, _ := newInstaller(t, es, DefaultOptions())
			require.NoError(t, inst.Setup(Steps{Transforms: true}))
			reqs := es.Requests()
			first := estest.FirstSetup.Requests()
			want := append([]string{}, first[8:13]...)
			want = append(want, tc.want...)
			want = append(want, first[len(first)-2:]...)
			require.Equal(t, want, estest.Summary(reqs))
			if create, ok := estest.Find(reqs, http.MethodPut, "/"+Destination("2")); ok {
				var body Body
				require.NoError(t, json.Unmarshal(create.Body, &body))
				require.Nil(t, body["aliases"], "the alias moves in the atomic request, not with the creation")
			}
			move, _ := estest.Find(reqs, http.MethodPost, "/_aliases")
			require.JSONEq(t, tc.actions, string(move.Body))
			require.Equal(t, tc.indices, es.Indices())
			require.Equal(t, []string{Alias}, es.Aliases(Destination("2")))
			require.Equal(t, "started", es.TransformState(TransformID))
		})
	}
}

func TestSetupUpdatesChangedAssets(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	inst, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, inst.Setup(All()))

	o := DefaultOptions()
	o.IndexSettings = map[string]any{"number_of_replicas": 0}
	es.Reset()
	changed, _ := newInstaller(t, es, o)
	require.NoError(t, changed.Setup(All()))
	want := append([]string{}, estest.SecondSetup.Requests()[:3]...)
	want = append(want, "PUT /_index_template/logs-ti_threatq.threat")
	want = append(want, estest.SecondSetup.Requests()[3:6]...)
	want = append(want, "PUT /_index_template/logs-ti_threatq_latest.dest_threat")
	want = append(want, estest.SecondSetup.Requests()[6:]...)
	require.Equal(t, want, estest.Summary(es.Requests()), "only the templates changed (the index settings apply to the destination too)")

	// Overwrite writes a current policy and template again.
	o.LifecycleOverwrite, o.TemplateOverwrite = true, true
	es.Reset()
	over, _ := newInstaller(t, es, o)
	require.NoError(t, over.Setup(Steps{IndexManagement: true}))
	require.Equal(t, []string{
		"GET /_ilm/policy/logs-ti_threatq.threat",
		"PUT /_ilm/policy/logs-ti_threatq.threat",
		"GET /_index_template/logs-ti_threatq.threat",
		"PUT /_index_template/logs-ti_threatq.threat",
		"GET /_data_stream/logs-ti_threatq.threat-default",
	}, estest.Summary(es.Requests()))
}

func TestEnsureForRun(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	inst, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, inst.EnsureForRun())
	require.Equal(t, []string{
		"GET /_ilm/policy/logs-ti_threatq.threat",
		"PUT /_ilm/policy/logs-ti_threatq.threat",
		"GET /_ingest/pipeline/logs-ti_threatq.threat",
		"PUT /_ingest/pipeline/logs-ti_threatq.threat",
		"GET /_index_template/logs-ti_threatq.threat",
		"PUT /_index_template/logs-ti_threatq.threat",
	}, estest.Summary(es.Requests()))

	// Installed, even with other content: run never replaces anything.
	o := DefaultOptions()
	o.IndexSettings = map[string]any{"number_of_replicas": 0}
	o.TemplateOverwrite = true
	es.Reset()
	other, _ := newInstaller(t, es, o)
	require.NoError(t, other.EnsureForRun())
	require.Equal(t, []string{
		"GET /_ilm/policy/logs-ti_threatq.threat",
		"GET /_ingest/pipeline/logs-ti_threatq.threat",
		"GET /_index_template/logs-ti_threatq.threat",
	}, estest.Summary(es.Requests()))

	// setup.template.enabled: false and setup.ilm.enabled: false: nothing.
	o = DefaultOptions()
	o.TemplateEnabled, o.Lifecycle = false, LifecycleNone
	es.Reset()
	off, _ := newInstaller(t, es, o)
	require.NoError(t, off.EnsureForRun())
	require.Empty(t, es.Requests())
}

func TestSetupWithDataStreamLifecycle(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	o := DefaultOptions()
	o.Lifecycle = LifecycleDSL
	inst, _ := newInstaller(t, es, o)
	require.NoError(t, inst.Setup(Steps{IndexManagement: true}))
	require.Equal(t, []string{
		"GET /_index_template/logs-ti_threatq.threat",
		"PUT /_index_template/logs-ti_threatq.threat",
		"GET /_data_stream/logs-ti_threatq.threat-default",
		"PUT /_data_stream/logs-ti_threatq.threat-default",
	}, estest.Summary(es.Requests()), "no ILM request")

	// A data stream created with another retention gets ours.
	o.PolicyFile = writeFile(t, `{"data_retention":"9d"}`)
	es.Reset()
	longer, _ := newInstaller(t, es, o)
	require.NoError(t, longer.Setup(Steps{IndexManagement: true}))
	reqs := es.Requests()
	require.Equal(t, []string{
		"GET /_index_template/logs-ti_threatq.threat",
		"PUT /_index_template/logs-ti_threatq.threat",
		"GET /_data_stream/logs-ti_threatq.threat-default",
		"PUT /_data_stream/logs-ti_threatq.threat-default/_lifecycle",
	}, estest.Summary(reqs))
	put, _ := estest.Find(reqs, http.MethodPut, "/_data_stream/logs-ti_threatq.threat-default/_lifecycle")
	require.JSONEq(t, `{"data_retention":"9d"}`, string(put.Body))
}

func TestServerlessUsesDataStreamLifecycle(t *testing.T) {
	es := estest.New(estest.Options{Serverless: true})
	defer es.Close()
	inst, _ := newInstaller(t, es, DefaultOptions())
	require.Equal(t, LifecycleDSL, inst.Assets().Lifecycle)
	require.NoError(t, inst.Setup(Steps{IndexManagement: true}))
	require.Equal(t, "GET /_index_template/logs-ti_threatq.threat", estest.Summary(es.Requests())[0])
}

func TestErrorsNameStepAndResource(t *testing.T) {
	for _, tc := range []struct {
		name   string
		method string
		path   string
		status int
		body   string
		steps  Steps
		want   []string
	}{
		{
			name: "missing transform privilege", method: http.MethodPut, path: "/_transform/" + TransformID, status: http.StatusForbidden,
			body:  `{"error":{"type":"security_exception","reason":"action [cluster:admin/transform/put] is unauthorized for user [tq]"},"status":403}`,
			steps: Steps{Transforms: true},
			want: []string{"setup transforms: create transform logs-ti_threatq.latest_ioc: PUT /_transform/logs-ti_threatq.latest_ioc?defer_validation=true: 403 Forbidden: security_exception: action [cluster:admin/transform/put] is unauthorized for user [tq]",
				"needs the manage_transform cluster privilege"},
		},
		{
			name: "missing pipeline privilege on read", method: http.MethodGet, path: "/_ingest/pipeline/" + PipelineID, status: http.StatusForbidden,
			body:  `{"error":{"type":"security_exception","reason":"action [cluster:admin/ingest/pipeline/get] is unauthorized"},"status":403}`,
			steps: All(),
			want:  []string{"setup pipelines: check ingest pipeline logs-ti_threatq.threat: GET /_ingest/pipeline/logs-ti_threatq.threat: 403 Forbidden", "manage_pipeline"},
		},
		{
			name: "template rejected", method: http.MethodPut, path: "/_index_template/" + TemplateName, status: http.StatusBadRequest,
			body:  `{"error":{"type":"illegal_argument_exception","reason":"index template [logs-ti_threatq.threat] has index patterns [logs-ti_threatq.threat-*] matching patterns from existing templates [other] with the same priority [150]"},"status":400}`,
			steps: Steps{IndexManagement: true},
			want:  []string{"setup index-management: install index template logs-ti_threatq.threat: PUT /_index_template/logs-ti_threatq.threat: 400 Bad Request: illegal_argument_exception: index template [logs-ti_threatq.threat] has index patterns"},
		},
		{
			name: "ILM answer without JSON", method: http.MethodGet, path: "/_ilm/policy/" + PolicyName, status: http.StatusUnauthorized,
			body:  `unauthorized`,
			steps: Steps{IndexManagement: true},
			want:  []string{"setup index-management: check ILM policy logs-ti_threatq.threat: GET /_ilm/policy/logs-ti_threatq.threat: 401 Unauthorized: unauthorized", "manage_ilm"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es := estest.New(estest.Options{})
			defer es.Close()
			es.Fail(tc.method, tc.path, tc.status, tc.body)
			inst, _ := newInstaller(t, es, DefaultOptions())
			err := inst.Setup(tc.steps)
			require.Error(t, err)
			var se *Error
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.status, se.Status)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
		})
	}
}

func withAliases(b Body, aliases Body) Body {
	out := Body{}
	for k, v := range b {
		out[k] = v
	}
	out["aliases"] = aliases
	return out
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := t.TempDir() + "/policy.json"
	require.NoError(t, writeString(p, content))
	return p
}

func writeString(p, s string) error { return os.WriteFile(p, []byte(s), 0o600) }
