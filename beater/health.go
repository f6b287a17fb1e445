package beater

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/elastic/beats/v7/libbeat/management/status"
)

// health aggregates the state of every collection into one status for the
// manager (Elastic Agent, or a no-op when standalone): healthy when every
// collection's last run succeeded, degraded naming the failing ones.
type health struct {
	reporter status.StatusReporter

	mu     sync.Mutex
	failed map[string]string
}

func newHealth(r status.StatusReporter) *health {
	return &health{reporter: r, failed: map[string]string{}}
}

// set records the outcome of a collection's last run (nil: success).
func (h *health) set(collection string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		h.failed[collection] = err.Error()
	} else {
		delete(h.failed, collection)
	}
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
