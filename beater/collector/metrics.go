package collector

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/elastic/elastic-agent-libs/monitoring"

	"github.com/threatqbeat/threatqbeat/module/threatq"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// collectionStats are the per-collection counters, registered in libbeat's
// stats registry under threatq.collections.<id> so that the HTTP /stats
// endpoint and Elastic monitoring show them. docs/troubleshooting.md lists
// them.
type collectionStats struct {
	pages         *monitoring.Uint
	fetched       *monitoring.Uint
	published     *monitoring.Uint
	rejected      *monitoring.Uint
	acked         *monitoring.Uint
	dropped       *monitoring.Uint // acknowledged, but dropped by the output (see DropWatch)
	errors        *monitoring.Uint
	retries       *monitoring.Uint
	missingFields *monitoring.Uint
	runs          *monitoring.Uint
	total         *monitoring.Int // collection size reported by ThreatQ
	lastSuccess   *monitoring.Int // unix ms of the last successful run
	runDurationMS *monitoring.Int // duration of the last run

	fullPassPublished *monitoring.Int // indicators published by the last full pass
	fullPassTotal     *monitoring.Int // ThreatQ's total at the end of that pass

	// filtered counts the indicators a curation option kept from being
	// published, and filteredBy per option (filtered.<option>).
	filtered   *monitoring.Uint
	filteredBy map[threat.Filter]*monitoring.Uint

	// tombstones counts the tombstones published, and tombstonesBy per
	// reason (tombstones_by.not_in_collection, tombstones_by.<option>).
	// retiredInactive counts the recorded active indicators that a newer
	// inactive version retired (Whitelisted, Expired, not deployed, past
	// its expiry).
	tombstones      *monitoring.Uint
	tombstonesBy    map[string]*monitoring.Uint
	retiredInactive *monitoring.Uint
	// Sweeps: completed and failed ones, the indicators the last complete
	// one walked, those published again because they were back in the
	// collection (or kept again) unrecorded, and when the last completed.
	sweeps      *monitoring.Uint
	sweepErrors *monitoring.Uint
	swept       *monitoring.Int
	republished *monitoring.Uint
	lastSweep   *monitoring.Int
	// active reports the indicators recorded active (set by
	// runCollection once the record is open; nil without one).
	active atomic.Pointer[activeRecord]

	// apiErrors counts failed ThreatQ requests by kind (api_errors.<kind>).
	apiErrors map[string]*monitoring.Uint
	// cursorStored is the unix ms at which the cursor last moved.
	cursorStored *monitoring.Int
	// lagPages reports the pages fetched and not yet fully acknowledged
	// (set by observe; nil until then).
	lagPages atomic.Pointer[func() int]
}

// apiErrorKinds are the kinds of failed ThreatQ requests counted under
// api_errors: threatq.APIError.Kind's, plus network for failures of the
// round trip itself (connection refused or reset, timeout).
var apiErrorKinds = [...]string{"auth", "rate_limit", "server", "client", "redirect", "decode", "network"}

// FreshRegistry replaces parent's sub-registry name, if any, with an empty
// one: a restarted input or collection starts its counters again.
func FreshRegistry(parent *monitoring.Registry, name string) *monitoring.Registry {
	if parent.GetRegistry(name) != nil {
		parent.Remove(name)
	}
	return parent.NewRegistry(name)
}

