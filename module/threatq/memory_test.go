package threatq

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// allocated runs f and returns the bytes allocated meanwhile by the whole
// process (the simulator's handlers included, which allocate little here).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestClaimedLengthIsNotAllocated: a page announcing 300 MB (within the
// limit of the largest page_size) that sends 19 bytes costs what was
// received, not what was claimed, and fails as a network error.
func TestClaimedLengthIsNotAllocated(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	c, err := New(Options{URL: sim.URL(), TokenURL: sim.TokenURL(), ClientID: "test", ClientSecret: "test", HTTPClient: sim.Client(),
		PageSize: 10000, MaxPageBytes: DefaultMaxPageBytes(10000), Retry: RetryPolicy{MaxAttempts: 1}})
	require.NoError(t, err)
	_, err = c.tokens.Token(context.Background())
	require.NoError(t, err)
	sim.InjectFault(threatqtest.Fault{Body: `{"total":1,"data":[`, ClaimedLength: 300 << 20})

	var werr error
	n := allocated(func() { _, werr = c.Walk("c", "").Next(context.Background()) })
	require.Error(t, werr)
	require.Less(t, n, uint64(16<<20), "allocated %d MB for a 19-byte answer claiming 300 MB", n>>20)
	require.True(t, isTransport(werr), "a cut body is a network error: %v", werr)
}

// TestClaimedLengthAboveLimitIsRefusedUnread: a Content-Length above
// max_page_bytes is refused before reading, with an error naming the
// setting, and is not retried.
func TestClaimedLengthAboveLimitIsRefusedUnread(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	c, err := New(Options{URL: sim.URL(), TokenURL: sim.TokenURL(), ClientID: "test", ClientSecret: "test", HTTPClient: sim.Client(), PageSize: 10,
		MaxPageBytes: 1 << 20, Retry: RetryPolicy{MaxAttempts: 3, WaitMin: time.Second, WaitMax: time.Second}})
	require.NoError(t, err)
	sim.InjectFault(threatqtest.Fault{Body: `{"total":1,"data":[`, ClaimedLength: 600 << 20, Times: -1})

	var werr error
	n := allocated(func() { _, werr = c.Walk("c", "").Next(context.Background()) })
	require.ErrorContains(t, werr, "max_page_bytes")
	require.ErrorContains(t, werr, "629145600 bytes")
	require.Less(t, n, uint64(4<<20))
	require.Equal(t, 1, sim.Stats().PageRequests, "not retried")
}

// streamer answers every page request with a 200 body of n bytes written
// from one reused chunk, without a Content-Length: its own allocations do
// not count.
func streamer(n int) http.Handler {
	chunk := bytes.Repeat([]byte(" "), 64<<10)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/token" {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"t","token_type":"Bearer","expires_in":3600}`))
			return
		}
		w.Write([]byte(`{"data":[`))
		for left := n; left > 0; left -= len(chunk) {
			if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
				return
			}
		}
		w.Write([]byte(`]}`))
	})
}

// TestPageAboveLimitIsRefused: a page that really is larger than
// max_page_bytes is refused once the limit is reached, with memory bounded
// by the limit, with or without the request tracer.
func TestPageAboveLimitIsRefused(t *testing.T) {
	for _, traced := range []bool{false, true} {
		srv := httptest.NewServer(streamer(64 << 20))
		hc := srv.Client()
		if traced {
			tr, err := NewTracer(filepath.Join(t.TempDir(), "trace"), 1, 1)
			require.NoError(t, err)
			defer tr.Close()
			hc.Transport = tr.Wrap(hc.Transport)
		}
		c, err := New(Options{URL: srv.URL, TokenURL: srv.URL + "/api/token", ClientID: "id", ClientSecret: "s", HTTPClient: hc,
			PageSize: 1000, MaxPageBytes: 1 << 20, Retry: RetryPolicy{MaxAttempts: 3, WaitMin: time.Second, WaitMax: time.Second}})
		require.NoError(t, err)
		var werr error
		n := allocated(func() { _, werr = c.Walk("c", "").Next(context.Background()) })
		srv.Close()
		require.ErrorContains(t, werr, "larger than max_page_bytes (1048576 bytes)", "traced %t", traced)
		var ae *APIError
		require.True(t, errors.As(werr, &ae))
		require.Less(t, n, uint64(8<<20), "traced %t: allocated %d MB reading a 64 MB page with a 1 MB limit", traced, n>>20)
	}
}

// TestErrorBodyIsReadOnlyInPart: an error answer is read only as far as the
// error message quotes it.
func TestErrorBodyIsReadOnlyInPart(t *testing.T) {
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/token" {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"t","token_type":"Bearer"}`))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		for i := 0; i < 1024; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c, err := New(Options{URL: srv.URL, TokenURL: srv.URL + "/api/token", ClientID: "id", ClientSecret: "s", HTTPClient: srv.Client(),
		PageSize: 1000, MaxPageBytes: DefaultMaxPageBytes(1000), Retry: RetryPolicy{MaxAttempts: 1}})
	require.NoError(t, err)
	var werr error
	n := allocated(func() { _, werr = c.Walk("c", "").Next(context.Background()) })
	require.ErrorContains(t, werr, "HTTP 400")
	require.Less(t, n, uint64(4<<20), "allocated %d MB for a 64 MB error body", n>>20)
}
