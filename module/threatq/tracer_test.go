package threatq

import (
	"encoding/base64"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTracerRedactsSecrets(t *testing.T) {
	api := &fakeAPI{ttl: 3600, responses: []fakeResponse{
		{status: 401, body: `{"errors":["Unauthorized"]}`},
		page("c1", 1),
	}}
	srv := httptest.NewServer(api)
	defer srv.Close()

	base := filepath.Join(t.TempDir(), "threatq-trace")
	tr, err := NewTracer(base, 1, 2)
	require.NoError(t, err)
	hc := srv.Client()
	hc.Transport = tr.Wrap(hc.Transport)
	c, err := New(Options{URL: srv.URL, TokenURL: srv.URL + "/api/token", ClientID: "the-client", ClientSecret: "very-secret-value", HTTPClient: hc,
		PageSize: 1000, MaxPageBytes: DefaultMaxPageBytes(1000), Retry: RetryPolicy{MaxAttempts: 1}})
	require.NoError(t, err)
	_, err = drain(t, c.Walk("abc", ""))
	require.ErrorIs(t, err, ErrNoMorePages)
	require.NoError(t, tr.Close())

	files, err := filepath.Glob(TraceFiles(base))
	require.NoError(t, err)
	require.Len(t, files, 1)
	fi, err := os.Stat(files[0])
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	trace, err := os.ReadFile(files[0])
	require.NoError(t, err)
	text := string(trace)

	lines := strings.Split(strings.TrimSpace(text), "\n")
	require.Len(t, lines, 5, "token, 401, new token, retried page, end page: every exchange traced:\n%s", text)
	require.Contains(t, text, "/api/token", "token calls are traced")
	require.Contains(t, text, "grant_type=client_credentials")
	require.Contains(t, text, "cursorMark")
	require.Contains(t, text, redacted)
	for _, secret := range []string{
		"very-secret-value",
		base64.StdEncoding.EncodeToString([]byte("the-client:very-secret-value")),
		"tok-1", "tok-2",
	} {
		require.NotContains(t, text, secret)
	}
}

func TestRemoveTraces(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "threatq-trace")
	tr, err := NewTracer(base, 1, 2)
	require.NoError(t, err)
	tr.write(traceLine{Time: time.Now(), Method: "GET", URL: "http://x"})
	require.NoError(t, tr.Close())
	keep := filepath.Join(dir, "threatqbeat-20260101.ndjson")
	require.NoError(t, os.WriteFile(keep, []byte("{}"), 0o600))

	require.NoError(t, RemoveTraces(base))
	files, _ := filepath.Glob(TraceFiles(base))
	require.Empty(t, files)
	require.FileExists(t, keep, "other files in the logs directory stay")
}

func TestRedactBody(t *testing.T) {
	require.Equal(t, `{"access_token":"[redacted]","expires_in":3600,"nested":{"refresh_token":"[redacted]"}}`,
		redactBody([]byte(`{"access_token":"abc","expires_in":3600,"nested":{"refresh_token":"def"}}`), "application/json"))
	require.Equal(t, "client_id=x&client_secret=%5Bredacted%5D&grant_type=client_credentials",
		redactBody([]byte("grant_type=client_credentials&client_id=x&client_secret=s"), "application/x-www-form-urlencoded"))
	require.Equal(t, redacted, redactBody([]byte("access_token=abc; broken"), "text/plain"))
	require.Equal(t, "<html>bad gateway</html>", redactBody([]byte("<html>bad gateway</html>"), "text/html"))
}
