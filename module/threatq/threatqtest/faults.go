package threatqtest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Fault endpoints.
const (
	EndpointToken = "token" // POST /api/token
	EndpointPage  = "page"  // GET /api/indicators/query/hash/<collection>
)

// Fault is a misbehaviour the server shows on the next Times requests to
// Endpoint. A fault with Status or Body replaces the whole answer (the
// request is not authenticated or validated); one with only Hold, Delay,
// RepeatCursor or DropFields changes a normal answer; one with none of
// them answers normally, so queued first it lets Times requests through
// before the next fault applies.
type Fault struct {
	// Endpoint is EndpointToken or EndpointPage (the default).
	Endpoint string
	// Collection restricts a page fault to one collection; empty matches
	// any.
	Collection string
	// Status is the HTTP status, e.g. 401, 429, 500, 502. With Status 0 and
	// a Body, the answer is 200 with that body (garbage from a healthy
	// looking server).
	Status int
	// RetryAfter is sent as the Retry-After header when not empty.
	RetryAfter string
	// Body is the raw body, e.g. HTML from a proxy, "400 Bad Request",
	// `[1,2]` or `{"data":"x"}`. With a Status and no Body, the body is
	// {"errors":[<status text>]}.
	Body string
	// ContentType of Body; when empty it is guessed: application/json for a
	// body starting with '{' or '[', text/html for '<', text/plain otherwise.
	ContentType string
	// Hold holds the answer back until the channel is closed, so that a
	// test decides when a request is answered (a sync that cannot finish
	// before the test acted). Like Delay, it ends early when the client
	// cancels the request or the server closes; then nothing is written.
	Hold <-chan struct{}
	// Delay holds the answer back this long, after Hold (it ends early when
	// the client cancels the request or the server closes; then nothing is
	// written).
	Delay time.Duration
	// RepeatCursor answers normally but with nextCursorMark equal to the
	// cursorMark sent: a looping cursor.
	RepeatCursor bool
	// DropFields answers without sources and attributes, whatever the
	// fields parameter asks: a server ignoring fields.
	DropFields bool
	// Location is sent as the Location header: with a 3xx Status, a
	// redirect (to another port of the host, another scheme, anywhere).
	Location string
	// ClaimedLength, when positive, is sent as Content-Length although only
	// Body follows; the connection is then closed. A lying server that
	// announces a huge body and sends a few bytes. The client gets the
	// headers and then an unexpected EOF: a network error whatever its
	// timeout, which no transport retries on its own.
	ClaimedLength int64
	// Times is how many matching requests the fault applies to: 0 means 1,
	// a negative number means every request from now on.
	Times int
}

type queuedFault struct {
	Fault
	left int // < 0: forever
}

// InjectFault queues f. Faults for the same requests apply in the order
// queued: the first queued fault matching a request is used and its count
// decremented. It panics on an unknown Endpoint (a bug in the caller).
func (s *Server) InjectFault(f Fault) {
	f.Endpoint = strings.ToLower(f.Endpoint)
	if f.Endpoint == "" {
		f.Endpoint = EndpointPage
	}
	if f.Endpoint != EndpointPage && f.Endpoint != EndpointToken {
		panic(fmt.Errorf("threatqtest: InjectFault: unknown endpoint %q (want %q or %q)", f.Endpoint, EndpointToken, EndpointPage))
	}
	left := f.Times
	if left == 0 {
		left = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &queuedFault{Fault: f, left: left})
	s.mu.Unlock()
}

// ClearFaults removes every queued fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// takeFault dequeues one use of the first fault that matches.
func (s *Server) takeFault(endpoint, collection string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.faults {
		if q.Endpoint != endpoint || (q.Collection != "" && q.Collection != collection) {
			continue
		}
		if q.left > 0 {
			q.left--
			if q.left == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
		}
		s.stats.FaultsApplied++
		return q.Fault, true
	}
	return Fault{}, false
}

// applyFault runs the part of a fault that happens before normal
// processing. It reports true when the request has been answered (or
// abandoned) and the caller must stop.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, endpoint, collection string) bool {
	f, ok := s.takeFault(endpoint, collection)
	if !ok {
		return false
	}
	return s.runFault(w, r, f)
}

// runFault holds, delays and, for a Status or Body fault, writes the
// answer.
func (s *Server) runFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if f.Hold != nil && !s.hold(r.Context(), f.Hold) {
		return true
	}
	if f.Delay > 0 && !s.wait(r.Context(), f.Delay) {
		return true
	}
	if f.Status == 0 && f.Body == "" {
		return false
	}
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	if status == http.StatusUnauthorized {
		s.mu.Lock()
		s.stats.Unauthorized++
		s.mu.Unlock()
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Location != "" {
		w.Header().Set("Location", f.Location)
	}
	if f.ClaimedLength > 0 {
		writeLying(w, status, f.ClaimedLength, f.Body)
		return true
	}
	if f.Body == "" {
		text := http.StatusText(status)
		if text == "" {
			text = fmt.Sprintf("Status %d", status)
		}
		writeErrors(w, status, text)
		return true
	}
	contentType := f.ContentType
	if contentType == "" {
		contentType = guessContentType(f.Body)
	}
	writeBody(w, status, contentType, []byte(f.Body))
	return true
}

func guessContentType(body string) string {
	trimmed := strings.TrimSpace(body)
	if trimmed == "" {
		return "text/plain; charset=utf-8"
	}
	switch trimmed[0] {
	case '{', '[':
		return "application/json"
	case '<':
		return "text/html; charset=utf-8"
	default:
		return "text/plain; charset=utf-8"
	}
}
