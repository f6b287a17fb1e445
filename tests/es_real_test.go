package tests

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
	"github.com/threatqbeat/threatqbeat/module/threatq/setup/estest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// The tests in this file run against a real Elasticsearch (9.x) when ES_URL
// is set, and are skipped otherwise:
//
//	ES_URL=https://localhost:9200 ES_USERNAME=elastic ES_PASSWORD=... \
//	  go test ./tests/ -run TestRealElasticsearch -v -timeout 20m
//
// ES_API_KEY (id:key, or the encoded form) replaces the user and password;
// ES_SSL_VERIFICATION=none accepts a self-signed certificate. The beat
// talks to the cluster through a recording reverse proxy, which adds the
// credentials, so the exact requests of a second setup can be asserted as
// with the test double.
//
// The test installs threatqbeat's assets for good (they are shared by every
// namespace), writes to its own namespace (e2e<unix time>) with indicator
// ids of its own, and deletes that data stream and its destination
// documents at the end. It also puts back a "version 0" transform once, to
// watch setup upgrade it: the destination is then rebuilt from the source
// data stream, as after any upgrade. The transform's 120 s sync delay makes
// the test take about five minutes.

// realESSkip is the message of the skipped tests.
const realESSkip = "ES_URL is not set: skipping the tests against a real Elasticsearch " +
	"(set ES_URL, and ES_USERNAME/ES_PASSWORD or ES_API_KEY, to run them; see tests/es_real_test.go)"

// realES is a real cluster behind a recording proxy.
type realES struct {
	target *url.URL
	auth   string
	client *http.Client
	proxy  *httptest.Server

	mu   sync.Mutex
	reqs []string
}

func newRealES(t *testing.T) *realES {
	t.Helper()
	raw := os.Getenv("ES_URL")
	if raw == "" {
		t.Skip(realESSkip)
	}
	target, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("ES_URL: %v", err)
	}
	e := &realES{target: target}
	switch key, user := os.Getenv("ES_API_KEY"), os.Getenv("ES_USERNAME"); {
	case key != "":
		if strings.Contains(key, ":") {
			key = base64.StdEncoding.EncodeToString([]byte(key))
		}
		e.auth = "ApiKey " + key
	case user != "":
		e.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+os.Getenv("ES_PASSWORD")))
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if os.Getenv("ES_SSL_VERIFICATION") == "none" {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // asked for by the operator running the test
	}
	e.client = &http.Client{Transport: tr, Timeout: time.Minute}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = target.Host
			r.Out.Header.Del("Authorization")
			if e.auth != "" {
				r.Out.Header.Set("Authorization", e.auth)
			}
		},
		Transport: tr,
	}
	e.proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.record(r.Method, r.URL.RequestURI())
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(e.proxy.Close)
	if status, body := e.do(t, http.MethodGet, "/", nil); status != http.StatusOK {
		t.Fatalf("ES_URL %s: GET / answered %d: %v", raw, status, body)
	}
	return e
}

// record keeps the requests setup decides on: not the connection handshake
// nor bulk requests (as estest.Server.Requests).
func (e *realES) record(method, uri string) {
	if (method == http.MethodGet && (uri == "/" || strings.HasPrefix(uri, "/_license"))) || strings.HasPrefix(uri, "/_bulk") {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reqs = append(e.reqs, method+" "+uri)
}

// requests returns and forgets the recorded requests.
func (e *realES) requests() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.reqs
	e.reqs = nil
	return out
}

