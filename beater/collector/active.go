package collector

import (
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// activeSet holds, in memory, the indicators of a collection that are
// active in the alias as far as the output acknowledged: each one's key
// (threat.Key) and value (threatq.indicator_value, which its tombstone
// carries to show the value it retires). It is sized for millions:
// the values live in one byte arena, so an entry is a map slot of 16 bytes
// plus its value's bytes, and holds no pointer for the garbage collector
// to scan. docs/benchmarks.md has the measured figures (BenchmarkRecordMillion:
// about 110 bytes per indicator with the map's and the arena's spare
// capacity, for values of 31 bytes on average).
//
// An entry also carries a mark, which a sweep sets on the indicators it
// sees (mark, unmarked, clearMarks). put marks too: an indicator recorded
// while a sweep walks was just published from the collection.
type activeSet struct {
	ids   map[int64]valueRef  // indicators with a threatq.id: nearly all
	keys  map[string]valueRef // indicators without one, by indicator_key
	arena []byte
	dead  int // bytes of arena no entry refers to any more
}

// valueRef locates a value in the arena: offset, length and the mark.
type valueRef uint64

const (
	refLenBits = 24
	refMark    = valueRef(1) << 63
	// maxRecordedValue is the longest value recorded; a longer one is
	// recorded as "" (its tombstone then retires the indicator from the
	// alias only). The mapping caps values at 32 KiB, far below.
	maxRecordedValue = 1<<refLenBits - 1
	// compactDeadBytes is the dead space above which a put compacts the
	// arena, once dead bytes also outweigh live ones.
	compactDeadBytes = 1 << 20
)

func newActiveSet() *activeSet {
	return &activeSet{ids: map[int64]valueRef{}, keys: map[string]valueRef{}}
}

func (r valueRef) span() (off, n int) {
	r &^= refMark
	return int(r >> refLenBits), int(r & (1<<refLenBits - 1))
}

// Len is the number of indicators recorded.
func (s *activeSet) Len() int { return len(s.ids) + len(s.keys) }

func (s *activeSet) ref(k threat.Key) (valueRef, bool) {
	if k.IndicatorKey != "" {
		r, ok := s.keys[k.IndicatorKey]
		return r, ok
	}
	r, ok := s.ids[k.ID]
	return r, ok
}

func (s *activeSet) setRef(k threat.Key, r valueRef) {
	if k.IndicatorKey != "" {
		s.keys[k.IndicatorKey] = r
		return
	}
	s.ids[k.ID] = r
}

// has reports whether k is recorded.
func (s *activeSet) has(k threat.Key) bool {
	_, ok := s.ref(k)
	return ok
}

// value is the recorded value of k.
func (s *activeSet) value(k threat.Key) (string, bool) {
	r, ok := s.ref(k)
	if !ok {
		return "", false
	}
	return string(s.bytes(r)), true
}

func (s *activeSet) bytes(r valueRef) []byte {
	off, n := r.span()
	return s.arena[off : off+n : off+n]
}

// put records k with value, replacing what k had, and marks it.
func (s *activeSet) put(k threat.Key, value string) {
	if len(value) > maxRecordedValue {
		value = ""
	}
	old, ok := s.ref(k)
	if ok {
		if string(s.bytes(old)) == value {
			s.setRef(k, old|refMark)
			return
		}
		_, n := old.span()
		s.dead += n
	}
	off := len(s.arena)
	s.arena = append(s.arena, value...)
	s.setRef(k, refMark|valueRef(off)<<refLenBits|valueRef(len(value)))
	if s.dead > compactDeadBytes && s.dead > len(s.arena)-s.dead {
		s.compact()
	}
}

// del forgets k; it reports whether k was recorded.
func (s *activeSet) del(k threat.Key) bool {
	r, ok := s.ref(k)
	if !ok {
		return false
	}
	_, n := r.span()
	s.dead += n
	if k.IndicatorKey != "" {
		delete(s.keys, k.IndicatorKey)
	} else {
		delete(s.ids, k.ID)
	}
	return true
}

// compact copies the live values into a new arena.
func (s *activeSet) compact() {
	arena := make([]byte, 0, len(s.arena)-s.dead)
	move := func(r valueRef) valueRef {
		b := s.bytes(r)
		off := len(arena)
		arena = append(arena, b...)
		return r&refMark | valueRef(off)<<refLenBits | valueRef(len(b))
	}
	for id, r := range s.ids {
		s.ids[id] = move(r)
	}
	for k, r := range s.keys {
		s.keys[k] = move(r)
	}
	s.arena, s.dead = arena, 0
}

// each calls fn for every recorded indicator; value is only valid during
// the call.
func (s *activeSet) each(fn func(k threat.Key, value []byte)) {
	for id, r := range s.ids {
		fn(threat.Key{ID: id}, s.bytes(r))
	}
	for k, r := range s.keys {
		fn(threat.Key{IndicatorKey: k}, s.bytes(r))
	}
}

// mark marks k if it is recorded.
func (s *activeSet) mark(k threat.Key) {
	if r, ok := s.ref(k); ok {
		s.setRef(k, r|refMark)
	}
}

// unmarked returns the recorded indicators that are not marked, with their
// values.
func (s *activeSet) unmarked() []threat.Retirement {
	var out []threat.Retirement
	for id, r := range s.ids {
		if r&refMark == 0 {
			out = append(out, threat.Retirement{Key: threat.Key{ID: id}, Value: string(s.bytes(r))})
		}
	}
	for k, r := range s.keys {
		if r&refMark == 0 {
			out = append(out, threat.Retirement{Key: threat.Key{IndicatorKey: k}, Value: string(s.bytes(r))})
		}
	}
	return out
}

// clearMarks removes every mark.
func (s *activeSet) clearMarks() {
	for id, r := range s.ids {
		if r&refMark != 0 {
			s.ids[id] = r &^ refMark
		}
	}
	for k, r := range s.keys {
		if r&refMark != 0 {
			s.keys[k] = r &^ refMark
		}
	}
}
