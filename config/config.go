// Package config holds the threatqbeat section of threatqbeat.yml: the
// Config struct, its defaults and its validation.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/elastic/beats/v7/libbeat/common/cfgtype"
	"github.com/elastic/elastic-agent-libs/transport/httpcommon"
	"github.com/elastic/elastic-agent-libs/transport/tlscommon"

	"github.com/threatqbeat/threatqbeat/module/threatq"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// Config is the `threatqbeat:` section. Key names follow Elastic's ThreatQ
// integration so that its users recognise them.
type Config struct {
	URL          string       `config:"url"`
	ClientID     string       `config:"client_id"`
	ClientSecret string       `config:"client_secret"`
	TokenURL     string       `config:"token_url"`
	Collections  []Collection `config:"collections"`

	Interval       time.Duration `config:"interval"`
	PageSize       int           `config:"page_size"`
	MaxPagesPerRun int           `config:"max_pages_per_run"`
	// MaxPageBytes bounds a page body; 0: page_size × threatq.IndicatorBytes
	// (see PageBytesLimit).
	MaxPageBytes      cfgtype.ByteSize                   `config:"max_page_bytes"`
	HTTPClientTimeout time.Duration                      `config:"http_client_timeout"`
	SSL               *tlscommon.Config                  `config:"ssl"`
	Proxy             httpcommon.HTTPClientProxySettings `config:",inline"`
	Retry             Retry                              `config:"retry"`

	IOCExpirationDuration string     `config:"ioc_expiration_duration"`
	PreserveOriginalEvent bool       `config:"preserve_original_event"`
	Tags                  []string   `config:"tags"`
	ReferencePath         string     `config:"reference_path"`
	DataStream            DataStream `config:"data_stream"`
	// Lifecycle decides which indicators are deployed and for how long;
	// each collection may override it.
	Lifecycle `config:",inline"`

	// RunOnce makes the beat exit after one sync of every collection, once
	// all its events are acknowledged.
	RunOnce bool `config:"run_once"`
	// SweepInterval is how often every collection is walked in full to
	// retire the indicators that left it; 0 turns sweeping off.
	SweepInterval time.Duration `config:"sweep_interval"`

	// ShutdownTimeout bounds how long a stopping beat waits for outstanding
	// acknowledgements before it exits.
	ShutdownTimeout time.Duration `config:"shutdown_timeout"`

	Tracer Tracer `config:"tracer"`
}

// Tracer configures request tracing to files in the logs directory.
type Tracer struct {
	Enabled bool `config:"enabled"`
	// Filename is the trace file's base name, relative to path.logs.
	Filename   string `config:"filename"`
	MaxSizeMB  uint   `config:"maxsize"`
	MaxBackups uint   `config:"maxbackups"`
}

// Collection is one ThreatQ data collection, identified by its hash. The
// lifecycle options it sets replace the top-level ones for it.
type Collection struct {
	ID        string `config:"id"`
	Lifecycle `config:",inline"`
	// IOCExpirationDuration replaces the top-level ioc_expiration_duration
	// for this collection; "" keeps it.
	IOCExpirationDuration string `config:"ioc_expiration_duration"`
}

// DataStream names the target data stream's namespace.
type DataStream struct {
	Namespace string `config:"namespace"`
}

// Retry configures the bounded exponential backoff used for 429, 5xx and
// network errors.
type Retry struct {
	MaxAttempts int           `config:"max_attempts"`
	WaitMin     time.Duration `config:"wait_min"`
	WaitMax     time.Duration `config:"wait_max"`
}

// minSweepInterval is the shortest sweep_interval other than 0: a sweep
// walks the whole collection.
const minSweepInterval = time.Minute

// Limits of max_page_bytes.
const (
	minPageBytes = 64 << 10
	maxPageBytes = 1 << 30
)

// Default returns a fresh default configuration. These are threatqbeat's
// defaults, declared nowhere else: the ThreatQ client (module/threatq)
// takes every setting explicitly (ClientOptions), and the defaults derived
// from other settings (token_url, max_page_bytes) are in client.go.
func Default() Config {
	return Config{
		Interval:              time.Minute,
		PageSize:              1000,
		MaxPagesPerRun:        100000,
		HTTPClientTimeout:     30 * time.Second,
		Retry:                 Retry{MaxAttempts: 5, WaitMin: time.Second, WaitMax: time.Minute},
		IOCExpirationDuration: "90d",
		Tags:                  []string{"threatq-threat"},
		ReferencePath:         "/indicators/{id}/details",
		DataStream:            DataStream{Namespace: "default"},
		ShutdownTimeout:       30 * time.Second,
		SweepInterval:         24 * time.Hour,
		Tracer:                Tracer{Filename: "threatq-trace", MaxSizeMB: 1, MaxBackups: 5},
	}
}

