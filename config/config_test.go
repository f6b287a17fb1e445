package config

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	conf "github.com/elastic/elastic-agent-libs/config"
)

const minimal = `
url: https://threatq.example.com
client_id: id
client_secret: s3cret
collections: [{id: abc123}]
`

func unpack(t *testing.T, yaml string) (Config, error) {
	t.Helper()
	raw, err := conf.NewConfigWithYAML([]byte(yaml), "test")
	require.NoError(t, err)
	c := Default()
	err = raw.Unpack(&c)
	return c, err
}

func TestDefaults(t *testing.T) {
	c, err := unpack(t, minimal)
	require.NoError(t, err)
	require.Equal(t, time.Minute, c.Interval)
	require.Equal(t, 1000, c.PageSize)
	require.Equal(t, 90*24*time.Hour, c.Expiration())
	require.Equal(t, 30*time.Second, c.HTTPClientTimeout)
	require.Equal(t, []string{"threatq-threat"}, c.Tags)
	require.Equal(t, "default", c.DataStream.Namespace)
	require.Equal(t, "https://threatq.example.com/api/token", c.TokenEndpoint())
	require.False(t, c.PreserveOriginalEvent)
	require.Nil(t, c.SSL)
	require.False(t, c.Tracer.Enabled, "tracing is off by default")
	require.Equal(t, 24*time.Hour, c.SweepInterval)
}

func TestSweepInterval(t *testing.T) {
	for in, want := range map[string]time.Duration{"0": 0, "0s": 0, "1m": time.Minute, "6h": 6 * time.Hour} {
		c, err := unpack(t, minimal+"sweep_interval: "+in+"\n")
		require.NoError(t, err, in)
		require.Equal(t, want, c.SweepInterval, in)
	}
}

func TestMaxPageBytes(t *testing.T) {
	c, err := unpack(t, minimal)
	require.NoError(t, err)
	require.Zero(t, c.MaxPageBytes, "unset: the client sizes it from page_size")
	c, err = unpack(t, minimal+"max_page_bytes: 48MiB\n")
	require.NoError(t, err)
	require.EqualValues(t, 48<<20, c.MaxPageBytes)
}

func TestCollectionIDs(t *testing.T) {
	for _, id := range []string{"3a6a5c1f0e2b4d9c8f7e6d5c4b3a2918", "col-e2e", "C_1", strings.Repeat("f", 128)} {
		_, err := unpack(t, minimal+"collections: [{id: "+id+"}]\n")
		require.NoError(t, err, id)
	}
}

func TestTokenURLOverride(t *testing.T) {
	c, err := unpack(t, minimal+"token_url: https://auth.example.com/oauth/token\n")
	require.NoError(t, err)
	require.Equal(t, "https://auth.example.com/oauth/token", c.TokenEndpoint())
}

