package threatqtest

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"sync"
	"time"
)

// maxRecordedBody bounds the request body a Recorder keeps.
const maxRecordedBody = 64 << 10

// RecordedRequest is one request a Recorder received.
type RecordedRequest struct {
	Method string
	URL    string // path and query as sent
	Header http.Header
	Body   string
}

// Recorder is a plain-HTTP listener on another loopback port that records
// every request it receives and answers 404: the place a hostile redirect
// points to, where a test checks that no credential ever arrives.
type Recorder struct {
	url string
	srv *http.Server

	mu       sync.Mutex
	requests []RecordedRequest
}

// NewRecorder starts a Recorder on a random loopback port. It panics if it
// cannot listen, like net/http/httptest.
func NewRecorder() *Recorder {
	l, err := listenLoopback()
	if err != nil {
		panic(fmt.Errorf("threatqtest: %w", err))
	}
	r := &Recorder{url: "http://" + l.Addr().String()}
	r.srv = &http.Server{
		Handler:           http.HandlerFunc(r.serveHTTP),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go r.srv.Serve(l) //nolint:errcheck // Serve returns http.ErrServerClosed on Close.
	return r
}

// URL is the base URL, e.g. "http://127.0.0.1:41235".
func (r *Recorder) URL() string { return r.url }

// Requests returns every request received so far, in arrival order.
func (r *Recorder) Requests() []RecordedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RecordedRequest(nil), r.requests...)
}

// Close stops the Recorder.
func (r *Recorder) Close() { r.srv.Close() }

func (r *Recorder) serveHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, maxRecordedBody))
	r.mu.Lock()
	r.requests = append(r.requests, RecordedRequest{Method: req.Method, URL: req.URL.RequestURI(), Header: req.Header.Clone(), Body: string(body)})
	r.mu.Unlock()
	writeErrors(w, http.StatusNotFound, "Not Found")
}
