package collector

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/elastic/beats/v7/libbeat/management/status"

	"github.com/threatqbeat/threatqbeat/module/threatq"
)

// Health aggregates the state of every collection of a runner (or of
// several runners sharing it) into one status for a reporter (an Elastic
// Agent stream, the manager, or none): healthy when every collection's last
// run succeeded, degraded naming the failing ones.
type Health struct {
	mu       sync.Mutex
	reporter status.StatusReporter
	failed   map[string]string
	reported bool // at least one run was recorded
}

// NewHealth reports to r (nil: it only records).
func NewHealth(r status.StatusReporter) *Health {
	return &Health{reporter: r, failed: map[string]string{}}
}

// set records the outcome of a collection's last run (nil: success).
func (h *Health) set(collection string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		h.failed[collection] = reason(err)
	} else {
		delete(h.failed, collection)
	}
	h.reported = true
	h.reportLocked()
}

// forget drops the given keys (the collections of a stopped input).
func (h *Health) forget(keys ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := len(h.failed)
	for _, k := range keys {
		delete(h.failed, k)
	}
	if n != len(h.failed) && h.reported {
		h.reportLocked()
	}
}

// setReporter replaces the reporter (an Agent unit's stream reporter can
// change while its input keeps running) and reports the current state to
// it.
func (h *Health) setReporter(r status.StatusReporter) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reporter = r
	if h.reported {
		h.reportLocked()
	}
}

// snapshot returns the failing collections and their reasons.
func (h *Health) snapshot() map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]string, len(h.failed))
	for k, v := range h.failed {
		out[k] = v
	}
	return out
}

func (h *Health) reportLocked() {
	if h.reporter == nil {
		return
	}
	if len(h.failed) == 0 {
		h.reporter.UpdateStatus(status.Running, "ThreatQ collections synced")
		return
	}
	ids := make([]string, 0, len(h.failed))
	for id := range h.failed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("collection %s: %s", id, h.failed[id])
	}
	h.reporter.UpdateStatus(status.Degraded, strings.Join(parts, "; "))
}

// reason is the health message of a failed run: the error, prefixed with
// what to check when ThreatQ refused the credentials.
func reason(err error) string {
	if threatq.IsAuth(err) {
		return "ThreatQ authentication failed (check client_id, client_secret and token_url): " + err.Error()
	}
	return err.Error()
}

// healthError is what a run reports to health: its error, the events the
// output dropped since the last verdict, a successful run's warning (data
// the run delivered incompletely), or nil: a clean run.
func healthError(err error, warning string, dropped uint64) error {
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	if dropped > 0 {
		errs = append(errs, dropError(dropped))
	}
	if len(errs) == 0 && warning != "" {
		return errors.New(warning)
	}
	return errors.Join(errs...)
}
