package threatqtest

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
)

// Stats counts what clients asked. Stats returns a copy.
type Stats struct {
	// TokenRequests counts POST /api/token requests, whatever the outcome.
	TokenRequests int
	// TokensIssued counts tokens issued, by the endpoint or IssueToken.
	TokensIssued int
	// PageRequests counts GET requests to the collection endpoint, whatever
	// the outcome.
	PageRequests int
	// Unauthorized counts 401 answers (rejected tokens and 401 faults).
	Unauthorized int
	// FaultsApplied counts requests that met an injected fault.
	FaultsApplied int
	// Cursors holds, per collection id, the cursorMark of every collection
	// request in arrival order, as sent ("" when absent).
	Cursors map[string][]string
	// LastQuery and LastHeader are the query and headers of the last
	// collection request.
	LastQuery  url.Values
	LastHeader http.Header
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Cursors = make(map[string][]string, len(s.stats.Cursors))
	for id, marks := range s.stats.Cursors {
		st.Cursors[id] = slices.Clone(marks)
	}
	st.LastQuery = url.Values(maps.Clone(map[string][]string(s.stats.LastQuery)))
	st.LastHeader = s.stats.LastHeader.Clone()
	return st
}

// ResetStats sets every counter back to zero and forgets recorded cursors.
func (s *Server) ResetStats() {
	s.mu.Lock()
	s.stats = Stats{}
	s.mu.Unlock()
}
