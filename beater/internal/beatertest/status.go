package beatertest

import (
	"sync"

	"github.com/elastic/beats/v7/libbeat/management/status"
)

// StatusRecorder is a status.StatusReporter that records every update.
type StatusRecorder struct {
	mu   sync.Mutex
	list []status.Status
	msgs []string
}

func (r *StatusRecorder) UpdateStatus(s status.Status, msg string) {
	r.mu.Lock()
	r.list = append(r.list, s)
	r.msgs = append(r.msgs, msg)
	r.mu.Unlock()
}

// Last is the latest update; status.Unknown before the first.
func (r *StatusRecorder) Last() (status.Status, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.list) == 0 {
		return status.Unknown, ""
	}
	return r.list[len(r.list)-1], r.msgs[len(r.msgs)-1]
}

// State is the latest status; status.Unknown before the first update.
func (r *StatusRecorder) State() status.Status {
	s, _ := r.Last()
	return s
}

// Count is the number of updates so far.
func (r *StatusRecorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.list)
}
