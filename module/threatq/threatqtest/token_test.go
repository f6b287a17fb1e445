package threatqtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenClientCredentials(t *testing.T) {
	grant := url.Values{"grant_type": {"client_credentials"}}
	cases := []struct {
		name       string
		opts       Options
		form       url.Values
		query      string
		user, pass string
		wantStatus int
		wantError  string
	}{
		{name: "basic auth like Elastic's integration", form: grant, user: "test", pass: "test", wantStatus: 200},
		{name: "grant type in the query, as ThreatQ's SDK sends it", query: "grant_type=client_credentials", user: "test", pass: "test", wantStatus: 200},
		{
			name: "form fields, x/oauth2's auto-detect fallback",
			form: url.Values{"grant_type": {"client_credentials"}, "client_id": {"test"}, "client_secret": {"test"}}, wantStatus: 200,
		},
		{
			name: "basic auth form-encoded as RFC 6749 and x/oauth2 do",
			opts: Options{ClientID: "svc account", ClientSecret: "p@ss:w/rd+"},
			form: grant, user: url.QueryEscape("svc account"), pass: url.QueryEscape("p@ss:w/rd+"), wantStatus: 200,
		},
		{
			name: "basic auth not encoded",
			opts: Options{ClientID: "svc", ClientSecret: "p@ss:w/rd+"},
			form: grant, user: "svc", pass: "p@ss:w/rd+", wantStatus: 200,
		},
		{name: "bad secret in basic auth", form: grant, user: "test", pass: "nope", wantStatus: 400, wantError: "invalid_client"},
		{
			name: "bad secret in form fields",
			form: url.Values{"grant_type": {"client_credentials"}, "client_id": {"test"}, "client_secret": {"nope"}}, wantStatus: 400, wantError: "invalid_client",
		},
		{name: "no credentials", form: grant, wantStatus: 400, wantError: "invalid_client"},
		{name: "no grant type", form: url.Values{}, user: "test", pass: "test", wantStatus: 400, wantError: "invalid_request"},
		{name: "password grant", form: url.Values{"grant_type": {"password"}}, user: "test", pass: "test", wantStatus: 400, wantError: "unsupported_grant_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, tc.opts)
			target := s.TokenURL()
			if tc.query != "" {
				target += "?" + tc.query
			}
			req, err := http.NewRequest(http.MethodPost, target, stringsReader(tc.form.Encode()))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.user != "" {
				req.SetBasicAuth(tc.user, tc.pass)
			}
			resp, body := do(t, s, req)
			require.Equal(t, tc.wantStatus, resp.StatusCode, "%s", body)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.Equal(t, 1, s.Stats().TokenRequests)
			if tc.wantError != "" {
				assert.JSONEq(t, `{"error":"`+tc.wantError+`"}`, string(body))
				assert.Zero(t, s.Stats().TokensIssued)
				return
			}
			var tok map[string]any
			require.NoError(t, json.Unmarshal(body, &tok))
			assert.NotEmpty(t, tok["access_token"])
			assert.NotEmpty(t, tok["refresh_token"])
			assert.Equal(t, "Bearer", tok["token_type"])
			assert.EqualValues(t, 48*3600, tok["expires_in"])
			assert.Equal(t, 1, s.Stats().TokensIssued)
		})
	}
}

func TestTokenOpaqueAndTTL(t *testing.T) {
	s := newServer(t, Options{TokenTTL: 90 * time.Second})
	_, body1 := postToken(t, s, url.Values{"grant_type": {"client_credentials"}}, "test", "test")
	_, body2 := postToken(t, s, url.Values{"grant_type": {"client_credentials"}}, "test", "test")
	var a, b tokenResponse
	require.NoError(t, json.Unmarshal(body1, &a))
	require.NoError(t, json.Unmarshal(body2, &b))
	assert.EqualValues(t, 90, a.ExpiresIn)
	assert.NotEqual(t, a.AccessToken, b.AccessToken)
	assert.NotEqual(t, a.AccessToken, a.RefreshToken)
}

func TestTokenMethodNotAllowed(t *testing.T) {
	s := newServer(t, Options{})
	req, err := http.NewRequest(http.MethodGet, s.TokenURL(), nil)
	require.NoError(t, err)
	resp, _ := do(t, s, req)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, "POST", resp.Header.Get("Allow"))
}

func TestTokenExpiryWithInjectedClock(t *testing.T) {
	clock := &fakeClock{now: t0}
	s := newServer(t, Options{Now: clock.Now, TokenTTL: time.Hour})
	s.SetCollection("c", Generate(3, 1, t0))
	tok := token(t, s)

	clock.Advance(time.Hour - time.Second)
	resp, body := getPage(t, s, tok, "c", pageQuery("*", 10))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)

	clock.Advance(time.Second)
	resp, body = getPage(t, s, tok, "c", pageQuery("*", 10))
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.JSONEq(t, `{"errors":["Unauthorized"]}`, string(body))
	assert.Equal(t, 1, s.Stats().Unauthorized)

	// A new token works again.
	resp, _ = getPage(t, s, token(t, s), "c", pageQuery("*", 10))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestRevokeTokens(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(3, 1, t0))
	tok := token(t, s)
	direct := s.IssueToken()
	for _, tk := range []string{tok, direct} {
		resp, _ := getPage(t, s, tk, "c", pageQuery("*", 10))
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	s.RevokeTokens()
	for _, tk := range []string{tok, direct} {
		resp, body := getPage(t, s, tk, "c", pageQuery("*", 10))
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.JSONEq(t, `{"errors":["Unauthorized"]}`, string(body))
	}
	assert.Equal(t, 2, s.Stats().Unauthorized)
	resp, _ := getPage(t, s, token(t, s), "c", pageQuery("*", 10))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestBearerRequired(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(3, 1, t0))
	for name, header := range map[string]string{
		"none":          "",
		"unknown token": "Bearer not-a-token",
		"basic scheme":  "Basic dGVzdDp0ZXN0",
		"empty bearer":  "Bearer ",
	} {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, s.CollectionURL("c")+"?"+pageQuery("*", 10).Encode(), nil)
			require.NoError(t, err)
			if header != "" {
				req.Header.Set("Authorization", header)
			}
			resp, body := do(t, s, req)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.JSONEq(t, `{"errors":["Unauthorized"]}`, string(body))
		})
	}
	// A lower-case scheme is accepted (RFC 7235: case-insensitive).
	req, err := http.NewRequest(http.MethodGet, s.CollectionURL("c")+"?"+pageQuery("*", 10).Encode(), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "bearer "+s.IssueToken())
	resp, _ := do(t, s, req)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
