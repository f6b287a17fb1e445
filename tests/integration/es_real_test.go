//go:build integration

package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/threatqbeat/threatqbeat/internal/estest"
	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// The tests in this file run against a real Elasticsearch (9.x) when ES_URL
// is set, and are skipped otherwise:
//
//	ES_URL=https://localhost:9200 ES_USERNAME=elastic ES_PASSWORD=... \
//	  go test -tags integration ./tests/integration/ -run TestRealElasticsearch -v -timeout 20m
//
// ES_API_KEY (id:key, or the encoded form) replaces the user and password;
// ES_SSL_VERIFICATION=none accepts a self-signed certificate. The beat
// talks to the cluster through a recording reverse proxy, which adds the
// credentials, so the exact requests of a second setup can be asserted as
// with the test double.
//
// The test installs threatqbeat's assets for good (they are shared by every
// namespace), writes to its own namespace (e2e<unix time>) with indicator
// ids and values of its own, and deletes that data stream and its
// destination documents at the end. It also puts back the previous
// transform version once, to watch setup upgrade it: the destination is
// then rebuilt from the source data stream, as after any upgrade. The
// transform's 120 s sync delay makes the test take about five minutes.

// TestRealElasticsearch runs setup, a transform upgrade, an idempotent
// setup and run against a real cluster, and follows the indicators into the
// latest transform's destination. It covers, on the real stack:
//
//   - the destination is created as a plain index on a default cluster,
//     whose built-in logs-*-* template creates data streams only (its own
//     index template wins);
//   - the source data stream is standard, not logsdb, and keyword arrays
//     keep their order through the transform;
//   - one document per indicator, including indicators without threatq.id
//     (only indicator_id, or neither), the newest version of each;
//   - an update with a dropped field (error.message) replaces the older
//     version (here: expires the indicator), while documents the ingest
//     pipeline failed and documents of other inputs never reach the alias.
func TestRealElasticsearch(t *testing.T) {
	es := newRealES(t)
	root := es.must(t, http.MethodGet, "/", nil)
	serverless := field(root, "version.build_flavor") == "serverless"
	major := mustAtoi(t, strings.SplitN(fmt.Sprint(field(root, "version.number")), ".", 2)[0])
	ns := fmt.Sprintf("e2e%d", time.Now().Unix())
	dataStream := setup.DataStream(ns)
	a := expectedAssets(t)
	dest := setup.Destination(a.TransformVersion)
	// The namespace of the indicator that only the previous destination
	// holds (older than the source's retention).
	nsOld := ns + "old"
	lookupOn := serverless || major >= 9 || (major == 8 && mustAtoi(t, strings.SplitN(fmt.Sprint(field(root, "version.number")), ".", 3)[1]) >= 18)
	t.Cleanup(func() {
		for _, n := range []string{ns, nsOld} {
			es.do(t, http.MethodDelete, "/_data_stream/"+setup.DataStream(n), nil)
			es.do(t, http.MethodPost, "/"+setup.Alias+"/_delete_by_query?refresh=true",
				map[string]any{"query": map[string]any{"term": map[string]any{"data_stream.namespace": n}}})
		}
		if lookupOn {
			es.do(t, http.MethodPost, "/"+setup.LookupIndex+"/_delete_by_query?refresh=true",
				map[string]any{"query": map[string]any{"prefix": map[string]any{setup.LookupJoinKey: "198.51.100."}}})
		}
	})

	config := onlyES(es.proxy.URL) + "threatqbeat.data_stream.namespace: " + ns + "\n"
	if lookupOn {
		config += "setup.lookup_index.enabled: true\n"
	}
	b := newBeat(t, config)
	b.run(t, true, "setup", "-e")
	checkPlainDestination(t, es, dest)
	realUpgrade(t, es, b, a, nsOld, lookupOn)

	out := b.run(t, true, "setup", "-e")
	want := estest.SecondSetup.Requests()
	want[3] = "GET /_data_stream/" + dataStream
	if serverless {
		want = append(want[:1], want[2:]...)
	}
	if lookupOn {
		want = append(want, estest.LookupSecondSetup.Requests()...)
	}
	if diff := cmp.Diff(want, es.requests()); diff != "" {
		t.Fatalf("a second setup must only read (-want +got):\n%s\n%s", diff, out)
	}
	checkInstalled(t, es, dataStream, dest, serverless, major)

	// run: indicators with an id, one with only indicator_id, two with
	// neither, and one whose sources are not in alphabetical order.
	base := time.Now().Unix() % 1_000_000 * 1000 // indicator ids of this run only
	ip := func(i int64) string { return fmt.Sprintf("198.51.100.%d", i%250) }
	now := time.Now().UTC().Truncate(time.Second)
	const n = 10
	var raws []json.RawMessage
	for i := int64(0); i < n; i++ {
		raws = append(raws, realIndicator(base+i, now.Add(time.Duration(i-n)*time.Second), 5, time.Time{}))
	}
	raws[2] = withFields(raws[2], map[string]any{"sources": []any{
		map[string]any{"id": 1, "name": "Zeta Feed", "source_type": "other"},
		map[string]any{"id": 2, "name": "Alpha Feed", "source_type": "other"},
	}})
	noID := func(value string, extra map[string]any) json.RawMessage {
		fields := map[string]any{"id": nil, "value": value}
		for k, v := range extra {
			fields[k] = v
		}
		return withFields(realIndicator(0, now.Add(-time.Second), 5, time.Time{}), fields)
	}
	raws = append(raws,
		noID("203.0.113.1", map[string]any{"indicator_id": base + 500}),
		noID("203.0.113.2", nil),
		noID("203.0.113.3", nil),
	)
	total := len(raws)
	for i, raw := range raws {
		ev, err := threat.Map(raw, threat.Settings{Namespace: ns, Expiration: 90 * 24 * time.Hour}, now)
		if err != nil || ev.Fields["error"] != nil {
			t.Fatalf("test indicator %d does not map cleanly: %v %v", i, err, ev.Fields["error"])
		}
	}
	tq := threatqtest.New(threatqtest.Options{})
	defer tq.Close()
	tq.SetCollection("col-e2e", raws)
	rb := newBeat(t, esOutputConfig(tq.URL(), es.proxy.URL, "  run_once: true\n  data_stream.namespace: "+ns))
	logs := rb.run(t, true, "run", "-e")
	if m := totalMetrics(t, logs); m["libbeat.output.events.acked"] != float64(total) {
		t.Fatalf("run: %v events acknowledged, want %d", m["libbeat.output.events.acked"], total)
	}
	es.must(t, http.MethodPost, "/"+dataStream+"/_refresh", nil)
	count := func(index string, query map[string]any) float64 {
		t.Helper()
		res := es.must(t, http.MethodPost, "/"+index+"/_count", map[string]any{"query": query})
		c, _ := res["count"].(float64)
		return c
	}
	if c := count(dataStream, map[string]any{"exists": map[string]any{"field": "event.ingested"}}); c != float64(total) {
		t.Fatalf("%v documents of %s have event.ingested, want %d: the ingest pipeline did not run", c, dataStream, total)
	}
	if c := count(dataStream, map[string]any{"term": map[string]any{"labels.is_ioc_transform_source": "true"}}); c != float64(total) {
		t.Fatalf("%v source documents marked as transform source, want %d", c, total)
	}

	// Replay every page: 409s, counted as duplicates; nothing new stored.
	if err := os.Remove(filepath.Join(rb.home, "data", "threatq", "cursor-col-e2e.json")); err != nil {
		t.Fatal(err)
	}
	m := totalMetrics(t, rb.run(t, true, "run", "-e"))
	if m["libbeat.output.events.duplicates"] != float64(total) || m["libbeat.output.events.failed"] != 0 {
		t.Fatalf("replay: %v duplicates and %v failed, want %d and 0", m["libbeat.output.events.duplicates"], m["libbeat.output.events.failed"], total)
	}
	es.must(t, http.MethodPost, "/"+dataStream+"/_refresh", nil)
	if c := count(dataStream, map[string]any{"match_all": map[string]any{}}); c != float64(total) {
		t.Fatalf("%s holds %v documents after the replay, want %d", dataStream, c, total)
	}

	// One destination document per indicator, ids or not; the providers
	// in ThreatQ's order (a logsdb source would have sorted them).
	waitForDestination(t, es, ns, func(docs map[string][]map[string]any) error {
		if len(docs) != total {
			return fmt.Errorf("%d indicators in the destination, want %d", len(docs), total)
		}
		if got := field(docs[ip(base+2)][0], "threat.indicator.provider"); !cmp.Equal(got, []any{"Zeta Feed", "Alpha Feed"}) {
			return fmt.Errorf("threat.indicator.provider of %s is %v, want [Zeta Feed Alpha Feed]", ip(base+2), got)
		}
		return nil
	})

	if lookupOn {
		realLookupJoin(t, es, ns, ip(base+1))
	}

	// Documents that must not reach the alias, written straight into the
	// source data stream: one the ingest pipeline failed, one of another
	// input (the Elastic integration's httpjson), one with neither unique
	// key (as a threatqbeat older than threatq.indicator_key wrote them).
	marker := "2000-01-01T00:00:00.000Z"
	for _, d := range []map[string]any{
		{"event": map[string]any{"kind": "pipeline_error"}, "input": map[string]any{"type": "threatq"}, "threatq": map[string]any{"id": base + 3, "indicator_value": ip(base + 3)}},
		{"event": map[string]any{"kind": "enrichment"}, "input": map[string]any{"type": "httpjson"}, "threatq": map[string]any{"id": base + 4, "indicator_value": ip(base + 4)}},
		{"event": map[string]any{"kind": "enrichment"}, "input": map[string]any{"type": "threatq"}, "threatq": map[string]any{"indicator_value": "203.0.113.9"}},
	} {
		d["@timestamp"] = time.Now().UTC().Format(time.RFC3339)
		d["data_stream"] = map[string]any{"type": "logs", "dataset": "ti_threatq.threat", "namespace": ns}
		d["threat"] = map[string]any{"indicator": map[string]any{"modified_at": marker}}
		es.must(t, http.MethodPost, "/"+dataStream+"/_doc?refresh=true", d)
	}

	// ThreatQ expires indicator 0 in an update whose published_at cannot be
	// mapped (the event carries error.message), gives indicator 1 a new
	// score, and updates the indicators without id.
	later := time.Now().UTC().Truncate(time.Second)
	modified := later.Add(time.Second).Format("2006-01-02T15:04:05.000Z")
	tq.Append("col-e2e",
		withFields(realIndicator(base, later, 5, later.Add(-time.Hour)), map[string]any{"published_at": "yesterday"}),
		realIndicator(base+1, later.Add(time.Second), 9, time.Time{}),
		withFields(raws[n], map[string]any{"updated_at": tqTime(later.Add(time.Second))}),
		withFields(raws[n+1], map[string]any{"updated_at": tqTime(later.Add(time.Second))}),
	)
	rb.run(t, true, "run", "-e")
	es.must(t, http.MethodPost, "/"+dataStream+"/_refresh", nil)
	if c := count(dataStream, map[string]any{"exists": map[string]any{"field": "error.message"}}); c != 1 {
		t.Fatalf("%v source documents with error.message, want 1 (the expiring update)", c)
	}
	waitForDestination(t, es, ns, func(docs map[string][]map[string]any) error {
		if _, ok := docs[ip(base)]; ok {
			return fmt.Errorf("indicator %s is still in the destination: its expiring update (with a dropped field) was skipped", ip(base))
		}
		if _, ok := docs["203.0.113.9"]; ok {
			return fmt.Errorf("a document without threatq.id and threatq.indicator_key reached the destination")
		}
		if len(docs) != total-1 {
			return fmt.Errorf("%d indicators in the destination, want %d", len(docs), total-1)
		}
		for _, v := range []string{ip(base + 1), "203.0.113.1", "203.0.113.2"} {
			if got := field(docs[v][0], "threat.indicator.modified_at"); got != modified {
				return fmt.Errorf("indicator %s in the destination is not the update of %s: %v", v, modified, got)
			}
		}
		for _, v := range []string{ip(base + 3), ip(base + 4), "203.0.113.3"} {
			if got := field(docs[v][0], "threat.indicator.modified_at"); got == marker {
				return fmt.Errorf("indicator %s was replaced by a document that is not one of its versions", v)
			}
		}
		return nil
	})
}

