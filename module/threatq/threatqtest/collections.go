package threatqtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

// dropMode says which of sources and attributes to leave out of a served
// indicator.
type dropMode uint8

const (
	dropNone dropMode = iota
	dropSources
	dropAttributes
	dropBoth
)

// entry is one stored indicator: its raw JSON (shared, never modified), its
// sort key, and the byte ranges that remove sources, attributes, or both.
type entry struct {
	raw  []byte
	key  sortKey
	cuts [4]span // [0] sources, [1] attributes, [2:4] both
}

func (e *entry) cutsFor(m dropMode) [2]span {
	switch m {
	case dropSources:
		return [2]span{e.cuts[0]}
	case dropAttributes:
		return [2]span{e.cuts[1]}
	case dropBoth:
		return [2]span{e.cuts[2], e.cuts[3]}
	}
	return [2]span{}
}

// collection is one Data Collection. entries is sorted by key and treated
// as immutable below its length: readers keep the slice they took under the
// server's lock and read it without the lock; writers either append past
// the end or build a new slice.
type collection struct {
	entries []entry
	nextSeq uint64
}

// indexer builds entries, reusing its member buffer.
type indexer struct {
	members []member
}

func (x *indexer) entry(raw json.RawMessage, seq uint64) (entry, error) {
	b := bytes.TrimSpace(raw)
	if !json.Valid(b) {
		return entry{}, errInvalidJSON
	}
	e := entry{raw: b, key: sortKey{updated: noValue, id: noValue, seq: seq}}
	var isObject bool
	x.members, isObject = scanMembers(b, x.members[:0])
	if !isObject {
		return e, nil
	}
	sources, attributes, id, indicatorID := -1, -1, -1, -1
	for i, m := range x.members {
		switch m.key {
		case "sources":
			if sources < 0 {
				sources = i
			}
		case "attributes":
			if attributes < 0 {
				attributes = i
			}
		case "id":
			if id < 0 {
				id = i
			}
		case "indicator_id":
			if indicatorID < 0 {
				indicatorID = i
			}
		case "updated_at":
			if e.key.updated == noValue {
				if t, ok := parseTimeValue(b[m.valStart:m.valEnd]); ok {
					e.key.updated = t.Unix()
				}
			}
		}
	}
	if id < 0 {
		id = indicatorID
	}
	if id >= 0 {
		if n, ok := parseIntValue(b[x.members[id].valStart:x.members[id].valEnd]); ok && n != noValue {
			e.key.id = n
		}
	}
	e.cuts[0] = dropCuts(x.members, [2]int{sources, -1})[0]
	e.cuts[1] = dropCuts(x.members, [2]int{attributes, -1})[0]
	both := [2]int{min(sources, attributes), max(sources, attributes)}
	if both[0] < 0 {
		both = [2]int{both[1], -1}
	}
	c := dropCuts(x.members, both)
	e.cuts[2], e.cuts[3] = c[0], c[1]
	return e, nil
}

func (x *indexer) entries(raws []json.RawMessage, firstSeq uint64) ([]entry, error) {
	out := make([]entry, len(raws))
	for i, raw := range raws {
		e, err := x.entry(raw, firstSeq+uint64(i))
		if err != nil {
			return nil, fmt.Errorf("indicator %d: %w", i, err)
		}
		out[i] = e
	}
	slices.SortFunc(out, func(a, b entry) int { return a.key.compare(b.key) })
	return out, nil
}

// SetCollection replaces the content of collection id (creating it), sorted
// by updated_at then id. The server keeps the given slices: do not modify
// them afterwards. It panics if an element is not valid JSON (a bug in the
// caller, like a bad httptest handler).
func (s *Server) SetCollection(id string, indicators []json.RawMessage) {
	var x indexer
	entries, err := x.entries(indicators, 0)
	if err != nil {
		panic(fmt.Errorf("threatqtest: SetCollection(%q): %w", id, err))
	}
	s.mu.Lock()
	s.collections[id] = &collection{entries: entries, nextSeq: uint64(len(entries))}
	s.mu.Unlock()
}

// Append adds indicators to collection id (creating it), as ThreatQ does
// when indicators are created or updated after a client's last page. A
// stored indicator with the same id as an appended one is removed: an
// updated indicator moves to its new place in the updated_at order. A
// client resuming from its last nextCursorMark gets every appended
// indicator that sorts after that mark. Like SetCollection it keeps the
// slices and panics on invalid JSON.
func (s *Server) Append(id string, indicators ...json.RawMessage) {
	if len(indicators) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.collections[id]
	if c == nil {
		c = &collection{}
		s.collections[id] = c
	}
	var x indexer
	added, err := x.entries(indicators, c.nextSeq)
	if err != nil {
		panic(fmt.Errorf("threatqtest: Append(%q): %w", id, err))
	}
	c.nextSeq += uint64(len(added))

	ids := make(map[int64]struct{}, len(added))
	for _, e := range added {
		if e.key.id != noValue {
			ids[e.key.id] = struct{}{}
		}
	}
	replaces := false
	for i := range c.entries {
		if _, ok := ids[c.entries[i].key.id]; ok && c.entries[i].key.id != noValue {
			replaces = true
			break
		}
	}
	if !replaces && (len(c.entries) == 0 || c.entries[len(c.entries)-1].key.compare(added[0].key) < 0) {
		// Fast path: all new and all after the end. Appending past the
		// length never changes what readers of the old slice see.
		c.entries = append(c.entries, added...)
		return
	}
	merged := make([]entry, 0, len(c.entries)+len(added))
	j := 0
	for i := range c.entries {
		e := c.entries[i]
		if _, ok := ids[e.key.id]; ok && e.key.id != noValue {
			continue
		}
		for j < len(added) && added[j].key.compare(e.key) < 0 {
			merged = append(merged, added[j])
			j++
		}
		merged = append(merged, e)
	}
	c.entries = append(merged, added[j:]...)
}

// Len is the number of indicators in collection id (the "total" of its
// pages), 0 for an unknown collection.
func (s *Server) Len(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.collections[id]; c != nil {
		return len(c.entries)
	}
	return 0
}

// snapshot returns the entries of collection id as they are now.
func (s *Server) snapshot(id string) ([]entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.collections[id]
	if c == nil {
		return nil, false
	}
	return c.entries, true
}

// after returns the index of the first entry after p.
func after(entries []entry, p position) int {
	if p.start {
		return 0
	}
	return sort.Search(len(entries), func(i int) bool { return entries[i].key.compare(p.key) > 0 })
}
