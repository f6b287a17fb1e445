package threatqtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Remove deletes the indicators with the given ids from collection id, as
// when they are deleted in ThreatQ or stop matching the collection's
// criteria: no page returns them any more, and nothing tells a client
// resuming from its cursor. It returns how many it removed.
func (s *Server) Remove(id string, ids ...int64) int {
	drop := make(map[int64]bool, len(ids))
	for _, i := range ids {
		drop[i] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.collections[id]
	if c == nil {
		return 0
	}
	kept := slices.DeleteFunc(slices.Clone(c.entries), func(e entry) bool {
		return e.key.id != noValue && drop[e.key.id]
	})
	n := len(c.entries) - len(kept)
	c.entries = kept // a new slice: readers of the old one are not affected
	return n
}

// WithStatus returns a copy of the indicator with status (and status_id,
// for ThreatQ's own statuses) set to the status named name, and updated_at
// set to updated, as ThreatQ does when an analyst changes the status:
// Append it to move the indicator to its new place. It fails when ind is
// not a JSON object.
func WithStatus(ind json.RawMessage, name string, updated time.Time) (json.RawMessage, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(ind, &members); err != nil || members == nil {
		return nil, fmt.Errorf("threatqtest: WithStatus: %w", errNotObject)
	}
	st := map[string]any{"name": name}
	delete(members, "status_id")
	for _, s := range statuses {
		if s.name == name {
			st["id"], st["description"] = s.id, s.description
			members["status_id"], _ = json.Marshal(s.id)
		}
	}
	members["status"], _ = json.Marshal(st)
	members["updated_at"], _ = json.Marshal(tqTime(updated))
	return json.Marshal(members)
}
