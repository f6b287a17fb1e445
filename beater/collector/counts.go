package collector

// Counts are a collection's indicator counters. Published and Acked count
// events: indicators and tombstones.
type Counts struct {
	Fetched, Published, Rejected, Acked, Dropped uint64
	// Filtered are the indicators a curation option kept from being
	// published.
	Filtered uint64
	// Tombstones are the tombstones published (part of Published), by
	// reason: NotInCollection (gone from the collection) and, the rest,
	// a curation option. RetiredInactive are the active indicators that a
	// newer version retired (Whitelisted, Expired, a status not deployed).
	Tombstones, NotInCollection, RetiredInactive uint64
	// Sweeps are the sweeps completed; Republished the indicators a sweep
	// published again (back in the collection, or kept again).
	Sweeps, Republished uint64
}

func (s *collectionStats) counts() Counts {
	return Counts{Fetched: s.fetched.Get(), Published: s.published.Get(), Rejected: s.rejected.Get(), Acked: s.acked.Get(), Dropped: s.dropped.Get(),
		Filtered: s.filtered.Get(), Tombstones: s.tombstones.Get(), NotInCollection: s.tombstonesBy[retiredNotInCollection].Get(),
		RetiredInactive: s.retiredInactive.Get(), Sweeps: s.sweeps.Get(), Republished: s.republished.Get()}
}
