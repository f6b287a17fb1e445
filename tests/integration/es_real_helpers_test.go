//go:build integration

package integration

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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
)

// realESSkip is the message of the skipped tests.
const realESSkip = "ES_URL is not set: skipping the tests against a real Elasticsearch " +
	"(set ES_URL, and ES_USERNAME/ES_PASSWORD or ES_API_KEY, to run them; see tests/integration/es_real_test.go)"

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

// withFields returns an indicator with fields set (nil removes one).
func withFields(raw json.RawMessage, fields map[string]any) json.RawMessage {
	var ind map[string]any
	if err := json.Unmarshal(raw, &ind); err != nil {
		panic(err)
	}
	for k, v := range fields {
		if v == nil {
			delete(ind, k)
			continue
		}
		ind[k] = v
	}
	data, _ := json.Marshal(ind)
	return data
}

// waitForDestination polls the latest alias (asking the transform for a
// checkpoint each time) until the documents of namespace ns, grouped by
// threatq.indicator_value (every test indicator has its own), satisfy
// check, with exactly one document per indicator, marked
// labels.is_ioc_transform_source "false".
func waitForDestination(t *testing.T, es *realES, ns string, check func(map[string][]map[string]any) error) {
	t.Helper()
	// The transform's sync delay is 120 s and its frequency 30 s.
	poll(t, 6*time.Minute, 5*time.Second, "transform destination", func() error {
		es.do(t, http.MethodPost, "/_transform/"+setup.TransformID+"/_schedule_now", nil)
		es.do(t, http.MethodPost, "/"+setup.Alias+"/_refresh", nil)
		res := es.must(t, http.MethodPost, "/"+setup.Alias+"/_search", map[string]any{
			"size":  1000,
			"query": map[string]any{"term": map[string]any{"data_stream.namespace": ns}},
		})
		docs := map[string][]map[string]any{}
		hits, _ := field(res, "hits.hits").([]any)
		for _, h := range hits {
			src, _ := h.(map[string]any)["_source"].(map[string]any)
			v := fmt.Sprint(field(src, "threatq.indicator_value"))
			docs[v] = append(docs[v], src)
			if l := field(src, "labels.is_ioc_transform_source"); l != "false" {
				return fmt.Errorf("destination document of %s has labels.is_ioc_transform_source %v", v, l)
			}
		}
		for v, d := range docs {
			if len(d) != 1 {
				return fmt.Errorf("indicator %s has %d documents in the destination", v, len(d))
			}
		}
		return check(docs)
	})
}

// realLookupJoin waits until the lookup index holds the indicator value
// active, then runs docs/elasticsearch.md's ES|QL join over an index of
// events of its own: the event whose source.ip is the indicator gets its
// type, the other one nothing.
func realLookupJoin(t *testing.T, es *realES, ns, active string) {
	t.Helper()
	mode := es.must(t, http.MethodGet, "/"+setup.LookupIndex+"/_settings", nil)
	if got := field(mode[setup.LookupIndex].(map[string]any), "settings.index.mode"); got != "lookup" {
		t.Fatalf("%s has index.mode %v", setup.LookupIndex, got)
	}
	events := "threatqbeat-e2e-events-" + ns
	t.Cleanup(func() { es.do(t, http.MethodDelete, "/"+events, nil) })
	es.must(t, http.MethodPut, "/"+events, map[string]any{"mappings": map[string]any{"properties": map[string]any{
		"@timestamp": map[string]any{"type": "date"}, "source": map[string]any{"properties": map[string]any{"ip": map[string]any{"type": "ip"}}},
	}}})
	for _, ip := range []string{active, "192.0.2.77"} {
		es.must(t, http.MethodPost, "/"+events+"/_doc?refresh=true", map[string]any{"@timestamp": time.Now().UTC().Format(time.RFC3339), "source": map[string]any{"ip": ip}})
	}
	query := "FROM " + events + " | EVAL " + setup.LookupJoinKey + " = TO_STRING(source.ip) | LOOKUP JOIN " + setup.LookupIndex +
		" ON " + setup.LookupJoinKey + " | KEEP source.ip, threat.indicator.type, threatq.id | SORT source.ip"
	poll(t, 6*time.Minute, 5*time.Second, "LOOKUP JOIN on "+setup.LookupIndex, func() error {
		es.do(t, http.MethodPost, "/_transform/"+setup.LookupTransformID+"/_schedule_now", nil)
		es.do(t, http.MethodPost, "/"+setup.LookupIndex+"/_refresh", nil)
		status, res := es.do(t, http.MethodPost, "/_query", map[string]any{"query": query})
		if status != http.StatusOK {
			t.Fatalf("ES|QL %s: %d %v", query, status, res)
		}
		rows, _ := res["values"].([]any)
		got := map[string][]any{}
		for _, r := range rows {
			row := r.([]any)
			got[fmt.Sprint(row[0])] = row[1:]
		}
		if len(got) == 2 && fmt.Sprint(got[active][0]) == "ipv4-addr" && got["192.0.2.77"][0] == nil {
			return nil
		}
		return fmt.Errorf("never matched %s: last rows %v", active, res["values"])
	})
}
