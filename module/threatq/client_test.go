package threatq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeAPI is a minimal ThreatQ for edge cases: a token endpoint and a
// collection endpoint answering from a script of responses.
type fakeAPI struct {
	mu        sync.Mutex
	tokens    int
	ttl       int // expires_in
	responses []fakeResponse
	requests  []*http.Request
}

type fakeResponse struct {
	status     int
	body       string
	retryAfter string
}

func page(next string, ids ...int) fakeResponse {
	data := make([]string, len(ids))
	for i, id := range ids {
		data[i] = fmt.Sprintf(`{"id":%d,"value":"192.0.2.%d"}`, id, id%250)
	}
	return fakeResponse{status: 200, body: fmt.Sprintf(`{"total":%d,"data":[%s],"nextCursorMark":%q}`, 99, strings.Join(data, ","), next)}
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/api/token" {
		f.tokens++
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":%d}`, f.tokens, f.ttl)
		return
	}
	f.requests = append(f.requests, r.Clone(context.Background()))
	if len(f.responses) == 0 {
		w.Write([]byte(`{"total":0,"data":[],"nextCursorMark":"end"}`))
		return
	}
	resp := f.responses[0]
	f.responses = f.responses[1:]
	if resp.retryAfter != "" {
		w.Header().Set("Retry-After", resp.retryAfter)
	}
	w.WriteHeader(resp.status)
	w.Write([]byte(resp.body))
}

type testEnv struct {
	api    *fakeAPI
	client *Client
	waits  []time.Duration
	now    time.Time
}