// checkPlainDestination: on a cluster whose built-in logs-*-* template
// creates data streams only, the destination is a plain index created from
// threatqbeat's destination template.
func checkPlainDestination(t *testing.T, es *realES, dest string) {
	t.Helper()
	if status, _ := es.do(t, http.MethodGet, "/_index_template/logs", nil); status != http.StatusOK {
		t.Logf("this cluster has no built-in logs template (stack.templates.enabled: false?)")
	}
	if status, _ := es.do(t, http.MethodGet, "/_data_stream/"+dest, nil); status != http.StatusNotFound {
		t.Errorf("%s is a data stream (GET /_data_stream answered %d)", dest, status)
	}
	mapping := es.must(t, http.MethodGet, "/"+dest+"/_mapping", nil)
	if got := field(mapping[dest].(map[string]any), "mappings._meta.managed_by"); got != setup.ManagedBy {
		t.Errorf("%s mappings _meta.managed_by = %v", dest, got)
	}
	tmpl := es.must(t, http.MethodGet, "/_index_template/"+setup.DestinationTemplateName, nil)
	got := field(tmpl["index_templates"].([]any)[0].(map[string]any), "index_template.index_patterns")
	if !cmp.Equal(got, []any{dest}) {
		t.Errorf("destination template patterns %v, want [%s]", got, dest)
	}
}

