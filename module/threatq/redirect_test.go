package threatq

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// simClient is a client of the simulator with one attempt per request.
func simClient(t *testing.T, sim *threatqtest.Server) *Client {
	t.Helper()
	c, err := New(Options{
		URL: sim.URL(), TokenURL: sim.TokenURL(), ClientID: "test", ClientSecret: "test", HTTPClient: sim.Client(),
		PageSize: 10, MaxPageBytes: DefaultMaxPageBytes(10),
		Retry: RetryPolicy{MaxAttempts: 1},
	})
	require.NoError(t, err)
	return c
}

// requireNothingReached checks that no request reached the recorder.
func requireNothingReached(t *testing.T, rec *threatqtest.Recorder) {
	t.Helper()
	for _, r := range rec.Requests() {
		t.Errorf("a request reached the redirect target: %s %s (Authorization %t, body %d bytes)",
			r.Method, r.URL, r.Header.Get("Authorization") != "", len(r.Body))
	}
}

// TestRedirectsAreNeverFollowed: a redirect of the collection or of the
// token endpoint, to another port of the same host, to plain HTTP or to
// the same origin, is refused with an error naming both URLs; nothing
// reaches the target, so no credential leaves the configured origin.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tls      bool
		endpoint string
		status   int
		target   func(sim *threatqtest.Server, rec *threatqtest.Recorder) string
		want     string
	}{
		{"page to another port", false, threatqtest.EndpointPage, http.StatusFound,
			func(_ *threatqtest.Server, rec *threatqtest.Recorder) string {
				return rec.URL() + "/api/indicators/query/hash/c"
			},
			"threatqbeat does not follow redirects"},
		{"token to another port", false, threatqtest.EndpointToken, http.StatusTemporaryRedirect,
			func(_ *threatqtest.Server, rec *threatqtest.Recorder) string { return rec.URL() + "/api/token" },
			"threatqbeat does not follow redirects"},
		{"https page to http", true, threatqtest.EndpointPage, http.StatusFound,
			func(_ *threatqtest.Server, rec *threatqtest.Recorder) string {
				return rec.URL() + "/api/indicators/query/hash/c"
			},
			"from https to plain http"},
		{"https token to http", true, threatqtest.EndpointToken, http.StatusPermanentRedirect,
			func(_ *threatqtest.Server, rec *threatqtest.Recorder) string { return rec.URL() + "/api/token" },
			"from https to plain http"},
		{"page to the same origin", false, threatqtest.EndpointPage, http.StatusMovedPermanently,
			func(sim *threatqtest.Server, _ *threatqtest.Recorder) string {
				return sim.CollectionURL("c") + "?moved=1"
			},
			"threatqbeat does not follow redirects"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := threatqtest.New(threatqtest.Options{TLS: tc.tls})
			defer sim.Close()
			sim.SetCollection("c", threatqtest.Generate(5, 1, time.Now()))
			rec := threatqtest.NewRecorder()
			defer rec.Close()
			target := tc.target(sim, rec)
			sim.InjectFault(threatqtest.Fault{Endpoint: tc.endpoint, Status: tc.status, Location: target})
			before := sim.Stats().PageRequests

			_, err := simClient(t, sim).Walk("c", "").Next(context.Background())
			requireNothingReached(t, rec)
			require.ErrorIs(t, err, ErrRedirect)
			require.Contains(t, err.Error(), tc.want)
			require.Contains(t, err.Error(), target, "the error names where the redirect pointed")
			require.Contains(t, err.Error(), sim.URL(), "the error names the refused request")
			if tc.endpoint == threatqtest.EndpointPage {
				require.Equal(t, before+1, sim.Stats().PageRequests, "the same-origin target was not requested either")
			}
			var ae *APIError
			require.True(t, errors.As(err, &ae))
			require.Equal(t, "redirect", ae.Kind())
			require.False(t, IsAuth(err))
		})
	}
}

// TestRedirectErrorIsRedacted: the URLs an error names carry no user
// information and no secret-looking query value.
func TestRedirectErrorIsRedacted(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	rec := threatqtest.NewRecorder()
	defer rec.Close()
	loc := strings.Replace(rec.URL(), "http://", "http://evil:l0cation-pw@", 1) + "/steal?access_token=l0cation-tok&page=2"
	sim.InjectFault(threatqtest.Fault{Endpoint: threatqtest.EndpointToken, Status: http.StatusFound, Location: loc})
	_, err := simClient(t, sim).Walk("c", "").Next(context.Background())
	requireNothingReached(t, rec)
	require.ErrorIs(t, err, ErrRedirect)
	for _, secret := range []string{"l0cation-pw", "l0cation-tok", "evil"} {
		require.NotContains(t, err.Error(), secret)
	}
	require.Contains(t, err.Error(), "page=2")
}
