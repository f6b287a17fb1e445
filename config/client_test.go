package config

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq"
)

// TestClientOptionsCarryTheDefaults: the ThreatQ client gets every setting
// from the configuration, the defaults included, and accepts them.
func TestClientOptionsCarryTheDefaults(t *testing.T) {
	c, err := unpack(t, minimal)
	require.NoError(t, err)
	o := c.ClientOptions()
	require.Equal(t, threatq.Options{
		URL: "https://threatq.example.com", TokenURL: "https://threatq.example.com/api/token",
		ClientID: "id", ClientSecret: "s3cret",
		PageSize: 1000, MaxPages: 100000, MaxPageBytes: 1000 * threatq.IndicatorBytes,
		Retry: threatq.RetryPolicy{MaxAttempts: 5, WaitMin: time.Second, WaitMax: time.Minute},
	}, o)
	o.HTTPClient = &http.Client{}
	_, err = threatq.New(o)
	require.NoError(t, err)

	c, err = unpack(t, minimal+"page_size: 10\nmax_page_bytes: 2MiB\ntoken_url: https://auth.example.com/t\n")
	require.NoError(t, err)
	o = c.ClientOptions()
	require.Equal(t, 10, o.PageSize)
	require.EqualValues(t, 2<<20, o.MaxPageBytes)
	require.Equal(t, "https://auth.example.com/t", o.TokenURL)
}

// TestClientRefusesOptionsLeftOut: threatq.New has no defaults of its own
// for what the configuration declares; a setting left out is an error
// naming it, not a silent default.
func TestClientRefusesOptionsLeftOut(t *testing.T) {
	_, err := threatq.New(threatq.Options{URL: "https://tq", ClientID: "id", ClientSecret: "s", HTTPClient: &http.Client{},
		Retry: threatq.RetryPolicy{MaxAttempts: 2}})
	require.Error(t, err)
	for _, want := range []string{"invalid token URL", "page size 0", "page body limit 0", "retry waits"} {
		require.ErrorContains(t, err, want)
	}
}