// Validate checks the configuration; go-ucfg calls it while unpacking.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if c.URL == "" {
		add("threatqbeat.url is required (the ThreatQ base URL, e.g. https://threatq.example.com)")
	} else if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("threatqbeat.url %s must be an absolute http or https URL", RedactURL(c.URL))
	}
	if c.TokenURL != "" {
		if u, err := url.Parse(c.TokenURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("threatqbeat.token_url must be an absolute http or https URL")
		}
	}
	if c.ClientID == "" {
		add("threatqbeat.client_id is required")
	}
	if c.ClientSecret == "" {
		add("threatqbeat.client_secret is required (use the keystore: ${THREATQ_CLIENT_SECRET})")
	}
	if len(c.Collections) == 0 {
		add("threatqbeat.collections needs at least one entry: [{id: <collection hash>}]")
	}
	seen := map[string]bool{}
	for i, col := range c.Collections {
		switch {
		case strings.TrimSpace(col.ID) == "":
			add("threatqbeat.collections[%d].id is required", i)
		case !validCollectionID(col.ID):
			add("threatqbeat.collections[%d].id %s must be a collection hash: 1 to %d letters, digits, '-' or '_' (the id in the collection's URL in ThreatQ)",
				i, quoteID(col.ID), maxCollectionID)
		case seen[col.ID]:
			add("threatqbeat.collections[%d].id %q is listed twice", i, col.ID)
		}
		seen[col.ID] = true
		col.validate(fmt.Sprintf("threatqbeat.collections[%d].", i), add)
	}
	c.Lifecycle.validate("threatqbeat.", add)
	c.checkTypeConflicts(add)
	if c.Interval < time.Second {
		add("threatqbeat.interval must be at least 1s, got %s", c.Interval)
	}
	if c.PageSize < 1 || c.PageSize > 10000 {
		add("threatqbeat.page_size must be between 1 and 10000, got %d", c.PageSize)
	}
	if c.MaxPageBytes != 0 && (c.MaxPageBytes < minPageBytes || c.MaxPageBytes > maxPageBytes) {
		add("threatqbeat.max_page_bytes must be between 64KiB and 1GiB, got %d bytes (leave it out for page_size × 32KiB)", c.MaxPageBytes)
	}
	if c.MaxPagesPerRun < 1 {
		add("threatqbeat.max_pages_per_run must be at least 1, got %d", c.MaxPagesPerRun)
	}
	if c.HTTPClientTimeout <= 0 {
		add("threatqbeat.http_client_timeout must be positive, got %s", c.HTTPClientTimeout)
	}
	if c.Retry.MaxAttempts < 1 {
		add("threatqbeat.retry.max_attempts must be at least 1, got %d", c.Retry.MaxAttempts)
	}
	if c.Retry.WaitMin <= 0 || c.Retry.WaitMax < c.Retry.WaitMin {
		add("threatqbeat.retry.wait_min must be positive and not above retry.wait_max")
	}
	if d, err := threat.ParseExpiration(c.IOCExpirationDuration); err != nil || d <= 0 {
		add("threatqbeat.ioc_expiration_duration %q is invalid: use a whole number of at least 1 followed by d (days), h (hours) or m (minutes), e.g. 90d", c.IOCExpirationDuration)
	}
	if !strings.Contains(c.ReferencePath, "{id}") {
		add("threatqbeat.reference_path must contain {id}, got %q", c.ReferencePath)
	}
	if ns := c.DataStream.Namespace; ns == "" || strings.ContainsAny(ns, `-\/*?"<>| ,#:`) || strings.ToLower(ns) != ns {
		add("threatqbeat.data_stream.namespace %q must be lowercase with no -\\/*?\"<>| ,#: characters", ns)
	}
	if f := c.Tracer.Filename; f == "" || filepath.IsAbs(f) || !filepath.IsLocal(f) {
		add("threatqbeat.tracer.filename %q must be a relative path inside the logs directory (path.logs)", f)
	}
	if c.Tracer.MaxSizeMB < 1 || c.Tracer.MaxBackups > 100 {
		add("threatqbeat.tracer.maxsize must be at least 1 (MB) and tracer.maxbackups at most 100")
	}
	if c.SweepInterval != 0 && c.SweepInterval < minSweepInterval {
		add("threatqbeat.sweep_interval must be 0 (no sweep) or at least %s, got %s", minSweepInterval, c.SweepInterval)
	}
	if c.ShutdownTimeout < 0 {
		add("threatqbeat.shutdown_timeout must not be negative")
	}
	return errors.Join(errs...)
}

// maxCollectionID is the longest collection id: it names the cursor file
// (cursor-<id>.json, well under the 255 bytes of a file name) and a metrics
// registry.
const maxCollectionID = 128

// validCollectionID reports an id of 1 to maxCollectionID ASCII letters,
// digits, '-' and '_': safe as a URL path segment, a file name and a
// metrics name (no '.', which would also nest registries).
func validCollectionID(id string) bool {
	if len(id) == 0 || len(id) > maxCollectionID {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// quoteID quotes a collection id for a message, cut after 40 characters.
func quoteID(id string) string {
	if r := []rune(id); len(r) > 40 {
		return fmt.Sprintf("%q (%d characters)", string(r[:40])+"…", len(r))
	}
	return fmt.Sprintf("%q", id)
}

// Expiration returns the parsed ioc_expiration_duration.
func (c *Config) Expiration() time.Duration {
	d, _ := threat.ParseExpiration(c.IOCExpirationDuration)
	return d
}

// RedactURL is threatq.RedactURL, the one form in which threatqbeat shows
// a URL: without user information, secret-looking query values redacted.
func RedactURL(s string) string { return threatq.RedactURL(s) }