func newEnv(t *testing.T, responses ...fakeResponse) *testEnv {
	t.Helper()
	env := &testEnv{api: &fakeAPI{ttl: 3600, responses: responses}, now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	srv := httptest.NewServer(env.api)
	t.Cleanup(srv.Close)
	c, err := New(Options{
		URL: srv.URL, TokenURL: srv.URL + "/api/token", ClientID: "id", ClientSecret: "secret", HTTPClient: srv.Client(),
		PageSize: 2, MaxPageBytes: DefaultMaxPageBytes(2),
		Retry: RetryPolicy{MaxAttempts: 3, WaitMin: time.Second, WaitMax: 8 * time.Second},
		Now:   func() time.Time { return env.now },
		Sleep: func(_ context.Context, d time.Duration) error { env.waits = append(env.waits, d); return nil },
	})
	require.NoError(t, err)
	env.client = c
	return env
}

// drain walks a collection to its end and returns the ids seen and the error
// that ended the walk.
func drain(t *testing.T, w *Walk) ([]int, error) {
	t.Helper()
	var ids []int
	for i := 0; i < 100; i++ {
		p, err := w.Next(context.Background())
		if err != nil {
			return ids, err
		}
		for _, raw := range p.Indicators {
			var ind struct{ ID int }
			require.NoError(t, json.Unmarshal(raw, &ind))
			ids = append(ids, ind.ID)
		}
	}
	t.Fatal("walk did not end")
	return nil, nil
}

func TestWalkEndsOnEmptyArray(t *testing.T) {
	env := newEnv(t, page("c1", 1, 2), page("c2", 3), fakeResponse{200, `{"total":3,"data":[],"nextCursorMark":"c3"}`, ""})
	w := env.client.Walk("abc", "")
	ids, err := drain(t, w)
	require.ErrorIs(t, err, ErrNoMorePages)
	require.Equal(t, []int{1, 2, 3}, ids)
	require.Equal(t, "c2", w.Cursor(), "the cursor stays at the last page with data")
	require.Len(t, env.api.requests, 3)
	q := env.api.requests[0].URL.Query()
	require.Equal(t, "*", q.Get("cursorMark"))
	require.Equal(t, "updated_at", q.Get("sort"))
	require.Equal(t, "2", q.Get("limit"))
	require.Equal(t, DefaultFields, q.Get("fields"))
	require.Equal(t, "/api/indicators/query/hash/abc", env.api.requests[0].URL.Path)
	require.Equal(t, "application/json", env.api.requests[0].Header.Get("Accept"))
	require.Equal(t, "Bearer tok-1", env.api.requests[0].Header.Get("Authorization"))
	require.Equal(t, "c1", env.api.requests[1].URL.Query().Get("cursorMark"))
	require.Equal(t, 1, env.api.tokens, "one token for the whole walk")
}

func TestWalkEndsOnEmptyObject(t *testing.T) {
	env := newEnv(t, page("c1", 1), fakeResponse{200, `{"total":1,"data":{},"nextCursorMark":"c9"}`, ""})
	ids, err := drain(t, env.client.Walk("abc", ""))
	require.ErrorIs(t, err, ErrNoMorePages)
	require.Equal(t, []int{1}, ids)
}

func TestWalkEndsOnRepeatedCursor(t *testing.T) {
	env := newEnv(t, page("c1", 1), page("c1", 2), page("c5", 3))
	w := env.client.Walk("abc", "")
	ids, err := drain(t, w)
	require.ErrorIs(t, err, ErrNoMorePages)
	require.Equal(t, []int{1, 2}, ids, "a nextCursorMark equal to the one sent ends the walk after that page")
	require.Len(t, env.api.requests, 2)
	require.Equal(t, "c1", w.Cursor())
}

func TestWalkDetectsCursorLoop(t *testing.T) {
	env := newEnv(t, page("c1", 1), page("c2", 2), page("c1", 3))
	ids, err := drain(t, env.client.Walk("abc", ""))
	require.ErrorIs(t, err, ErrCursorLoop)
	require.Equal(t, []int{1, 2}, ids, "the looping page is not returned")
}

func TestWalkPageCap(t *testing.T) {
	env := newEnv(t, page("c1", 1), page("c2", 2), page("c3", 3))
	env.client.opts.MaxPages = 2
	w := env.client.Walk("abc", "")
	ids, err := drain(t, w)
	require.ErrorIs(t, err, ErrPageCap)
	require.Equal(t, []int{1, 2}, ids)
	require.Len(t, env.api.requests, 2, "no request beyond the cap")
}

func TestWalkResumesFromCursor(t *testing.T) {
	env := newEnv(t, page("c8", 7))
	_, err := drain(t, env.client.Walk("abc", "c7"))
	require.ErrorIs(t, err, ErrNoMorePages)
	require.Equal(t, "c7", env.api.requests[0].URL.Query().Get("cursorMark"))
}

func TestGarbageBodiesAreErrors(t *testing.T) {
	for name, body := range map[string]string{
		"html":          "<html><body>Bad Gateway</body></html>",
		"text":          "400 Bad Request",
		"array":         `[{"id":1}]`,
		"truncated":     `{"data":[{"id":1}`,
		"data string":   `{"data":"nope","nextCursorMark":"x"}`,
		"data object":   `{"data":{"id":1},"nextCursorMark":"x"}`,
		"no data":       `{"total":3}`,
		"errors member": `{"errors":["Unauthorized"],"data":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			env := newEnv(t, fakeResponse{200, body, ""})
			ids, err := drain(t, env.client.Walk("abc", ""))
			require.Empty(t, ids)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, "decode", ae.Kind())
			require.Len(t, env.api.requests, 1, "a bad body is not retried")
		})
	}
}

func TestBodyInErrorIsTrimmed(t *testing.T) {
	env := newEnv(t, fakeResponse{502, strings.Repeat("x", 10000), ""})
	env.client.opts.Retry.MaxAttempts = 1
	_, err := drain(t, env.client.Walk("abc", ""))
	require.Error(t, err)
	require.Contains(t, err.Error(), "HTTP 502")
	require.Less(t, len(err.Error()), 700)
}

func TestRetryOn5xxIsBounded(t *testing.T) {
	env := newEnv(t, fakeResponse{500, "boom", ""}, fakeResponse{503, "busy", ""}, fakeResponse{500, "boom", ""}, page("c1", 1))
	_, err := drain(t, env.client.Walk("abc", ""))
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, 500, ae.StatusCode)
	require.Contains(t, err.Error(), "giving up after 3 attempts")
	require.Len(t, env.api.requests, 3)
	require.Len(t, env.waits, 2)
	require.GreaterOrEqual(t, env.waits[0], 500*time.Millisecond)
	require.LessOrEqual(t, env.waits[0], time.Second)
	require.GreaterOrEqual(t, env.waits[1], time.Second)
	require.LessOrEqual(t, env.waits[1], 2*time.Second)
}

func TestRetryThenSuccess(t *testing.T) {
	env := newEnv(t, fakeResponse{502, "bad gateway", ""}, page("c1", 1))
	ids, err := drain(t, env.client.Walk("abc", ""))
	require.ErrorIs(t, err, ErrNoMorePages)
	require.Equal(t, []int{1}, ids)
	require.Len(t, env.waits, 1)
}

func TestRetryAfterIsHonoured(t *testing.T) {
	env := newEnv(t, fakeResponse{429, "slow down", "7"}, page("c1", 1))
	ids, err := drain(t, env.client.Walk("abc", ""))
	require.ErrorIs(t, err, ErrNoMorePages)
	require.Equal(t, []int{1}, ids)
	require.Equal(t, []time.Duration{7 * time.Second}, env.waits)
}

func TestOther4xxNotRetried(t *testing.T) {
	for _, status := range []int{400, 403, 404} {
		env := newEnv(t, fakeResponse{status, `{"errors":["no"]}`, ""})
		_, err := drain(t, env.client.Walk("abc", ""))
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		require.Equal(t, status, ae.StatusCode)
		require.Len(t, env.api.requests, 1)
		require.Empty(t, env.waits)
	}
}

func TestUnauthorizedRefreshesTokenOnce(t *testing.T) {
	env := newEnv(t, fakeResponse{401, `{"errors":["Unauthorized"]}`, ""}, page("c1", 1))
	ids, err := drain(t, env.client.Walk("abc", ""))
	require.ErrorIs(t, err, ErrNoMorePages)
	require.Equal(t, []int{1}, ids)
	require.Equal(t, 2, env.api.tokens)
	require.Equal(t, "Bearer tok-1", env.api.requests[0].Header.Get("Authorization"))
	require.Equal(t, "Bearer tok-2", env.api.requests[1].Header.Get("Authorization"))
	require.Equal(t, "*", env.api.requests[1].URL.Query().Get("cursorMark"), "the same page is retried")
	require.Empty(t, env.waits)
}

func TestRepeatedUnauthorizedFails(t *testing.T) {
	env := newEnv(t, fakeResponse{401, "no", ""}, fakeResponse{401, "no", ""}, page("c1", 1))
	_, err := drain(t, env.client.Walk("abc", ""))
	require.True(t, IsAuth(err), "%v", err)
	require.Len(t, env.api.requests, 2)
	require.Equal(t, 2, env.api.tokens)
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	env := newEnv(t, page("c1", 1), page("c2", 2), page("c3", 3))
	env.api.ttl = 100 // refreshed 10 s early
	w := env.client.Walk("abc", "")
	ctx := context.Background()
	_, err := w.Next(ctx)
	require.NoError(t, err)
	env.now = env.now.Add(89 * time.Second)
	_, err = w.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, env.api.tokens, "token still fresh")
	env.now = env.now.Add(2 * time.Second)
	_, err = w.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, env.api.tokens, "token replaced before it expires")
}

func TestTokenEndpointRefusal(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"invalid_client"}`))
	}))
	defer srv.Close()
	c, err := New(Options{URL: srv.URL, TokenURL: srv.URL + "/api/token", ClientID: "id", ClientSecret: "topsecret", HTTPClient: srv.Client(),
		PageSize: 1000, MaxPageBytes: DefaultMaxPageBytes(1000),
		Retry: RetryPolicy{MaxAttempts: 3, WaitMin: time.Second, WaitMax: time.Second},
		Sleep: func(context.Context, time.Duration) error { return errors.New("must not retry") }})
	require.NoError(t, err)
	_, err = c.Walk("abc", "").Next(context.Background())
	require.ErrorIs(t, err, ErrAuth)
	require.True(t, IsAuth(err))
	require.Contains(t, err.Error(), "HTTP 400")
	require.NotContains(t, err.Error(), "topsecret")
	require.Equal(t, 1, c.TokenFetches())
}

func TestContextCancelStopsRetries(t *testing.T) {
	env := newEnv(t, fakeResponse{500, "x", ""}, fakeResponse{500, "x", ""})
	ctx, cancel := context.WithCancel(context.Background())
	env.client.opts.Sleep = func(context.Context, time.Duration) error { cancel(); return ctx.Err() }
	_, err := env.client.Walk("abc", "").Next(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, env.api.requests, 1)
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	require.Equal(t, 5*time.Second, parseRetryAfter("5", now))
	require.Equal(t, 30*time.Second, parseRetryAfter(now.Add(30*time.Second).Format(http.TimeFormat), now))
	require.Zero(t, parseRetryAfter("soon", now))
	require.Zero(t, parseRetryAfter("", now))
}

// TestRetryAfterIsCapped: a server asking for a day's wait gets
// maxRetryAfter (15 minutes), as docs/configuration.md says.
func TestRetryAfterIsCapped(t *testing.T) {
	p := RetryPolicy{WaitMin: time.Millisecond, WaitMax: time.Second}
	require.Equal(t, 15*time.Minute, p.backoff(1, 24*time.Hour))
	require.Equal(t, 2*time.Minute, p.backoff(1, 2*time.Minute), "a shorter Retry-After is honoured as it is")
}
