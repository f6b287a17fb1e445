//go:build integration

package integration

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/elastic/mock-es/pkg/api"
)

// bulkSink is a mock-es (github.com/elastic/mock-es) bulk endpoint that
// records every document it accepted, by _id, and can refuse a document's
// first attempt with 429 (Elasticsearch's "too many requests").
type bulkSink struct {
	tooManyEvery  int    // 0: never; n: every n-th new _id gets 429 first
	tooLargeAbove int    // 0: never; n: a bulk with more documents gets 413
	tooLargeID    string // a bulk holding this _id gets 413, even alone: an oversized event
	refuseID      string // this _id gets 400 (a mapping error): not retryable

	mu       sync.Mutex
	accepted map[string]int // _id → times accepted
	refused  int
	tooLarge int
	seen     int
	handler  *api.APIHandler
}

func newBulkSink(tooManyEvery int) *bulkSink {
	s := &bulkSink{tooManyEvery: tooManyEvery, accepted: map[string]int{}}
	s.handler = api.NewDeterministicAPIHandler(nodeID("3e1c6c1e-5b33-4a0b-9d3c-threatqbeat"), "", nil, time.Now().Add(time.Hour), 0, 100, s.decide)
	return s
}

// nodeID is the node UUID mock-es reports.
type nodeID string

func (n nodeID) String() string { return string(n) }

// decide answers one bulk item.
func (s *bulkSink) decide(a api.Action, _ []byte) int {
	var meta struct {
		ID string `json:"_id"`
	}
	_ = json.Unmarshal(a.Meta, &meta)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuseID != "" && meta.ID == s.refuseID {
		s.refused++
		return http.StatusBadRequest
	}
	if _, ok := s.accepted[meta.ID]; !ok && s.tooManyEvery > 0 {
		s.seen++
		if s.seen%s.tooManyEvery == 0 {
			s.refused++
			return http.StatusTooManyRequests
		}
	}
	s.accepted[meta.ID]++
	if s.accepted[meta.ID] > 1 {
		return http.StatusConflict
	}
	return http.StatusCreated
}

func (s *bulkSink) refusedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

func (s *bulkSink) tooLargeCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooLarge
}

// ServeHTTP answers 413 to bulks above tooLargeAbove documents or holding
// tooLargeID (as Elasticsearch does above http.max_content_length) and
// hands everything else to mock-es.
func (s *bulkSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if (s.tooLargeAbove > 0 || s.tooLargeID != "") && r.URL.Path == "/_bulk" {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		plain := body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			plain, _ = io.ReadAll(zr)
		}
		if (s.tooLargeAbove > 0 && bytes.Count(plain, []byte("\n"))/2 > s.tooLargeAbove) ||
			(s.tooLargeID != "" && bytes.Contains(plain, []byte(`"_id":"`+s.tooLargeID+`"`))) {
			s.mu.Lock()
			s.tooLarge++
			s.mu.Unlock()
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	s.handler.ServeHTTP(w, r)
}

// has reports whether the document with _id id was accepted.
func (s *bulkSink) has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted[id] > 0
}

func (s *bulkSink) distinct() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.accepted)
}

// serve starts the sink on addr ("127.0.0.1:0" for any port) and returns
// the listener's address and a stop function.
func (s *bulkSink) serve(t *testing.T, addr string) (string, func()) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	stop := func() { _ = srv.Close() }
	t.Cleanup(stop)
	return l.Addr().String(), stop
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
