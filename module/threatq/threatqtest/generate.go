package threatqtest

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"time"
)

// idSpace bounds generated indicator ids: 1 … 2^31.
const idSpace = 1 << 31

// Generate returns n realistic ThreatQ indicators, as the collection
// endpoint returns them with fields asking for sources and attributes
// (keys in alphabetical order, like the peer fixtures). The result depends
// only on n, seed and start, and Generate(m, seed, start) is a prefix of
// Generate(n, seed, start) for m < n.
//
// updated_at starts at start (UTC, whole seconds) and grows by 1 to 60
// seconds per indicator; ids are unique within one call (a seed-dependent
// permutation of 1 … 2^31, so two seeds rarely share an id). Types follow a
// realistic mix of every type threatqbeat maps plus a few it does not, with
// values valid for their type, in documentation ranges (192.0.2.0/24,
// 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, example.com/.net/.org).
// Statuses, scores (0–10, sometimes absent), 0–6 attributes, 1–3 sources
// with TLP names in several spellings (and null), expiry times, adversaries
// and related_*_count fields vary.
//
// The indicators share a few large buffers (each with its capacity capped
// at its length), so n indicators cost little more than their bytes.
func Generate(n int, seed uint64, start time.Time) []json.RawMessage {
	if n <= 0 {
		return []json.RawMessage{}
	}
	g := newGenerator(seed, start, n)
	out := make([]json.RawMessage, n)
	for i := range out {
		out[i] = g.indicator(i)
	}
	return out
}

type generator struct {
	rng          *rand.Rand
	types        []indicatorType
	typeWeight   int
	statuses     []status
	statusWeight int
	sources      []source
	tlps         []tlpForm
	attributes   []attributeKind
	lists        wordLists

	idMul, idAdd   uint64
	updated        time.Time
	attrID, linkID int64

	buf   []byte // one indicator being written
	arena []byte // where finished indicators are kept
	chunk int
}

func newGenerator(seed uint64, start time.Time, n int) *generator {
	rng := rand.New(rand.NewPCG(seed, 0x7468726561747174)) // "threatqt"
	g := &generator{
		rng:        rng,
		types:      indicatorTypes(),
		statuses:   statuses(),
		sources:    sources(),
		tlps:       tlpForms(),
		attributes: attributeKinds(),
		lists:      newWordLists(),
		updated:    start.UTC().Truncate(time.Second),
		chunk:      min(max(n*2048, 4096), 1<<20),
	}
	for _, t := range g.types {
		g.typeWeight += t.weight
	}
	for _, s := range g.statuses {
		g.statusWeight += s.weight
	}
	g.idMul = rng.Uint64() | 1 // odd: i → i*idMul+idAdd is a bijection mod 2^31
	g.idAdd = rng.Uint64()
	g.attrID = 1 + rng.Int64N(1<<30)
	g.linkID = 1 + rng.Int64N(1<<30)
	return g
}