// realUpgrade makes the cluster look as if the previous transform version
// were installed (its transform running, its destination behind the
// alias, holding an active indicator of namespace nsOld that the source
// data stream no longer has), then runs setup --transforms, checks the
// upgrade's requests, and waits for the indicator in the new destination.
func realUpgrade(t *testing.T, es *realES, b *beatCmd, a *setup.Assets, nsOld string, lookupOn bool) {
	t.Helper()
	prev := setup.Destination(fmt.Sprint(mustAtoi(t, a.TransformVersion) - 1))
	old := map[string]any{}
	for k, v := range a.Transform {
		old[k] = v
	}
	old["dest"] = map[string]any{"index": prev, "pipeline": setup.DestinationPipelineID}
	old["_meta"] = map[string]any{"managed_by": "threatqbeat", "version": mustAtoi(t, a.TransformVersion) - 1}
	tr := "/_transform/" + setup.TransformID
	es.must(t, http.MethodPost, tr+"/_stop?force=true&wait_for_completion=true", nil)
	es.must(t, http.MethodDelete, tr, nil)
	// The old destination, created as a plain index the way its version
	// could: through a template of its own, removed afterwards.
	const scaffold = "threatqbeat-e2e-previous-destination"
	es.must(t, http.MethodPut, "/_index_template/"+scaffold, map[string]any{"index_patterns": []any{prev}, "priority": 251})
	es.must(t, http.MethodPut, "/"+prev, map[string]any{"mappings": a.Destination["mappings"]})
	es.must(t, http.MethodDelete, "/_index_template/"+scaffold, nil)
	es.must(t, http.MethodPost, "/_aliases", map[string]any{"actions": []any{
		map[string]any{"add": map[string]any{"index": prev, "alias": setup.Alias}},
		map[string]any{"remove_index": map[string]any{"index": setup.Destination(a.TransformVersion)}},
	}})
	es.must(t, http.MethodPut, tr+"?defer_validation=true", old)
	es.must(t, http.MethodPost, tr+"/_start", nil)
	// An indicator ThreatQ last sent 20 days ago: only the old destination
	// has it, as the transform wrote it.
	long := time.Now().UTC().Add(-20 * 24 * time.Hour)
	es.must(t, http.MethodPut, "/"+prev+"/_doc/e2e-old?refresh=true", map[string]any{
		"@timestamp":  long.Format(time.RFC3339),
		"data_stream": map[string]any{"type": "logs", "dataset": "ti_threatq.threat", "namespace": nsOld},
		"input":       map[string]any{"type": "threatq"},
		"labels":      map[string]any{"is_ioc_transform_source": "false"},
		"event":       map[string]any{"kind": "enrichment", "ingested": long.Format(time.RFC3339Nano)},
		"threat":      map[string]any{"indicator": map[string]any{"type": "ipv4-addr", "ip": "198.51.100.251"}},
		"threatq": map[string]any{"id": time.Now().Unix(), "indicator_value": "198.51.100.251", "type": "IP Address",
			"ioc_expired_at": time.Now().UTC().Add(70 * 24 * time.Hour).Format(time.RFC3339Nano)},
	})
	es.requests()
	out := b.run(t, true, "setup", "--transforms", "-e")
	// The pipeline and the destination template are current already: the
	// upgrade without their PUTs, then (with the lookup index) its reads.
	upgrade := slices.DeleteFunc(estest.TransformUpgrade.Requests(), func(r string) bool {
		return strings.HasPrefix(r, "PUT /_ingest/pipeline/") || strings.HasPrefix(r, "PUT /_index_template/")
	})
	if lookupOn {
		upgrade = append(upgrade, estest.LookupSecondSetup.Requests()...)
	}
	if diff := cmp.Diff(upgrade, es.requests()); diff != "" {
		t.Fatalf("upgrade requests (-want +got):\n%s\n%s", diff, out)
	}
	if status, _ := es.do(t, http.MethodHead, "/"+prev, nil); status != http.StatusNotFound {
		t.Fatalf("the old destination still exists after the upgrade (HEAD: %d)", status)
	}
	got := es.must(t, http.MethodGet, tr, nil)
	if v := field(got["transforms"].([]any)[0].(map[string]any), "_meta.version"); fmt.Sprint(v) != a.TransformVersion {
		t.Fatalf("transform version after the upgrade: %v", v)
	}
	waitForDestination(t, es, nsOld, func(docs map[string][]map[string]any) error {
		if _, ok := docs["198.51.100.251"]; !ok || len(docs) != 1 {
			return fmt.Errorf("the indicator older than the source's retention is not in the new destination: %v", docs)
		}
		return nil
	})
}

