package threatqtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// t0 is the start of generated data in tests.
var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// fakeClock is an injectable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s := New(opts)
	t.Cleanup(s.Close)
	return s
}

// postToken sends a token request and returns the response and its body.
func postToken(t testing.TB, s *Server, form url.Values, basicUser, basicPass string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.TokenURL(), strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicUser != "" || basicPass != "" {
		req.SetBasicAuth(basicUser, basicPass)
	}
	return do(t, s, req)
}

// token obtains an access token the way Elastic's integration does.
func token(t testing.TB, s *Server) string {
	t.Helper()
	resp, body := postToken(t, s, url.Values{"grant_type": {"client_credentials"}}, "test", "test")
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	var tok tokenResponse
	require.NoError(t, json.Unmarshal(body, &tok))
	require.NotEmpty(t, tok.AccessToken)
	return tok.AccessToken
}

func do(t testing.TB, s *Server, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

// pageQuery is the query Elastic's integration sends (1.39.2 and later).
func pageQuery(cursor string, limit int) url.Values {
	q := url.Values{
		"sort":       {"updated_at"},
		"cursorMark": {cursor},
		"fields":     {"*,attributes.name,attributes.value,sources"},
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return q
}

// getPage requests one page of collection id.
func getPage(t testing.TB, s *Server, tok, id string, q url.Values) (*http.Response, []byte) {
	t.Helper()
	return getPageCtx(context.Background(), t, s, tok, id, q)
}

func getPageCtx(ctx context.Context, t testing.TB, s *Server, tok, id string, q url.Values) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.CollectionURL(id)+"?"+q.Encode(), nil)
	require.NoError(t, err)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.Header.Set("Accept", "application/json")
	return do(t, s, req)
}

// page is a decoded collection response.
type page struct {
	Total          int             `json:"total"`
	Data           json.RawMessage `json:"data"`
	NextCursorMark string          `json:"nextCursorMark"`
	Limit          int             `json:"limit"`
}

// items decodes data as an array; an empty object counts as no items.
func (p page) items(t testing.TB) []json.RawMessage {
	t.Helper()
	if string(p.Data) == "{}" {
		return nil
	}
	var items []json.RawMessage
	require.NoError(t, json.Unmarshal(p.Data, &items), "data: %s", p.Data)
	return items
}

func decodePage(t testing.TB, resp *http.Response, body []byte) page {
	t.Helper()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var p page
	require.NoError(t, json.Unmarshal(body, &p), "%s", body)
	return p
}

// indicatorHead is what tests read from an indicator.
type indicatorHead struct {
	ID        int64  `json:"id"`
	UpdatedAt string `json:"updated_at"`
}

func heads(t testing.TB, items []json.RawMessage) []indicatorHead {
	t.Helper()
	out := make([]indicatorHead, len(items))
	for i, it := range items {
		require.NoError(t, json.Unmarshal(it, &out[i]))
	}
	return out
}

// peerDir finds shared/peer by walking up from the working directory.
func peerDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		candidate := filepath.Join(dir, "shared", "peer")
		if st, err := os.Stat(candidate); err == nil && st.IsDir() {
			return candidate
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/peer not found in any parent of the working directory; peer fixture tests skipped")
		}
		dir = parent
	}
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }

func bytesTrim(b []byte) []byte { return bytes.TrimSpace(b) }

// fetchPage requests and decodes one page, requiring a 200.
func fetchPage(t testing.TB, s *Server, tok, id string, q url.Values) page {
	t.Helper()
	resp, body := getPage(t, s, tok, id, q)
	return decodePage(t, resp, body)
}
