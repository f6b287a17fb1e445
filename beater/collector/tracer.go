package collector

import (
	"fmt"
	"net/http"
	"path/filepath"

	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/config"
	"github.com/threatqbeat/threatqbeat/module/threatq"
)

// setupTracer wraps the ThreatQ HTTP client with the request tracer when
// tracer.enabled, writing under logsDir, and returns the tracer for its
// runner to close (nil when off); when disabled it deletes the trace files
// an earlier run left, since they may hold indicator data.
func setupTracer(cfg config.Tracer, logsDir string, hc *http.Client, log *logp.Logger) (*http.Client, *threatq.Tracer, error) {
	base := filepath.Join(logsDir, cfg.Filename)
	if !cfg.Enabled {
		if err := threatq.RemoveTraces(base); err != nil {
			log.Warnw("cannot delete old request traces", "error", err)
		}
		return hc, nil, nil
	}
	tr, err := threatq.NewTracer(base, cfg.MaxSizeMB, cfg.MaxBackups)
	if err != nil {
		return nil, nil, fmt.Errorf("threatqbeat.tracer: %w", err)
	}
	log.Warnw("request tracing to ThreatQ is on: traces hold indicator data (credentials and tokens are redacted); turn it off when done",
		"files", threatq.TraceFiles(base))
	c := *hc
	c.Transport = tr.Wrap(hc.Transport)
	return &c, tr, nil
}
