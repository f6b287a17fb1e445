package threatqtest

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
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
// Indicators are written by encoding/json. They share a few large buffers
// (each with its capacity capped at its length), so n indicators cost
// little more than their bytes.
func Generate(n int, seed uint64, start time.Time) []json.RawMessage {
	if n <= 0 {
		return []json.RawMessage{}
	}
	g := newGenerator(seed, start, n)
	out := make([]json.RawMessage, n)
	for i := range out {
		out[i] = g.keep(g.indicator(i))
	}
	return out
}

// obj is a JSON object being generated: encoding/json writes its members
// in alphabetical order.
type obj = map[string]any

type generator struct {
	rng          *rand.Rand
	types        []indicatorType
	typeWeight   int
	statuses     []status
	statusWeight int
	updated      time.Time
	idMul, idAdd uint64
	attrID       int64
	linkID       int64

	buf   bytes.Buffer
	enc   *json.Encoder // writes to buf, without HTML escapes
	arena []byte        // where finished indicators are kept
	chunk int
}

func newGenerator(seed uint64, start time.Time, n int) *generator {
	rng := rand.New(rand.NewPCG(seed, 0x7468726561747174)) // "threatqt"
	g := &generator{
		rng:      rng,
		types:    indicatorTypes,
		statuses: statuses,
		updated:  start.UTC().Truncate(time.Second),
		chunk:    min(max(n*2048, 4096), 1<<20),
	}
	g.enc = json.NewEncoder(&g.buf)
	g.enc.SetEscapeHTML(false)
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

// tqTime is a time as ThreatQ writes it (UTC, no zone).
func tqTime(t time.Time) string { return t.UTC().Format(threatqTimeLayout) }

// indicator generates the i-th indicator. The random draws happen in a
// fixed order, which makes the output depend on the seed alone.
func (g *generator) indicator(i int) []byte {
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
	nsrc = min(nsrc, len(sources), len(srcOrder))
	g.shuffle(srcOrder[:len(sources)], nsrc)

	ind := obj{
		"class":      typ.class,
		"created_at": tqTime(created),
		"id":         id,
	}
	adversaries := []obj{}
	if r.IntN(10) == 0 {
		names := []string{"Crimson Heron", "Quiet Lynx", "Paper Tiger Team", "TA-EXAMPLE-1", "Glass Owl"}
		first := r.IntN(len(names))
		for j := range 1 + r.IntN(2) {
			k := (first + j) % len(names)
			adversaries = append(adversaries, obj{"id": 100 + k, "name": names[k]})
		}
	}
	ind["adversaries"] = adversaries
	ind["attributes"] = g.attributes(id, created, updated, srcOrder[:nsrc])
	if r.IntN(5) == 0 {
		ind["description"] = g.pick(descriptions)
	}
	if (st.name == "Expired" && r.IntN(5) < 4) || r.IntN(30) == 0 {
		ind["expired_at"] = tqTime(updated)
	}
	if r.IntN(20) < 3 {
		ind["expires_at"] = tqTime(updated.AddDate(0, 0, 7+r.IntN(174)))
	}
	if r.IntN(10) < 6 {
		ind["expires_calculated_at"] = tqTime(updated.AddDate(0, 0, 30+r.IntN(61)))
	}
	score, hasScore := r.IntN(11), r.IntN(10) != 0
	richScore := hasScore && r.IntN(4) == 0
	if richScore {
		ind["generated_score"] = score
	}
	ind["hash"] = g.hex(16)
	if r.IntN(20) < 3 {
		ind["last_detected_at"] = tqTime(created.Add(time.Duration(r.Int64N(int64(updated.Sub(created)) + 1))))
	}
	if richScore {
		ind["manual_score"] = nil
		if r.IntN(10) >= 7 {
			ind["manual_score"] = r.IntN(11)
		}
	}
	ind["published_at"] = tqTime(created)
	if r.IntN(5) < 2 {
		for _, name := range relatedObjects() {
			n := 0
			if r.IntN(4) == 0 {
				n = 1 + r.IntN(5)
			}
			ind["related_"+name+"_count"] = n
		}
	}
	if hasScore {
		ind["score"] = score
	}
	ind["sources"] = g.sources(id, st.id, typ.id, created, updated, srcOrder[:nsrc])
	ind["status"] = obj{"description": st.description, "id": st.id, "name": st.name}
	ind["status_id"] = st.id
	if r.IntN(20) < 3 {
		tags := []string{"phishing", "c2", "botnet", "tor", "ransomware", "scanner"}
		first := r.IntN(len(tags))
		var list []string
		for j := range 1 + r.IntN(3) {
			list = append(list, tags[(first+j)%len(tags)])
		}
		ind["tags"] = list
	}
	ind["touched_at"] = tqTime(touched)
	ind["type"] = obj{"class": typ.class, "id": typ.id, "name": typ.name}
	ind["type_id"] = typ.id
	ind["updated_at"] = tqTime(updated)
	if r.IntN(10) < 3 {
		ind["uuid"] = g.uuid()
	}
	ind["value"] = value
	return g.encode(ind)
}

// attributes generates 0–6 attributes with distinct names; srcs are the
// indicator's sources, which an attribute may name.
func (g *generator) attributes(id int64, created, updated time.Time, srcs []int) []obj {
	r := g.rng
	var order [16]int
	n := min(r.IntN(7), len(attributeKinds), len(order))
	g.shuffle(order[:len(attributeKinds)], n)
	out := make([]obj, 0, n)
	for _, k := range order[:n] {
		kind := attributeKinds[k]
		attrUpdated := updated
		if r.IntN(3) == 0 {
			attrUpdated = created.Add(time.Duration(r.Int64N(int64(updated.Sub(created)) + 1)))
		}
		a := obj{
			"attribute_id": kind.id,
			"created_at":   tqTime(created.Add(2 * time.Second)),
			"id":           g.attrID,
			"indicator_id": id,
			"name":         kind.name,
		}
		g.attrID++
		if r.IntN(20) == 0 {
			a["sources"] = []obj{{"name": sources[srcs[r.IntN(len(srcs))]].name}}
		}
		a["touched_at"] = tqTime(attrUpdated)
		a["updated_at"] = tqTime(attrUpdated)
		a["value"] = g.attributeValue(kind.name)
		out = append(out, a)
	}
	return out
}

// sources generates the indicator's sources (indexes into sources) with
// the TLP in one of its spellings.
func (g *generator) sources(id int64, statusID, typeID int, created, updated time.Time, srcs []int) []obj {
	r := g.rng
	out := make([]obj, 0, len(srcs))
	for _, k := range srcs {
		src := sources[k]
		linked := tqTime(created.Add(2 * time.Second))
		s := obj{"created_at": linked, "creator_source_id": src.id}
		if r.IntN(5) == 0 {
			s["creator_source_name"] = src.name
			s["creator_source_type"] = src.kind
		}
		s["id"] = g.linkID
		g.linkID++
		s["indicator_id"] = id
		s["indicator_status_id"] = statusID
		s["indicator_type_id"] = typeID
		s["name"] = src.name
		if r.IntN(10) == 0 {
			s["provider"] = src.name + " Feed"
		}
		s["published_at"] = linked
		s["reference_id"] = 1 + r.IntN(500)
		s["source_expire_days"] = g.pick([]string{"30", "90", "0", "7"})
		s["source_id"] = src.id
		s["source_score"] = r.IntN(11)
		s["source_type"] = src.kind
		switch tlp := tlpForms[r.IntN(len(tlpForms))]; {
		case tlp.null:
			s["tlp_id"], s["tlp_name"] = nil, nil
		default:
			if tlp.id > 0 {
				s["tlp_id"] = tlp.id
			}
			if tlp.name != "" {
				s["tlp_name"] = tlp.name
			}
		}
		s["updated_at"] = tqTime(updated)
		out = append(out, s)
	}
	return out
}

// encode writes v as JSON into the generator's buffer and returns the
// bytes (valid until the next call).
func (g *generator) encode(v any) []byte {
	g.buf.Reset()
	if err := g.enc.Encode(v); err != nil {
		panic(err) // maps of strings and numbers always encode
	}
	return bytes.TrimSuffix(g.buf.Bytes(), []byte{'\n'})
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
