package config

import (
	"strings"

	"github.com/elastic/elastic-agent-libs/transport/httpcommon"

	"github.com/threatqbeat/threatqbeat/module/threatq"
)

// TokenEndpoint returns token_url, or <url>/api/token when unset.
func (c *Config) TokenEndpoint() string {
	if c.TokenURL != "" {
		return c.TokenURL
	}
	return strings.TrimRight(c.URL, "/") + "/api/token"
}

// PageBytesLimit returns max_page_bytes, or page_size ×
// threatq.IndicatorBytes when unset (32 MiB for 1 000 indicators).
func (c *Config) PageBytesLimit() int64 {
	if c.MaxPageBytes > 0 {
		return int64(c.MaxPageBytes)
	}
	return threatq.DefaultMaxPageBytes(c.PageSize)
}

// Transport returns the HTTP transport settings for the ThreatQ client:
// ssl, proxy_url and http_client_timeout.
func (c *Config) Transport() httpcommon.HTTPTransportSettings {
	return httpcommon.HTTPTransportSettings{TLS: c.SSL, Timeout: c.HTTPClientTimeout, Proxy: c.Proxy}
}

// ClientOptions returns the ThreatQ client options of the configuration,
// every setting explicit; the caller adds the HTTP client (built from
// Transport), the logger and the clock.
func (c *Config) ClientOptions() threatq.Options {
	return threatq.Options{
		URL: c.URL, TokenURL: c.TokenEndpoint(), ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		PageSize: c.PageSize, MaxPages: c.MaxPagesPerRun, MaxPageBytes: c.PageBytesLimit(),
		Retry: threatq.RetryPolicy{MaxAttempts: c.Retry.MaxAttempts, WaitMin: c.Retry.WaitMin, WaitMax: c.Retry.WaitMax},
	}
}