func TestExpirationForms(t *testing.T) {
	for in, want := range map[string]time.Duration{"5d": 5 * 24 * time.Hour, "12h": 12 * time.Hour, "30m": 30 * time.Minute} {
		c, err := unpack(t, minimal+"ioc_expiration_duration: "+in+"\n")
		require.NoError(t, err, in)
		require.Equal(t, want, c.Expiration(), in)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"missing url", "client_id: a\nclient_secret: b\ncollections: [{id: x}]", "threatqbeat.url is required"},
		{"relative url", "url: threatq.local\nclient_id: a\nclient_secret: b\ncollections: [{id: x}]", "must be an absolute http or https URL"},
		{"missing client_id", "url: https://t\nclient_secret: b\ncollections: [{id: x}]", "threatqbeat.client_id is required"},
		{"missing secret", "url: https://t\nclient_id: a\ncollections: [{id: x}]", "threatqbeat.client_secret is required"},
		{"no collections", "url: https://t\nclient_id: a\nclient_secret: b", "at least one entry"},
		{"empty collection id", minimal + "collections: [{id: ''}]", "collections[0].id is required"},
		{"duplicate collection", minimal + "collections: [{id: a}, {id: a}]", "listed twice"},
		{"collection with slash", minimal + "collections: [{id: 'a/b'}]", "must be a collection hash"},
		{"collection dot", minimal + "collections: [{id: '.'}]", `threatqbeat.collections[0].id "." must be a collection hash: 1 to 128 letters, digits, '-' or '_'`},
		{"collection dot dot", minimal + "collections: [{id: abc}, {id: '..'}]", `threatqbeat.collections[1].id ".." must be a collection hash`},
		{"collection with dots", minimal + "collections: [{id: 'a.b'}]", `threatqbeat.collections[0].id "a.b" must be a collection hash`},
		{"collection too long", minimal + "collections: [{id: " + strings.Repeat("a", 300) + "}]", `threatqbeat.collections[0].id "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…" (300 characters) must be a collection hash: 1 to 128`},
		{"expiration seconds", minimal + "ioc_expiration_duration: 30s", "ioc_expiration_duration \"30s\" is invalid: use a whole number of at least 1 followed by d (days), h (hours) or m (minutes)"},
		{"expiration fraction", minimal + "ioc_expiration_duration: 1.5d", "ioc_expiration_duration"},
		{"expiration no number", minimal + "ioc_expiration_duration: d", "ioc_expiration_duration"},
		{"expiration upper unit", minimal + "ioc_expiration_duration: 5D", "ioc_expiration_duration"},
		{"expiration zero", minimal + "ioc_expiration_duration: 0d", "at least 1"},
		{"expiration negative", minimal + "ioc_expiration_duration: -5d", "ioc_expiration_duration"},
		{"page size", minimal + "page_size: 0", "page_size must be between 1 and 10000"},
		{"page size large", minimal + "page_size: 20000", "page_size must be between 1 and 10000"},
		{"interval", minimal + "interval: 10ms", "interval must be at least 1s"},
		{"sweep interval short", minimal + "sweep_interval: 30s", "threatqbeat.sweep_interval must be 0 (no sweep) or at least 1m0s, got 30s"},
		{"sweep interval negative", minimal + "sweep_interval: -24h", "threatqbeat.sweep_interval must be 0 (no sweep) or at least 1m0s, got -24h0m0s"},
		{"sweep interval not a duration", minimal + "sweep_interval: daily", "sweep_interval"},
		{"namespace", minimal + "data_stream.namespace: Prod-1", "data_stream.namespace"},
		{"reference path", minimal + "reference_path: /indicators", "reference_path must contain {id}"},
		{"retry", minimal + "retry.max_attempts: 0", "retry.max_attempts"},
		{"page bytes small", minimal + "max_page_bytes: 1KiB", "threatqbeat.max_page_bytes must be between 64KiB and 1GiB, got 1024 bytes"},
		{"page bytes large", minimal + "max_page_bytes: 2GiB", "threatqbeat.max_page_bytes must be between 64KiB and 1GiB"},
		{"ssl", minimal + "ssl.verification_mode: sometimes", "verification_mode"},
		{"tracer absolute", minimal + "tracer: {enabled: true, filename: /etc/passwd}", "must be a relative path inside the logs directory"},
		{"tracer escapes", minimal + "tracer: {enabled: true, filename: ../../tmp/x}", "must be a relative path inside the logs directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := unpack(t, tc.yaml)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestSecretNotInValidationErrors(t *testing.T) {
	_, err := unpack(t, minimal+"page_size: -1\nioc_expiration_duration: x\n")
	require.Error(t, err)
	require.NotContains(t, err.Error(), "s3cret")
}

func TestRedactURL(t *testing.T) {
	require.Equal(t, "https://tq.example.com/api", RedactURL("https://svc:s3cret@tq.example.com/api"), "no user information at all")
	require.Equal(t, "https://tq.example.com", RedactURL("https://tq.example.com"))
	require.Equal(t, "https://tq.example.com/api/token?client_secret=%5Bredacted%5D&tenant=a", RedactURL("https://tq.example.com/api/token?tenant=a&client_secret=s3cret"))
	require.Equal(t, "[invalid URL]", RedactURL("://bad url"), "unparsable text may hold anything: it is not shown")
}
