package estest

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"slices"
	"testing"
)

// TestRecordedRequests: Requests leaves out the connection handshake and
// bulk requests, All keeps them, both in arrival order with the query
// string and the body; Reset forgets the requests, not the stored state.
func TestRecordedRequests(t *testing.T) {
	bulk := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"errors":false,"items":[]}`))
	})
	s := New(Options{Bulk: bulk})
	defer s.Close()
	call(t, s, http.MethodGet, "/", "")
	call(t, s, http.MethodGet, "/_license", "")
	call(t, s, http.MethodPut, "/_ilm/policy/p", `{"policy":{"phases":{}}}`)
	call(t, s, http.MethodPost, "/_bulk", "{\"create\":{}}\n{\"a\":1}\n")
	call(t, s, http.MethodGet, "/_ilm/policy/p?filter_path=x", "")

	want := []string{"PUT /_ilm/policy/p", "GET /_ilm/policy/p?filter_path=x"}
	if got := Summary(s.Requests()); !slices.Equal(got, want) {
		t.Fatalf("Requests = %q, want %q", got, want)
	}
	all := []string{"GET /", "GET /_license", "PUT /_ilm/policy/p", "POST /_bulk", "GET /_ilm/policy/p?filter_path=x"}
	if got := Summary(s.All()); !slices.Equal(got, all) {
		t.Fatalf("All = %q, want %q", got, all)
	}
	put, ok := Find(s.Requests(), http.MethodPut, "/_ilm/policy/p")
	if !ok || string(put.Body) != `{"policy":{"phases":{}}}` {
		t.Fatalf("Find PUT = %+v, %v", put, ok)
	}
	if get, _ := Find(s.Requests(), http.MethodGet, "/_ilm/policy/p?filter_path=x"); get.Body != nil {
		t.Fatalf("a request without a body recorded %q", get.Body)
	}
	if _, ok := Find(s.Requests(), http.MethodGet, "/_ilm/policy/p"); ok {
		t.Fatal("Find matched a path without its query string")
	}
	if b := s.Bulks(); len(b) != 1 || string(b[0]) != "{\"create\":{}}\n{\"a\":1}\n" {
		t.Fatalf("Bulks = %q", b)
	}

	s.Reset()
	if len(s.All()) != 0 {
		t.Fatalf("Reset kept %v", s.All())
	}
	if status, _ := call(t, s, http.MethodGet, "/_ilm/policy/p", ""); status != http.StatusOK {
		t.Fatalf("the policy is gone after Reset: %d", status)
	}
}

// TestFailAnswersEveryMatchingRequest: Fail answers its status and body
// for the method and path (the query string ignored), every time, and is
// recorded like any request; other methods and paths are served.
func TestFailAnswersEveryMatchingRequest(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.Fail(http.MethodPut, "/_ilm/policy/p", http.StatusForbidden, `{"error":{"type":"security_exception"},"status":403}`)
	for range 2 {
		status, body := call(t, s, http.MethodPut, "/_ilm/policy/p?master_timeout=30s", `{"policy":{}}`)
		if e, _ := body["error"].(map[string]any); status != http.StatusForbidden || e["type"] != "security_exception" {
			t.Fatalf("got %d %v", status, body)
		}
	}
	if status, _ := call(t, s, http.MethodGet, "/_ilm/policy/p", ""); status != http.StatusNotFound {
		t.Fatalf("GET of a policy never stored: %d", status)
	}
	want := []string{"PUT /_ilm/policy/p?master_timeout=30s", "PUT /_ilm/policy/p?master_timeout=30s", "GET /_ilm/policy/p"}
	if got := Summary(s.Requests()); !slices.Equal(got, want) {
		t.Fatalf("Requests = %q, want %q", got, want)
	}
}

// TestGzipBodiesAreRecordedDecompressed: libbeat compresses its request
// bodies; the recording holds them as sent before compression, and the
// Authorization header with them.
func TestGzipBodiesAreRecordedDecompressed(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(`{"processors":[]}`))
	_ = zw.Close()
	req, err := http.NewRequest(http.MethodPut, s.URL+"/_ingest/pipeline/x", &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Authorization", "ApiKey aWQ6a2V5")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r, ok := Find(s.Requests(), http.MethodPut, "/_ingest/pipeline/x")
	if !ok || string(r.Body) != `{"processors":[]}` || r.Authorization != "ApiKey aWQ6a2V5" {
		t.Fatalf("recorded %+v (%v)", r, ok)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT pipeline: %d", resp.StatusCode)
	}
}