func (g *generator) indicator(i int) json.RawMessage {
	r := g.rng
	if i > 0 {
		g.updated = g.updated.Add(time.Duration(1+r.IntN(60)) * time.Second)
	}
	id := int64(1 + (uint64(i)*g.idMul+g.idAdd)%idSpace)
	typ := g.pickType()
	st := g.pickStatus()
	value := typ.value(g)
	updated := g.updated
	created := updated.Add(-time.Duration(r.Int64N(400*24*3600)) * time.Second)
	touched := updated
	if r.IntN(2) == 0 {
		touched = updated.Add(time.Duration(r.Int64N(3*24*3600)) * time.Second)
	}

	// Sources first: attributes may name one of them.
	var srcOrder [8]int
	nsrc := 1
	switch x := r.IntN(10); {
	case x >= 9:
		nsrc = 3
	case x >= 6:
		nsrc = 2
	}
	nsrc = min(nsrc, len(g.sources), len(srcOrder))
	g.shuffle(srcOrder[:len(g.sources)], nsrc)

	b := g.buf[:0]
	b = append(b, `{"adversaries":[`...)
	if r.IntN(10) == 0 {
		names := []string{"Crimson Heron", "Quiet Lynx", "Paper Tiger Team", "TA-EXAMPLE-1", "Glass Owl"}
		first := r.IntN(len(names))
		for j := range 1 + r.IntN(2) {
			k := (first + j) % len(names)
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			b = strconv.AppendInt(b, int64(100+k), 10)
			b = append(b, `,"name":`...)
			b = appendString(b, names[k])
			b = append(b, '}')
		}
	}
	b = append(b, `],"attributes":[`...)
	b = g.appendAttributes(b, id, created, updated, srcOrder[:nsrc])
	b = append(b, `],"class":`...)
	b = appendString(b, typ.class)
	b = append(b, `,"created_at":`...)
	b = appendTime(b, created)
	if r.IntN(5) == 0 {
		b = append(b, `,"description":`...)
		b = appendString(b, g.pick(g.lists.descriptions))
	}
	if (st.name == "Expired" && r.IntN(5) < 4) || r.IntN(30) == 0 {
		b = append(b, `,"expired_at":`...)
		b = appendTime(b, updated)
	}
	if r.IntN(20) < 3 {
		b = append(b, `,"expires_at":`...)
		b = appendTime(b, updated.AddDate(0, 0, 7+r.IntN(174)))
	}
	if r.IntN(10) < 6 {
		b = append(b, `,"expires_calculated_at":`...)
		b = appendTime(b, updated.AddDate(0, 0, 30+r.IntN(61)))
	}
	score, hasScore := r.IntN(11), r.IntN(10) != 0
	richScore := hasScore && r.IntN(4) == 0
	if richScore {
		b = append(b, `,"generated_score":`...)
		b = strconv.AppendInt(b, int64(score), 10)
	}
	b = append(b, `,"hash":`...)
	b = appendString(b, g.hex(16))
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, id, 10)
	if r.IntN(20) < 3 {
		b = append(b, `,"last_detected_at":`...)
		b = appendTime(b, created.Add(time.Duration(r.Int64N(int64(updated.Sub(created))+1))))
	}
	if richScore {
		b = append(b, `,"manual_score":`...)
		if r.IntN(10) < 7 {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendInt(b, int64(r.IntN(11)), 10)
		}
	}
	b = append(b, `,"published_at":`...)
	b = appendTime(b, created)
	if r.IntN(5) < 2 {
		for _, name := range relatedObjects() {
			b = append(b, `,"related_`...)
			b = append(b, name...)
			b = append(b, `_count":`...)
			n := 0
			if r.IntN(4) == 0 {
				n = 1 + r.IntN(5)
			}
			b = strconv.AppendInt(b, int64(n), 10)
		}
	}
	if hasScore {
		b = append(b, `,"score":`...)
		b = strconv.AppendInt(b, int64(score), 10)
	}
	b = append(b, `,"sources":[`...)
	b = g.appendSources(b, id, st.id, typ.id, created, updated, srcOrder[:nsrc])
	b = append(b, `],"status":{"description":`...)
	b = appendString(b, st.description)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, int64(st.id), 10)
	b = append(b, `,"name":`...)
	b = appendString(b, st.name)
	b = append(b, `},"status_id":`...)
	b = strconv.AppendInt(b, int64(st.id), 10)
	if r.IntN(20) < 3 {
		tags := []string{"phishing", "c2", "botnet", "tor", "ransomware", "scanner"}
		first := r.IntN(len(tags))
		b = append(b, `,"tags":[`...)
		for j := range 1 + r.IntN(3) {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendString(b, tags[(first+j)%len(tags)])
		}
		b = append(b, ']')
	}
	b = append(b, `,"touched_at":`...)
	b = appendTime(b, touched)
	b = append(b, `,"type":{"class":`...)
	b = appendString(b, typ.class)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, int64(typ.id), 10)
	b = append(b, `,"name":`...)
	b = appendString(b, typ.name)
	b = append(b, `},"type_id":`...)
	b = strconv.AppendInt(b, int64(typ.id), 10)
	b = append(b, `,"updated_at":`...)
	b = appendTime(b, updated)
	if r.IntN(10) < 3 {
		b = append(b, `,"uuid":`...)
		b = appendString(b, g.uuid())
	}
	b = append(b, `,"value":`...)
	b = appendString(b, value)
	b = append(b, '}')
	g.buf = b
	return g.keep(b)
}

// keep copies a finished indicator into the arena.
func (g *generator) keep(b []byte) json.RawMessage {
	if len(g.arena)+len(b) > cap(g.arena) {
		g.arena = make([]byte, 0, max(g.chunk, len(b)))
	}
	off := len(g.arena)
	g.arena = append(g.arena, b...)
	return g.arena[off:len(g.arena):len(g.arena)]
}