// newCollectionStats registers the counters of one collection under parent
// (nil: an unregistered registry, for tests).
func newCollectionStats(parent *monitoring.Registry, collection string) *collectionStats {
	var reg *monitoring.Registry
	if parent == nil {
		reg = monitoring.NewRegistry()
	} else {
		reg = FreshRegistry(parent, collection)
	}
	s := &collectionStats{
		pages:         monitoring.NewUint(reg, "pages_fetched"),
		fetched:       monitoring.NewUint(reg, "indicators_fetched"),
		published:     monitoring.NewUint(reg, "indicators_published"),
		rejected:      monitoring.NewUint(reg, "indicators_rejected"),
		acked:         monitoring.NewUint(reg, "indicators_acked"),
		dropped:       monitoring.NewUint(reg, "events_dropped"),
		errors:        monitoring.NewUint(reg, "run_errors"),
		retries:       monitoring.NewUint(reg, "api_retries"),
		missingFields: monitoring.NewUint(reg, "pages_missing_sources_attributes"),
		runs:          monitoring.NewUint(reg, "runs"),
		total:         monitoring.NewInt(reg, "collection_total"),
		lastSuccess:   monitoring.NewInt(reg, "last_success_unix_ms"),
		runDurationMS: monitoring.NewInt(reg, "last_run_duration_ms"),

		fullPassPublished: monitoring.NewInt(reg, "full_pass_published"),
		fullPassTotal:     monitoring.NewInt(reg, "full_pass_total"),

		apiErrors:    map[string]*monitoring.Uint{},
		cursorStored: monitoring.NewInt(reg, "cursor_stored_unix_ms"),

		filtered:   monitoring.NewUint(reg, "indicators_filtered"),
		filteredBy: map[threat.Filter]*monitoring.Uint{},
	}
	s.registerLifecycle(reg)
	filteredReg := reg.NewRegistry("filtered")
	for _, f := range filters {
		s.filteredBy[f] = monitoring.NewUint(filteredReg, string(f))
	}
	errReg := reg.NewRegistry("api_errors")
	for _, k := range apiErrorKinds {
		s.apiErrors[k] = monitoring.NewUint(errReg, k)
	}
	monitoring.NewFunc(reg, "cursor_lag_pages", func(_ monitoring.Mode, v monitoring.Visitor) {
		v.OnInt(int64(s.cursorLagPages()))
	})
	monitoring.NewFunc(reg, "cursor_lag_indicators", func(_ monitoring.Mode, v monitoring.Visitor) {
		v.OnInt(s.cursorLagIndicators())
	})
	return s
}

// filters are the curation options counted under filtered.
var filters = [...]threat.Filter{threat.FilterExcludeTypes, threat.FilterTypes, threat.FilterMinScore, threat.FilterMaxTLP}

// filter counts an indicator that f kept from being published.
func (s *collectionStats) filter(f threat.Filter) {
	s.filtered.Inc()
	if c := s.filteredBy[f]; c != nil {
		c.Inc()
	}
}

// retried counts a ThreatQ request that failed and is tried again
// (threatq.Walk.OnRetry).
func (s *collectionStats) retried(err error, _ time.Duration) {
	s.retries.Inc()
	s.apiError(err)
}

// failed counts a run that ended with err, and err's kind when ThreatQ's
// answer (or the way to it) was the problem.
func (s *collectionStats) failed(err error) {
	s.errors.Inc()
	s.apiError(err)
}

// apiError counts err under api_errors.<kind>; errors that are not about a
// request (cancellation, page limit, cursor loop) are not counted.
func (s *collectionStats) apiError(err error) {
	if c := s.apiErrors[apiErrorKind(err)]; c != nil {
		c.Inc()
	}
}

// apiErrorKind classifies a ThreatQ request failure: one of apiErrorKinds,
// or "" when err is not a failed request.
func apiErrorKind(err error) string {
	var ae *threatq.APIError
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, threatq.ErrPageCap), errors.Is(err, threatq.ErrCursorLoop):
		return ""
	case threatq.IsAuth(err):
		return "auth"
	case errors.As(err, &ae):
		return ae.Kind()
	default:
		return "network"
	}
}

// observe makes cursor_lag_pages report tr's pages that are fetched and not
// yet fully acknowledged.
func (s *collectionStats) observe(tr *tracker) {
	f := tr.pendingPages
	s.lagPages.Store(&f)
}

// cursorMoved records that the stored cursor advanced at t.
func (s *collectionStats) cursorMoved(t time.Time) { s.cursorStored.Set(t.UnixMilli()) }

// cursorLagPages is how many pages the stored cursor is behind the last
// fetched page: pages published and not yet fully acknowledged.
func (s *collectionStats) cursorLagPages() int {
	if f := s.lagPages.Load(); f != nil {
		return (*f)()
	}
	return 0
}

// cursorLagIndicators is how many published indicators are not yet
// acknowledged by the output (a restart would fetch them again).
func (s *collectionStats) cursorLagIndicators() int64 {
	acked := s.acked.Get()
	published := s.published.Get()
	if acked >= published {
		return 0
	}
	return int64(published - acked)
}

// pendingPages is the number of pages begun and not yet committed.
func (t *tracker) pendingPages() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.pending)
}
