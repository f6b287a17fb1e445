package threatqtest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatusAndBodyFaults(t *testing.T) {
	cases := []struct {
		name            string
		fault           Fault
		wantStatus      int
		wantBody        string
		wantContentType string
		wantRetryAfter  string
	}{
		{name: "401", fault: Fault{Status: 401}, wantStatus: 401, wantBody: `{"errors":["Unauthorized"]}`, wantContentType: "application/json"},
		{name: "429 with Retry-After", fault: Fault{Status: 429, RetryAfter: "7"}, wantStatus: 429, wantBody: `{"errors":["Too Many Requests"]}`, wantContentType: "application/json", wantRetryAfter: "7"},
		{name: "503 with an HTTP date", fault: Fault{Status: 503, RetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT"}, wantStatus: 503, wantBody: `{"errors":["Service Unavailable"]}`, wantContentType: "application/json", wantRetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT"},
		{name: "500", fault: Fault{Status: 500}, wantStatus: 500, wantBody: `{"errors":["Internal Server Error"]}`, wantContentType: "application/json"},
		{name: "502 HTML from a proxy", fault: Fault{Status: 502, Body: "<html><body>502 Bad Gateway</body></html>"}, wantStatus: 502, wantBody: "<html><body>502 Bad Gateway</body></html>", wantContentType: "text/html; charset=utf-8"},
		{name: "400 plain text", fault: Fault{Status: 400, Body: "400 Bad Request"}, wantStatus: 400, wantBody: "400 Bad Request", wantContentType: "text/plain; charset=utf-8"},
		{name: "200 with an array body", fault: Fault{Body: `[1,2]`}, wantStatus: 200, wantBody: `[1,2]`, wantContentType: "application/json"},
		{name: "200 with data of the wrong type", fault: Fault{Body: `{"data":"x"}`}, wantStatus: 200, wantBody: `{"data":"x"}`, wantContentType: "application/json"},
		{name: "200 truncated JSON, content type given", fault: Fault{Body: `{"total":3,"data":[{"id":`, ContentType: "application/json; charset=utf-8"}, wantStatus: 200, wantBody: `{"total":3,"data":[{"id":`, wantContentType: "application/json; charset=utf-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, Options{})
			s.SetCollection("c", Generate(5, 1, t0))
			tok := token(t, s)
			s.InjectFault(tc.fault)

			resp, body := getPage(t, s, tok, "c", pageQuery("*", 10))
			assert.Equal(t, tc.wantStatus, resp.StatusCode)
			assert.Equal(t, tc.wantBody, string(body))
			assert.Equal(t, tc.wantContentType, resp.Header.Get("Content-Type"))
			assert.Equal(t, tc.wantRetryAfter, resp.Header.Get("Retry-After"))

			// Times defaults to 1: the next request is normal.
			p := fetchPage(t, s, tok, "c", pageQuery("*", 10))
			assert.Len(t, p.items(t), 5)
			st := s.Stats()
			assert.Equal(t, 1, st.FaultsApplied)
			assert.Equal(t, []string{"*", "*"}, st.Cursors["c"], "faulted requests are recorded too")
			if tc.wantStatus == 401 {
				assert.Equal(t, 1, st.Unauthorized)
			}
		})
	}
}

func TestTokenFaults(t *testing.T) {
	s := newServer(t, Options{})
	s.InjectFault(Fault{Endpoint: "token", Status: 500})
	s.InjectFault(Fault{Endpoint: EndpointToken, Body: `{"token_type":"Bearer"}`}) // 200 without access_token
	form := url.Values{"grant_type": {"client_credentials"}}

	resp, _ := postToken(t, s, form, "test", "test")
	assert.Equal(t, 500, resp.StatusCode)
	resp, body := postToken(t, s, form, "test", "test")
	assert.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, `{"token_type":"Bearer"}`, string(body))
	assert.NotEmpty(t, token(t, s))
	st := s.Stats()
	assert.Equal(t, 3, st.TokenRequests)
	assert.Equal(t, 1, st.TokensIssued)
	assert.Equal(t, 2, st.FaultsApplied)
}

func TestFaultTimesOrderAndCollection(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("a", Generate(5, 1, t0))
	s.SetCollection("b", Generate(5, 2, t0))
	tok := token(t, s)
	status := func(id string) int {
		resp, _ := getPage(t, s, tok, id, pageQuery("*", 10))
		return resp.StatusCode
	}

	s.InjectFault(Fault{Status: 429, Times: 2})
	s.InjectFault(Fault{Status: 500})
	assert.Equal(t, []int{429, 429, 500, 200}, []int{status("a"), status("a"), status("a"), status("a")})

	s.InjectFault(Fault{Status: 502, Collection: "b"})
	assert.Equal(t, []int{200, 502, 200}, []int{status("a"), status("b"), status("b")})

	s.InjectFault(Fault{Status: 503, Times: -1})
	for range 5 {
		assert.Equal(t, 503, status("a"))
	}
	s.ClearFaults()
	assert.Equal(t, 200, status("a"))

	assert.Panics(t, func() { s.InjectFault(Fault{Endpoint: "pages"}) })
}

