package collector

import (
	"net/http"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/monitoring"
)

// Options are a Runner's dependencies and the names it goes by. Tests and
// the demo replace the clock, the HTTP client and the directories.
type Options struct {
	// ID names the runner in logs, String and diagnostics: the stream id
	// of an Elastic Agent input; "" for the threatqbeat: section.
	ID string
	// Name is ID made safe for a file name: the diagnostics file's name.
	Name string
	// Unit is the Elastic Agent unit of the input, and Index its index
	// setting as written; both for logs and diagnostics.
	Unit, Index string

	// Log is the runner's logger; default a no-op logger.
	Log *logp.Logger
	// HTTPClient talks to ThreatQ; default: built from the configuration's
	// ssl, proxy and http_client_timeout settings.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// After schedules the next run; default time.After.
	After func(time.Duration) <-chan time.Time
	// Progress, if set, receives progress reports of every run.
	Progress func(Progress)
	// CursorDir holds the cursor files; it is created if needed.
	CursorDir string
	// LogsDir holds request traces (tracer.filename is relative to it).
	LogsDir string

	// Processing, if set, returns the processing settings (index,
	// processors, ingest pipeline) of one pipeline client. It is called
	// once per client because a client closes its processors when it
	// closes.
	Processing func() (beat.ProcessingConfig, error)
	// Metrics is the parent registry of the per-collection counters (nil:
	// unregistered counters); UnregisterMetrics, if set, removes it when
	// the runner stops.
	Metrics           *monitoring.Registry
	UnregisterMetrics func()
	// Health, if set, is a health the runner shares with others (Agent
	// inputs without a stream to report on share the beat's): its
	// collections are recorded there as <ID>/<collection> until
	// SetStatusReporter gives the runner a reporter of its own. Nil: a
	// health of its own.
	Health *Health
	// Drops attributes the events the output drops (nil: not watched).
	Drops *DropWatch
}

// withDefaults fills the dependencies left unset.
func (o Options) withDefaults() Options {
	if o.Log == nil {
		o.Log = logp.NewNopLogger()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	return o
}
