package collector

import (
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// activeSet holds, in memory, the keys (threat.Key) of the indicators of a
// collection that are active in the alias as far as the output
// acknowledged. It keeps no value: a tombstone retires an indicator by its
// key from the alias and from the ES|QL lookup index alike. It is sized for
// millions: an entry is a map slot of 16 bytes and no pointer for the
// garbage collector to scan. docs/benchmarks.md has the measured figures
// (BenchmarkRecordMillion: about 43 bytes per indicator with the map's
// spare capacity).
//
// An entry's map value is its mark, which a sweep sets on the indicators it
// sees (mark, unmarked, clearMarks). put marks too: an indicator recorded
// while a sweep walks was just published from the collection.
type activeSet struct {
	ids  map[int64]bool  // indicators with a threatq.id (nearly all): marked
	keys map[string]bool // indicators without one, by indicator_key: marked
}

func newActiveSet() *activeSet {
	return &activeSet{ids: map[int64]bool{}, keys: map[string]bool{}}
}

// Len is the number of indicators recorded.
func (s *activeSet) Len() int { return len(s.ids) + len(s.keys) }

// has reports whether k is recorded.
func (s *activeSet) has(k threat.Key) bool {
	if k.IndicatorKey != "" {
		_, ok := s.keys[k.IndicatorKey]
		return ok
	}
	_, ok := s.ids[k.ID]
	return ok
}

// put records k and marks it; it reports whether k was not recorded
// before.
func (s *activeSet) put(k threat.Key) bool {
	added := !s.has(k)
	if k.IndicatorKey != "" {
		s.keys[k.IndicatorKey] = true
	} else {
		s.ids[k.ID] = true
	}
	return added
}

// del forgets k; it reports whether k was recorded.
func (s *activeSet) del(k threat.Key) bool {
	if !s.has(k) {
		return false
	}
	if k.IndicatorKey != "" {
		delete(s.keys, k.IndicatorKey)
	} else {
		delete(s.ids, k.ID)
	}
	return true
}

// each calls fn for every recorded indicator.
func (s *activeSet) each(fn func(k threat.Key)) {
	for id := range s.ids {
		fn(threat.Key{ID: id})
	}
	for k := range s.keys {
		fn(threat.Key{IndicatorKey: k})
	}
}

// mark marks k if it is recorded; it reports whether k is recorded.
func (s *activeSet) mark(k threat.Key) bool {
	if !s.has(k) {
		return false
	}
	s.put(k)
	return true
}

// unmarked returns the recorded indicators that are not marked.
func (s *activeSet) unmarked() []threat.Key {
	var out []threat.Key
	for id, marked := range s.ids {
		if !marked {
			out = append(out, threat.Key{ID: id})
		}
	}
	for k, marked := range s.keys {
		if !marked {
			out = append(out, threat.Key{IndicatorKey: k})
		}
	}
	return out
}

// clearMarks removes every mark.
func (s *activeSet) clearMarks() {
	for id := range s.ids {
		s.ids[id] = false
	}
	for k := range s.keys {
		s.keys[k] = false
	}
}
