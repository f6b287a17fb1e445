//go:build integration

package integration

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/threatqbeat/threatqbeat/internal/estest"
	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestRunWritesToTheDataStream runs the beat against the Elasticsearch
// double with mock-es behind /_bulk: at connect it installs what is
// missing, every document goes to logs-ti_threatq.threat-default with the
// create action and the mapping's deterministic _id, and a replayed sync is
// answered 409 for every document, which libbeat counts as duplicates, not
// errors.
func TestRunWritesToTheDataStream(t *testing.T) {
	const n = 300
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	raws := threatqtest.Generate(n, 31, genStart)
	sim.SetCollection("col-e2e", raws)
	wantIDs := map[string]bool{}
	for _, raw := range raws {
		ev, err := threat.Map(raw, threat.Settings{}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		wantIDs[ev.ID] = true
	}
	if len(wantIDs) != n {
		t.Fatalf("generated data has %d distinct ids, want %d", len(wantIDs), n)
	}

	sink := newBulkSink(0)
	es := estest.New(estest.Options{Bulk: sink})
	defer es.Close()
	b := newBeat(t, esOutputConfig(sim.URL(), es.URL, "  run_once: true\n  page_size: 100"))

	logs := b.run(t, true, "run", "-e")
	if diff := cmp.Diff([]string{
		"GET /_license?human=false",
		"GET /_ilm/policy/logs-ti_threatq.threat",
		"PUT /_ilm/policy/logs-ti_threatq.threat",
		"GET /_ingest/pipeline/logs-ti_threatq.threat",
		"PUT /_ingest/pipeline/logs-ti_threatq.threat",
		"GET /_index_template/logs-ti_threatq.threat",
		"PUT /_index_template/logs-ti_threatq.threat",
	}, estest.Summary(es.Requests())); diff != "" {
		t.Fatalf("connect-time requests of run (-want +got):\n%s\n%s", diff, tail([]byte(logs)))
	}
	checkBulk(t, parseBulk(t, es.Bulks()), wantIDs, "logs-ti_threatq.threat-default")
	checkDefaultPipeline(t, es)
	if m := totalMetrics(t, logs); m["libbeat.output.events.duplicates"] != 0 || m["libbeat.output.events.acked"] != n {
		t.Fatalf("first run: acked %v, duplicates %v, want %d and 0", m["libbeat.output.events.acked"], m["libbeat.output.events.duplicates"], n)
	}

	// Replay: without its cursor the beat fetches every page again.
	if err := os.Remove(filepath.Join(b.home, "data", "threatq", "cursor-col-e2e.json")); err != nil {
		t.Fatal(err)
	}
	es.Reset()
	logs = b.run(t, true, "run", "-e")
	if diff := cmp.Diff([]string{
		"GET /_license?human=false",
		"GET /_ilm/policy/logs-ti_threatq.threat",
		"GET /_ingest/pipeline/logs-ti_threatq.threat",
		"GET /_index_template/logs-ti_threatq.threat",
	}, estest.Summary(es.Requests())); diff != "" {
		t.Fatalf("a second run must only check the assets (-want +got):\n%s", diff)
	}
	checkBulk(t, parseBulk(t, es.Bulks()), wantIDs, "logs-ti_threatq.threat-default")
	m := totalMetrics(t, logs)
	if m["libbeat.output.events.duplicates"] != n {
		t.Fatalf("replay: %v duplicates counted, want %d\n%s", m["libbeat.output.events.duplicates"], n, tail([]byte(logs)))
	}
	for _, k := range []string{"libbeat.output.events.failed", "libbeat.output.events.dropped", "libbeat.output.events.dead_letter"} {
		if m[k] != 0 {
			t.Errorf("replay: %s = %v, want 0 (409 is a duplicate, not an error)", k, m[k])
		}
	}
	if d := sink.distinct(); d != n {
		t.Fatalf("%d distinct documents stored, want %d", d, n)
	}
}

func TestRunWritesToTheConfiguredNamespace(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	raws := threatqtest.Generate(20, 32, genStart)
	sim.SetCollection("col-e2e", raws)
	wantIDs := map[string]bool{}
	for _, raw := range raws {
		ev, _ := threat.Map(raw, threat.Settings{}, time.Now())
		wantIDs[ev.ID] = true
	}
	es := estest.New(estest.Options{Bulk: newBulkSink(0)})
	defer es.Close()
	b := newBeat(t, esOutputConfig(sim.URL(), es.URL, "  run_once: true\n  data_stream.namespace: prod"))
	b.run(t, true, "run", "-e")
	checkBulk(t, parseBulk(t, es.Bulks()), wantIDs, "logs-ti_threatq.threat-prod")
}

// checkDefaultPipeline checks that the ingest pipeline applies to what run
// sent although every event carries @metadata._id (for which libbeat ignores
// output.elasticsearch.pipeline): the template installed at connect names it
// in index.default_pipeline, and no bulk request or action names another
// pipeline, which would replace it.
func checkDefaultPipeline(t *testing.T, es *estest.Server) {
	t.Helper()
	put, ok := estest.Find(es.Requests(), http.MethodPut, "/_index_template/"+setup.TemplateName)
	if !ok {
		t.Fatal("run installed no index template")
	}
	var tmpl map[string]any
	if err := json.Unmarshal(put.Body, &tmpl); err != nil {
		t.Fatal(err)
	}
	if got := field(tmpl, "template.settings.index.default_pipeline"); got != setup.PipelineID {
		t.Fatalf("index.default_pipeline of the template is %v, want %s", got, setup.PipelineID)
	}
	if got := field(tmpl, "index_patterns"); !cmp.Equal(got, []any{setup.TemplatePattern}) {
		t.Fatalf("template index_patterns %v", got)
	}
	bulks := 0
	for _, r := range es.All() {
		if strings.HasPrefix(r.Path, "/_bulk") {
			bulks++
			if strings.Contains(r.Path, "pipeline=") {
				t.Fatalf("bulk request %s names a pipeline", r.Path)
			}
		}
	}
	if bulks == 0 {
		t.Fatal("no bulk request recorded")
	}
	for _, it := range parseBulk(t, es.Bulks()) {
		if it.Pipeline != "" {
			t.Fatalf("bulk item %s names pipeline %q", it.ID, it.Pipeline)
		}
	}
}

// checkBulk checks that items are exactly one create per wanted id, into
// index, with the namespace of index in the document.
func checkBulk(t *testing.T, items []bulkItem, wantIDs map[string]bool, index string) {
	t.Helper()
	seen := map[string]bool{}
	for _, it := range items {
		if it.Action != "create" || it.Index != index {
			t.Fatalf("bulk item %s into %q, want create into %q", it.Action, it.Index, index)
		}
		if !wantIDs[it.ID] {
			t.Fatalf("bulk item with _id %q, not one the mapping gives", it.ID)
		}
		if seen[it.ID] {
			t.Fatalf("_id %q sent twice in one run", it.ID)
		}
		seen[it.ID] = true
		if ns := field(it.Doc, "data_stream.namespace"); "logs-ti_threatq.threat-"+ns.(string) != index {
			t.Fatalf("document namespace %v in index %s", ns, index)
		}
	}
	if len(seen) != len(wantIDs) {
		t.Fatalf("%d documents sent, want %d", len(seen), len(wantIDs))
	}
}
