package collector

import (
	"github.com/elastic/elastic-agent-libs/monitoring"
)

// registerLifecycle registers the counters of retirements and sweeps
// (docs/troubleshooting.md lists them).
func (s *collectionStats) registerLifecycle(reg *monitoring.Registry) {
	s.tombstones = monitoring.NewUint(reg, "tombstones")
	s.retiredInactive = monitoring.NewUint(reg, "retired_by_status_or_expiry")
	s.sweeps = monitoring.NewUint(reg, "sweeps")
	s.sweepErrors = monitoring.NewUint(reg, "sweep_errors")
	s.swept = monitoring.NewInt(reg, "last_sweep_indicators")
	s.republished = monitoring.NewUint(reg, "indicators_republished")
	s.lastSweep = monitoring.NewInt(reg, "last_sweep_unix_ms")
	s.tombstonesBy = map[string]*monitoring.Uint{}
	byReg := reg.NewRegistry("tombstones_by")
	for _, k := range retirementKinds() {
		s.tombstonesBy[k] = monitoring.NewUint(byReg, k)
	}
	monitoring.NewFunc(reg, "indicators_active", func(_ monitoring.Mode, v monitoring.Visitor) {
		n := 0
		if a := s.active.Load(); a != nil {
			n = a.Len()
		}
		v.OnInt(int64(n))
	})
}

// retiredNotInCollection names the tombstones of indicators gone from
// their collection under tombstones_by; the others are named by option.
const retiredNotInCollection = "not_in_collection"

// retirementKinds are the names under tombstones_by.
func retirementKinds() []string {
	kinds := []string{retiredNotInCollection}
	for _, f := range filters {
		kinds = append(kinds, string(f))
	}
	return kinds
}

// retirementKind is the name under tombstones_by of a tombstone's reason.
func retirementKind(reason string) string {
	for _, f := range filters {
		if f.Reason() == reason {
			return string(f)
		}
	}
	return retiredNotInCollection
}

// tombstone counts a tombstone published with reason.
func (s *collectionStats) tombstone(reason string) {
	s.tombstones.Inc()
	if c := s.tombstonesBy[retirementKind(reason)]; c != nil {
		c.Inc()
	}
}
