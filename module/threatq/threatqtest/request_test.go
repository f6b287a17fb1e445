package threatqtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLimit(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(10050, 1, t0))
	tok := token(t, s)
	cases := []struct {
		limit     string // "" = absent
		wantLimit int
		wantItems int
	}{
		{"", 100, 100},
		{"1", 1, 1},
		{"1000", 1000, 1000},
		{"10000", 10000, 10000},
		{"20000", 10000, 10000},
	}
	for _, tc := range cases {
		t.Run("limit="+tc.limit, func(t *testing.T) {
			q := url.Values{"sort": {"updated_at"}, "cursorMark": {"*"}}
			if tc.limit != "" {
				q.Set("limit", tc.limit)
			}
			p := fetchPage(t, s, tok, "c", q)
			assert.Equal(t, tc.wantLimit, p.Limit)
			assert.Len(t, p.items(t), tc.wantItems)
		})
	}
}

func TestPageRequestErrors(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(3, 1, t0))
	tok := token(t, s)
	good := encodeCursor(position{key: sortKey{updated: 1, id: 2, seq: 3}}, false)
	cases := []struct {
		name   string
		id     string
		q      url.Values
		status int
	}{
		{"unknown collection", "nope", pageQuery("*", 10), 404},
		{"cursor not base64", "c", pageQuery("not base64!", 10), 400},
		{"cursor with a '+' sent unescaped arrives as a space", "c", pageQuery("AoJ9 5LKnvwCJjEwNjk2Nw==", 10), 400},
		{"cursor of another format", "c", pageQuery("AAAA", 10), 400},
		{"cursor truncated", "c", pageQuery(good[:len(good)-4], 10), 400},
		{"no sort", "c", url.Values{"cursorMark": {"*"}}, 400},
		{"other sort", "c", url.Values{"sort": {"created_at"}, "cursorMark": {"*"}}, 400},
		{"limit zero", "c", url.Values{"sort": {"updated_at"}, "limit": {"0"}}, 400},
		{"limit not a number", "c", url.Values{"sort": {"updated_at"}, "limit": {"ten"}}, 400},
		{"valid cursor of an unknown position", "c", pageQuery(good, 10), 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := getPage(t, s, tok, tc.id, tc.q)
			assert.Equal(t, tc.status, resp.StatusCode, "%s", body)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			if tc.status != 200 {
				var e struct{ Errors []string }
				require.NoError(t, json.Unmarshal(body, &e))
				assert.NotEmpty(t, e.Errors)
			}
		})
	}

	t.Run("other paths and methods", func(t *testing.T) {
		for _, target := range []string{"/api/indicators", "/api/indicators/query/hash/", "/api/indicators/query/hash/c/x"} {
			req, err := http.NewRequest(http.MethodGet, s.URL()+target, nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, _ := do(t, s, req)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, target)
		}
		req, err := http.NewRequest(http.MethodPost, s.CollectionURL("c"), nil)
		require.NoError(t, err)
		resp, _ := do(t, s, req)
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	})
}

func TestRequireAcceptJSON(t *testing.T) {
	s := newServer(t, Options{RequireAcceptJSON: true})
	s.SetCollection("c", Generate(1, 1, t0))
	tok := s.IssueToken()
	for accept, want := range map[string]int{
		"":                                 http.StatusNotAcceptable,
		"text/html":                        http.StatusNotAcceptable,
		"application/json;q=0":             http.StatusNotAcceptable,
		"application/json":                 http.StatusOK,
		"text/html, application/json;q=.9": http.StatusOK,
		"*/*":                              http.StatusOK,
	} {
		req, err := http.NewRequest(http.MethodGet, s.CollectionURL("c")+"?sort=updated_at&cursorMark=*", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tok)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, _ := do(t, s, req)
		assert.Equal(t, want, resp.StatusCode, "Accept: %q", accept)
	}
}

// drain pages from cursor until an empty page and returns the last mark.