func TestDelayFault(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(5, 1, t0))
	tok := token(t, s)

	const delay = 50 * time.Millisecond
	s.InjectFault(Fault{Delay: delay})
	start := time.Now()
	p := fetchPage(t, s, tok, "c", pageQuery("*", 10))
	assert.GreaterOrEqual(t, time.Since(start), delay)
	assert.Len(t, p.items(t), 5, "a delay alone answers normally")

	s.InjectFault(Fault{Delay: 30 * time.Millisecond, Status: 504})
	resp, _ := getPage(t, s, tok, "c", pageQuery("*", 10))
	assert.Equal(t, 504, resp.StatusCode)
}

func TestDelayFaultEndsWhenClientGivesUp(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(5, 1, t0))
	tok := token(t, s)
	s.InjectFault(Fault{Delay: time.Minute})

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.CollectionURL("c")+"?"+pageQuery("*", 10).Encode(), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	start := time.Now()
	_, err = s.Client().Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	// The handler has returned: Close does not wait for the minute.
	s.Close()
	assert.Less(t, time.Since(start), 10*time.Second)
}

func TestDelayFaultEndsOnClose(t *testing.T) {
	s := New(Options{})
	s.SetCollection("c", Generate(5, 1, t0))
	tok := s.IssueToken()
	s.InjectFault(Fault{Delay: time.Minute})

	errc := make(chan error, 1)
	go func() {
		req, err := http.NewRequest(http.MethodGet, s.CollectionURL("c")+"?"+pageQuery("*", 10).Encode(), nil)
		if err != nil {
			errc <- err
			return
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := s.Client().Do(req)
		if err == nil {
			resp.Body.Close()
			err = errors.New("unexpected answer " + resp.Status)
		}
		errc <- err
	}()
	require.Eventually(t, func() bool { return s.Stats().FaultsApplied == 1 }, 5*time.Second, 5*time.Millisecond)
	start := time.Now()
	s.Close()
	assert.Less(t, time.Since(start), 10*time.Second)
	select {
	case err := <-errc:
		assert.Error(t, err, "the delayed request gets no answer")
	case <-time.After(10 * time.Second):
		t.Fatal("the delayed request did not end")
	}
}

func TestRepeatCursorFault(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(30, 1, t0))
	tok := token(t, s)

	s.InjectFault(Fault{RepeatCursor: true, Times: 2})
	p := fetchPage(t, s, tok, "c", pageQuery("*", 10))
	assert.Len(t, p.items(t), 10)
	assert.Equal(t, "*", p.NextCursorMark)

	good := fetchPage(t, s, tok, "c", pageQuery("*", 10)) // uses the second repeat
	assert.Equal(t, "*", good.NextCursorMark)
	p1 := fetchPage(t, s, tok, "c", pageQuery("*", 10))
	s.InjectFault(Fault{RepeatCursor: true})
	p2 := fetchPage(t, s, tok, "c", pageQuery(p1.NextCursorMark, 10))
	assert.Len(t, p2.items(t), 10, "data is served normally")
	assert.Equal(t, p1.NextCursorMark, p2.NextCursorMark, "the cursor loops")
}

func TestDropFieldsFault(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(20, 1, t0))
	tok := token(t, s)
	hasExtras := func(p page) (sources, attributes int) {
		for _, it := range p.items(t) {
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(it, &m))
			if _, ok := m["sources"]; ok {
				sources++
			}
			if _, ok := m["attributes"]; ok {
				attributes++
			}
		}
		return sources, attributes
	}
	s.InjectFault(Fault{DropFields: true})
	src, attrs := hasExtras(fetchPage(t, s, tok, "c", pageQuery("*", 100)))
	assert.Zero(t, src)
	assert.Zero(t, attrs)
	src, attrs = hasExtras(fetchPage(t, s, tok, "c", pageQuery("*", 100)))
	assert.Equal(t, 20, src)
	assert.Equal(t, 20, attrs)
}

func TestRedirectFaultPointsElsewhere(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(5, 1, t0))
	tok := token(t, s)
	rec := NewRecorder()
	defer rec.Close()
	s.InjectFault(Fault{Status: http.StatusFound, Location: rec.URL() + "/elsewhere"})

	noFollow := *s.Client()
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequest(http.MethodGet, s.CollectionURL("c")+"?"+pageQuery("*", 10).Encode(), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := noFollow.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, rec.URL()+"/elsewhere", resp.Header.Get("Location"))
	assert.Empty(t, rec.Requests())

	got, err := http.Get(rec.URL() + "/x?y=1")
	require.NoError(t, err)
	got.Body.Close()
	assert.Equal(t, http.StatusNotFound, got.StatusCode)
	reqs := rec.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/x?y=1", reqs[0].URL)
}

func TestLyingContentLengthFault(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(5, 1, t0))
	tok := token(t, s)
	s.InjectFault(Fault{Body: `{"total":1,"data":[`, ClaimedLength: 500 << 20})

	req, err := http.NewRequest(http.MethodGet, s.CollectionURL("c")+"?"+pageQuery("*", 10).Encode(), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.EqualValues(t, 500<<20, resp.ContentLength)
	body, err := io.ReadAll(resp.Body)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, `{"total":1,"data":[`, string(body))
}
