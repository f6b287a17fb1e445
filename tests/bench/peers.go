package main

import (
	"bytes"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/elastic/mock-es/pkg/api"
)

// esSink is a mock-es (github.com/elastic/mock-es) on a loopback port that
// accepts every document once and counts them by _id.
type esSink struct {
	addr string
	srv  *http.Server

	mu     sync.Mutex
	events int
	ids    map[string]struct{}
}

type nodeID string

func (n nodeID) String() string { return string(n) }

func startESSink() (*esSink, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &esSink{addr: l.Addr().String(), ids: make(map[string]struct{})}
	h := api.NewDeterministicAPIHandler(nodeID("5c0a3e2f-bench-threatqbeat"), "", nil, time.Now().Add(24*time.Hour), 0, 0, s.decide)
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// decide answers one bulk item: 201 the first time an _id is seen, 409
// after (as Elasticsearch answers a create of an existing _id).
func (s *esSink) decide(a api.Action, _ []byte) int {
	id := metaID(a.Meta)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events++
	if _, dup := s.ids[id]; dup {
		return http.StatusConflict
	}
	s.ids[id] = struct{}{}
	return http.StatusCreated
}

// metaID extracts "_id" from a bulk action's metadata without a full
// decode (the sink shares the machine with the beat being measured).
func metaID(meta []byte) string {
	key := []byte(`"_id":"`)
	i := bytes.Index(meta, key)
	if i < 0 {
		return ""
	}
	v := meta[i+len(key):]
	j := bytes.IndexByte(v, '"')
	if j < 0 {
		return ""
	}
	return string(v[:j])
}

func (s *esSink) counts() (events, distinct int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events, len(s.ids)
}

func (s *esSink) close() { _ = s.srv.Close() }