// checkInstalled checks what setup installed, as the cluster reports it.
func checkInstalled(t *testing.T, es *realES, dataStream, dest string, serverless bool, major int) {
	t.Helper()
	tmpl := es.must(t, http.MethodGet, "/_index_template/"+setup.TemplateName, nil)
	if got := field(tmpl["index_templates"].([]any)[0].(map[string]any), "index_template.template.settings.index.default_pipeline"); got != setup.PipelineID {
		t.Errorf("template index.default_pipeline = %v", got)
	}
	ds := es.must(t, http.MethodGet, "/_data_stream/"+dataStream, nil)["data_streams"].([]any)[0].(map[string]any)
	if ds["template"] != setup.TemplateName {
		t.Errorf("data stream %s uses template %v", dataStream, ds["template"])
	}
	// Elasticsearch 9 would make it logsdb without the template's index.mode.
	if mode, ok := ds["index_mode"]; (ok || major >= 9) && mode != "standard" {
		t.Errorf("data stream %s has index_mode %v, want standard", dataStream, mode)
	}
	if !serverless {
		if ds["ilm_policy"] != setup.PolicyName {
			t.Errorf("data stream %s has ILM policy %v, want %s", dataStream, ds["ilm_policy"], setup.PolicyName)
		}
		policy := es.must(t, http.MethodGet, "/_ilm/policy/"+setup.PolicyName, nil)
		p, _ := policy[setup.PolicyName].(map[string]any)
		if got := field(p, "policy.phases.delete.min_age"); got != "5d" {
			t.Errorf("ILM delete phase min_age = %v, want 5d", got)
		}
	}
	alias := es.must(t, http.MethodGet, "/_alias/"+setup.Alias, nil)
	if _, ok := alias[dest]; !ok || len(alias) != 1 {
		t.Errorf("alias %s points at %v, want only %s", setup.Alias, alias, dest)
	}
	// The ingest pipeline sets event.ingested, and on a failure records it
	// in error.message and sets event.kind: pipeline_error (an event that is
	// not an object cannot take it), which the transform skips.
	sim := es.must(t, http.MethodPost, "/_ingest/pipeline/"+setup.PipelineID+"/_simulate", map[string]any{"docs": []any{
		map[string]any{"_source": map[string]any{"threatq": map[string]any{"id": 1}}},
		map[string]any{"_source": map[string]any{"event": "not an object"}},
	}})
	simDocs, _ := sim["docs"].([]any)
	if len(simDocs) != 2 {
		t.Fatalf("pipeline simulation: %v", sim)
	}
	if got := field(simDocs[0].(map[string]any), "doc._source.event.ingested"); got == nil {
		t.Errorf("the ingest pipeline did not set event.ingested: %v", simDocs[0])
	}
	if got, _ := field(simDocs[1].(map[string]any), "doc._source.error.message").([]any); len(got) != 1 {
		t.Errorf("the ingest pipeline did not record its failure in error.message: %v", simDocs[1])
	}
	stats := es.must(t, http.MethodGet, "/_transform/"+setup.TransformID+"/_stats", nil)
	if st := field(stats["transforms"].([]any)[0].(map[string]any), "state"); st != "started" && st != "indexing" {
		t.Fatalf("transform state %v", st)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}
