package beater

import (
	"github.com/elastic/elastic-agent-libs/monitoring"
)

// collectionStats are the per-collection counters, registered in libbeat's
// stats registry under threatq.collections.<id> so that the HTTP /stats
// endpoint and Elastic monitoring show them.
type collectionStats struct {
	pages         *monitoring.Uint
	fetched       *monitoring.Uint
	published     *monitoring.Uint
	rejected      *monitoring.Uint
	acked         *monitoring.Uint
	errors        *monitoring.Uint
	retries       *monitoring.Uint
	missingFields *monitoring.Uint
	runs          *monitoring.Uint
	total         *monitoring.Int // collection size reported by ThreatQ
	lastSuccess   *monitoring.Int // unix ms of the last successful run
	runDurationMS *monitoring.Int // duration of the last run

	fullPassPublished *monitoring.Int // indicators published by the last full pass
	fullPassTotal     *monitoring.Int // ThreatQ's total at the end of that pass
}

// subRegistry returns the child registry name of parent, creating it.
func subRegistry(parent *monitoring.Registry, name string) *monitoring.Registry {
	if r := parent.GetRegistry(name); r != nil {
		return r
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
		if parent.GetRegistry(collection) != nil {
			parent.Remove(collection)
		}
		reg = parent.NewRegistry(collection)
	}
	return &collectionStats{
		pages:         monitoring.NewUint(reg, "pages_fetched"),
		fetched:       monitoring.NewUint(reg, "indicators_fetched"),
		published:     monitoring.NewUint(reg, "indicators_published"),
		rejected:      monitoring.NewUint(reg, "indicators_rejected"),
		acked:         monitoring.NewUint(reg, "indicators_acked"),
		errors:        monitoring.NewUint(reg, "run_errors"),
		retries:       monitoring.NewUint(reg, "api_retries"),
		missingFields: monitoring.NewUint(reg, "pages_missing_sources_attributes"),
		runs:          monitoring.NewUint(reg, "runs"),
		total:         monitoring.NewInt(reg, "collection_total"),
		lastSuccess:   monitoring.NewInt(reg, "last_success_unix_ms"),
		runDurationMS: monitoring.NewInt(reg, "last_run_duration_ms"),

		fullPassPublished: monitoring.NewInt(reg, "full_pass_published"),
		fullPassTotal:     monitoring.NewInt(reg, "full_pass_total"),
	}
}

// Counts are a collection's indicator counters.
type Counts struct {
	Fetched, Published, Rejected, Acked uint64
}

func (s *collectionStats) counts() Counts {
	return Counts{Fetched: s.fetched.Get(), Published: s.published.Get(), Rejected: s.rejected.Get(), Acked: s.acked.Get()}
}