// do sends a request straight to the cluster (not recorded) and decodes the
// answer.
func (e *realES) do(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, strings.TrimSuffix(e.target.String(), "/")+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if e.auth != "" {
		req.Header.Set("Authorization", e.auth)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

// must is do for requests that must succeed.
func (e *realES) must(t *testing.T, method, path string, body any) map[string]any {
	t.Helper()
	status, out := e.do(t, method, path, body)
	if status >= 300 {
		t.Fatalf("%s %s: %d %v", method, path, status, out)
	}
	return out
}

// tqTime formats a time as ThreatQ does.
func tqTime(t time.Time) string { return t.UTC().Format(time.DateTime) }

// realIndicator is a minimal valid ThreatQ indicator.
func realIndicator(id int64, updated time.Time, score int, expiredAt time.Time) json.RawMessage {
	ind := map[string]any{
		"id": id, "value": fmt.Sprintf("198.51.100.%d", id%250), "class": "network",
		"type": map[string]any{"id": 15, "name": "IP Address", "class": "network"}, "type_id": 15,
		"status":     map[string]any{"id": 1, "name": "Active", "description": "Poses a threat."},
		"status_id":  1,
		"created_at": tqTime(updated.Add(-time.Hour)), "updated_at": tqTime(updated),
		"score": score,
		"sources": []any{map[string]any{
			"id": id, "indicator_id": id, "name": "Phishing Mailbox", "source_type": "other",
			"created_at": tqTime(updated.Add(-time.Hour)), "updated_at": tqTime(updated),
		}},
	}
	if !expiredAt.IsZero() {
		ind["expired_at"] = tqTime(expiredAt)
	}
	data, _ := json.Marshal(ind)
	return data
}

// TestRealElasticsearch runs setup, a transform upgrade, an idempotent
// setup and run against a real cluster, and follows the indicators into the
// latest transform's destination: one document per indicator, the newest
// version, and an indicator that expired disappears.
func TestRealElasticsearch(t *testing.T) {
	es := newRealES(t)
	root := es.must(t, http.MethodGet, "/", nil)
	serverless := field(root, "version.build_flavor") == "serverless"
	ns := fmt.Sprintf("e2e%d", time.Now().Unix())
	dataStream := setup.DataStream(ns)
	const n = 10
	base := time.Now().Unix() % 1_000_000 * 1000 // indicator ids of this run only
	t.Cleanup(func() {
		es.do(t, http.MethodDelete, "/_data_stream/"+dataStream, nil)
		es.do(t, http.MethodPost, "/"+setup.Alias+"/_delete_by_query?refresh=true",
			map[string]any{"query": map[string]any{"term": map[string]any{"data_stream.namespace": ns}}})
	})

	// setup; an upgrade; setup again, which only reads.
	b := newBeat(t, onlyES(es.proxy.URL)+"threatqbeat.data_stream.namespace: "+ns+"\n")
	b.run(t, true, "setup", "-e")

	// Upgrade: make the cluster look as if version 0 were installed (its
	// transform running, its destination behind the alias), then setup.
	a := expectedAssets(t)
	old := map[string]any{}
	for k, v := range a.Transform {
		old[k] = v
	}
	old["dest"] = map[string]any{"index": setup.Destination("0"), "pipeline": setup.DestinationPipelineID}
	old["_meta"] = map[string]any{"managed_by": "threatqbeat", "version": 0}
	tr := "/_transform/" + setup.TransformID
	es.must(t, http.MethodPost, tr+"/_stop?force=true&wait_for_completion=true", nil)
	es.must(t, http.MethodDelete, tr, nil)
	es.must(t, http.MethodPut, "/"+setup.Destination("0"), map[string]any{"mappings": a.Destination["mappings"]})
	es.must(t, http.MethodPost, "/_aliases", map[string]any{"actions": []any{
		map[string]any{"add": map[string]any{"index": setup.Destination("0"), "alias": setup.Alias}},
		map[string]any{"remove_index": map[string]any{"index": setup.Destination("1")}},
	}})
	es.must(t, http.MethodPut, tr+"?defer_validation=true", old)
	es.must(t, http.MethodPost, tr+"/_start", nil)
	es.requests()
	out := b.run(t, true, "setup", "--transforms", "-e")
	// The pipeline is current already: the upgrade without its PUT.
	upgrade := slices.Delete(slices.Clone(estest.TransformUpgrade), 1, 2)
	if diff := cmp.Diff(upgrade, es.requests()); diff != "" {
		t.Fatalf("upgrade requests (-want +got):\n%s\n%s", diff, out)
	}
	if status, _ := es.do(t, http.MethodHead, "/"+setup.Destination("0"), nil); status != http.StatusNotFound {
		t.Fatalf("the old destination still exists after the upgrade (HEAD: %d)", status)
	}
	got := es.must(t, http.MethodGet, tr, nil)
	if v := field(got["transforms"].([]any)[0].(map[string]any), "_meta.version"); v != 1.0 {
		t.Fatalf("transform version after the upgrade: %v", v)
	}

	out = b.run(t, true, "setup", "-e")
	want := slices.Clone(estest.SecondSetup)
	want[3] = "GET /_data_stream/" + dataStream
	if serverless {
		want = append(want[:1], want[2:]...)
	}
	if diff := cmp.Diff(want, es.requests()); diff != "" {
		t.Fatalf("a second setup must only read (-want +got):\n%s\n%s", diff, out)
	}

	// What setup installed, as the cluster reports it.
	tmpl := es.must(t, http.MethodGet, "/_index_template/"+setup.TemplateName, nil)
	if got := field(tmpl["index_templates"].([]any)[0].(map[string]any), "index_template.template.settings.index.default_pipeline"); got != setup.PipelineID {
		t.Errorf("template index.default_pipeline = %v", got)
	}
	ds := es.must(t, http.MethodGet, "/_data_stream/"+dataStream, nil)["data_streams"].([]any)[0].(map[string]any)
	if ds["template"] != setup.TemplateName {
		t.Errorf("data stream %s uses template %v", dataStream, ds["template"])
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
	if _, ok := alias[setup.Destination("1")]; !ok || len(alias) != 1 {
		t.Errorf("alias %s points at %v, want only %s", setup.Alias, alias, setup.Destination("1"))
	}
	// The ingest pipeline sets event.ingested, and records a failure in
	// error.message (an event that is not an object cannot take it).
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

	// run: n active indicators.
	now := time.Now().UTC().Truncate(time.Second)
	raws := make([]json.RawMessage, n)
	for i := range raws {
		raws[i] = realIndicator(base+int64(i), now.Add(time.Duration(i-n)*time.Second), 5, time.Time{})
		ev, err := threat.Map(raws[i], threat.Settings{Namespace: ns, Expiration: 90 * 24 * time.Hour}, now)
		if err != nil || ev.Fields["error"] != nil {
			t.Fatalf("test indicator %d does not map cleanly: %v %v", i, err, ev.Fields["error"])
		}
	}
	tq := threatqtest.New(threatqtest.Options{})
	defer tq.Close()
	tq.SetCollection("col-e2e", raws)
	rb := newBeat(t, esOutputConfig(tq.URL(), es.proxy.URL, "  run_once: true\n  data_stream.namespace: "+ns))
	logs := rb.run(t, true, "run", "-e")
	if m := totalMetrics(t, logs); m["libbeat.output.events.acked"] != n {
		t.Fatalf("run: %v events acknowledged, want %d", m["libbeat.output.events.acked"], n)
	}
	es.must(t, http.MethodPost, "/"+dataStream+"/_refresh", nil)
	count := func(index string, query map[string]any) float64 {
		t.Helper()
		res := es.must(t, http.MethodPost, "/"+index+"/_count", map[string]any{"query": query})
		c, _ := res["count"].(float64)
		return c
	}
	if c := count(dataStream, map[string]any{"exists": map[string]any{"field": "event.ingested"}}); c != n {
		t.Fatalf("%v documents of %s have event.ingested, want %d: the ingest pipeline did not run", c, dataStream, n)
	}
	if c := count(dataStream, map[string]any{"term": map[string]any{"labels.is_ioc_transform_source": "true"}}); c != n {
		t.Fatalf("%v source documents marked as transform source, want %d", c, n)
	}

	// Replay every page: 409s, counted as duplicates; nothing new stored.
	if err := os.Remove(filepath.Join(rb.home, "data", "threatq", "cursor-col-e2e.json")); err != nil {
		t.Fatal(err)
	}
	m := totalMetrics(t, rb.run(t, true, "run", "-e"))
	if m["libbeat.output.events.duplicates"] != n || m["libbeat.output.events.failed"] != 0 {
		t.Fatalf("replay: %v duplicates and %v failed, want %d and 0", m["libbeat.output.events.duplicates"], m["libbeat.output.events.failed"], n)
	}
	es.must(t, http.MethodPost, "/"+dataStream+"/_refresh", nil)
	if c := count(dataStream, map[string]any{"match_all": map[string]any{}}); c != n {
		t.Fatalf("%s holds %v documents after the replay, want %d", dataStream, c, n)
	}

	// The destination gets one document per indicator.
	waitForDestination(t, es, ns, func(docs map[float64][]map[string]any) error {
		if len(docs) != n {
			return fmt.Errorf("%d indicators in the destination, want %d", len(docs), n)
		}
		return nil
	})

	// ThreatQ updates indicator 1 (new score) and expires indicator 0.
	later := time.Now().UTC().Truncate(time.Second)
	tq.Append("col-e2e",
		realIndicator(base, later, 5, later.Add(-time.Hour)),
		realIndicator(base+1, later.Add(time.Second), 9, time.Time{}),
	)
	rb.run(t, true, "run", "-e")
	es.must(t, http.MethodPost, "/"+dataStream+"/_refresh", nil)
	if c := count(dataStream, map[string]any{"match_all": map[string]any{}}); c != n+2 {
		t.Fatalf("%s holds %v documents, want %d (every version is kept in the source)", dataStream, c, n+2)
	}
	waitForDestination(t, es, ns, func(docs map[float64][]map[string]any) error {
		if _, ok := docs[float64(base)]; ok {
			return fmt.Errorf("expired indicator %d is still in the destination", base)
		}
		if len(docs) != n-1 {
			return fmt.Errorf("%d indicators in the destination, want %d", len(docs), n-1)
		}
		wantMod := later.Add(time.Second).Format("2006-01-02T15:04:05.000Z")
		if d := docs[float64(base+1)]; len(d) == 0 || field(d[0], "threat.indicator.modified_at") != wantMod {
			return fmt.Errorf("indicator %d in the destination is not the update of %s: %v", base+1, wantMod, d)
		}
		return nil
	})
}

// waitForDestination polls the latest alias (asking the transform for a
// checkpoint each time) until the documents of namespace ns, grouped by
// threatq.id, satisfy check, with exactly one document per indicator
// marked labels.is_ioc_transform_source "false".
func waitForDestination(t *testing.T, es *realES, ns string, check func(map[float64][]map[string]any) error) {
	t.Helper()
	deadline := time.Now().Add(6 * time.Minute) // sync delay 120s, frequency 30s
	var last error
	for time.Now().Before(deadline) {
		es.do(t, http.MethodPost, "/_transform/"+setup.TransformID+"/_schedule_now", nil)
		es.do(t, http.MethodPost, "/"+setup.Alias+"/_refresh", nil)
		res := es.must(t, http.MethodPost, "/"+setup.Alias+"/_search", map[string]any{
			"size":  1000,
			"query": map[string]any{"term": map[string]any{"data_stream.namespace": ns}},
		})
		docs := map[float64][]map[string]any{}
		hits, _ := field(res, "hits.hits").([]any)
		last = nil
		for _, h := range hits {
			src, _ := h.(map[string]any)["_source"].(map[string]any)
			id, _ := field(src, "threatq.id").(float64)
			docs[id] = append(docs[id], src)
			if v := field(src, "labels.is_ioc_transform_source"); v != "false" && last == nil {
				last = fmt.Errorf("destination document of %v has labels.is_ioc_transform_source %v", id, v)
			}
		}
		for id, d := range docs {
			if len(d) != 1 && last == nil {
				last = fmt.Errorf("indicator %v has %d documents in the destination", id, len(d))
			}
		}
		if last == nil {
			if last = check(docs); last == nil {
				return
			}
		}
		time.Sleep(5 * time.Second)
	}
	t.Fatalf("transform destination: %v", last)
}
