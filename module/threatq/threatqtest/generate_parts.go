package threatqtest

import (
	"strconv"
	"time"
)

// appendAttributes writes 0–6 attributes with distinct names; srcs are
// the indicator's sources, which an attribute may name.
func (g *generator) appendAttributes(b []byte, id int64, created, updated time.Time, srcs []int) []byte {
	r := g.rng
	var order [16]int
	n := min(r.IntN(7), len(g.attributes), len(order))
	g.shuffle(order[:len(g.attributes)], n)
	for j, k := range order[:n] {
		kind := g.attributes[k]
		attrUpdated := updated
		if r.IntN(3) == 0 {
			attrUpdated = created.Add(time.Duration(r.Int64N(int64(updated.Sub(created)) + 1)))
		}
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"attribute_id":`...)
		b = strconv.AppendInt(b, int64(kind.id), 10)
		b = append(b, `,"created_at":`...)
		b = appendTime(b, created.Add(2*time.Second))
		b = append(b, `,"id":`...)
		b = strconv.AppendInt(b, g.attrID, 10)
		g.attrID++
		b = append(b, `,"indicator_id":`...)
		b = strconv.AppendInt(b, id, 10)
		b = append(b, `,"name":`...)
		b = appendString(b, kind.name)
		if r.IntN(20) == 0 {
			b = append(b, `,"sources":[{"name":`...)
			b = appendString(b, g.sources[srcs[r.IntN(len(srcs))]].name)
			b = append(b, `}]`...)
		}
		b = append(b, `,"touched_at":`...)
		b = appendTime(b, attrUpdated)
		b = append(b, `,"updated_at":`...)
		b = appendTime(b, attrUpdated)
		b = append(b, `,"value":`...)
		b = appendString(b, g.attributeValue(kind.name))
		b = append(b, '}')
	}
	return b
}

// appendSources writes the indicator's sources (indexes into g.sources)
// with the TLP in one of its spellings.
func (g *generator) appendSources(b []byte, id int64, statusID, typeID int, created, updated time.Time, srcs []int) []byte {
	r := g.rng
	for j, k := range srcs {
		src := g.sources[k]
		if j > 0 {
			b = append(b, ',')
		}
		linked := created.Add(2 * time.Second)
		b = append(b, `{"created_at":`...)
		b = appendTime(b, linked)
		b = append(b, `,"creator_source_id":`...)
		b = strconv.AppendInt(b, int64(src.id), 10)
		if r.IntN(5) == 0 {
			b = append(b, `,"creator_source_name":`...)
			b = appendString(b, src.name)
			b = append(b, `,"creator_source_type":`...)
			b = appendString(b, src.kind)
		}
		b = append(b, `,"id":`...)
		b = strconv.AppendInt(b, g.linkID, 10)
		g.linkID++
		b = append(b, `,"indicator_id":`...)
		b = strconv.AppendInt(b, id, 10)
		b = append(b, `,"indicator_status_id":`...)
		b = strconv.AppendInt(b, int64(statusID), 10)
		b = append(b, `,"indicator_type_id":`...)
		b = strconv.AppendInt(b, int64(typeID), 10)
		b = append(b, `,"name":`...)
		b = appendString(b, src.name)
		if r.IntN(10) == 0 {
			b = append(b, `,"provider":`...)
			b = appendString(b, src.name+" Feed")
		}
		b = append(b, `,"published_at":`...)
		b = appendTime(b, linked)
		b = append(b, `,"reference_id":`...)
		b = strconv.AppendInt(b, int64(1+r.IntN(500)), 10)
		b = append(b, `,"source_expire_days":`...)
		b = appendString(b, g.pick([]string{"30", "90", "0", "7"}))
		b = append(b, `,"source_id":`...)
		b = strconv.AppendInt(b, int64(src.id), 10)
		b = append(b, `,"source_score":`...)
		b = strconv.AppendInt(b, int64(r.IntN(11)), 10)
		b = append(b, `,"source_type":`...)
		b = appendString(b, src.kind)
		switch tlp := g.tlps[r.IntN(len(g.tlps))]; {
		case tlp.null:
			b = append(b, `,"tlp_id":null,"tlp_name":null`...)
		default:
			if tlp.id > 0 {
				b = append(b, `,"tlp_id":`...)
				b = strconv.AppendInt(b, int64(tlp.id), 10)
			}
			if tlp.name != "" {
				b = append(b, `,"tlp_name":`...)
				b = appendString(b, tlp.name)
			}
		}
		b = append(b, `,"updated_at":`...)
		b = appendTime(b, updated)
		b = append(b, '}')
	}
	return b
}

// relatedObjects are the object kinds of the related_<kind>_count fields, in
// alphabetical order.
func relatedObjects() [22]string {
	return [22]string{
		"adversary", "asset", "attachment", "attack_pattern", "campaign",
		"course_of_action", "event", "exploit_target", "identity", "incident",
		"indicator", "infrastructure", "intrusion_set", "investigation", "malware",
		"note", "report", "signature", "task", "tool", "ttp", "vulnerability",
	}
}

func (g *generator) pickType() *indicatorType {
	x := g.rng.IntN(g.typeWeight)
	for i := range g.types {
		if x < g.types[i].weight {
			return &g.types[i]
		}
		x -= g.types[i].weight
	}
	return &g.types[len(g.types)-1]
}

func (g *generator) pickStatus() *status {
	x := g.rng.IntN(g.statusWeight)
	for i := range g.statuses {
		if x < g.statuses[i].weight {
			return &g.statuses[i]
		}
		x -= g.statuses[i].weight
	}
	return &g.statuses[len(g.statuses)-1]
}

// shuffle fills idx with 0…len-1 and moves k distinct random ones to the
// front (a partial Fisher–Yates shuffle).
func (g *generator) shuffle(idx []int, k int) {
	for i := range idx {
		idx[i] = i
	}
	for i := 0; i < k && i < len(idx); i++ {
		j := i + g.rng.IntN(len(idx)-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
}

// uuid is a random (version 4) UUID from the generator's source.
func (g *generator) uuid() string {
	h := []byte(g.hex(16))
	h[12] = '4'
	h[16] = "89ab"[g.rng.IntN(4)]
	return string(h[0:8]) + "-" + string(h[8:12]) + "-" + string(h[12:16]) + "-" + string(h[16:20]) + "-" + string(h[20:32])
}
