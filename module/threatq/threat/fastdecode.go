package threat

import (
	"github.com/threatqbeat/threatqbeat/module/threatq/internal/jsonscan"
)

// decodeFast decodes obj, a valid JSON object, into a zero ind the way
// encoding/json does, without reflection and without scanning members
// twice. It covers what ThreatQ sends; for anything it does not handle
// exactly like encoding/json (a member of the wrong kind where an array or
// an object is expected, an escaped or case-folded member name, a repeated
// array) it returns false, and the caller decodes with encoding/json.
func decodeFast(obj []byte, ind *indicator) bool {
	var arrays uint8 // arrays already decoded: a repeat falls back
	return jsonscan.EachMember(obj, func(key, v []byte) bool {
		if p := ind.valueField(key); p != nil {
			_ = p.UnmarshalJSON(v)
			return true
		}
		switch string(key) {
		case "type":
			return ind.Type.decodeFast(v)
		case "status":
			return ind.Status.decodeFast(v)
		case "tags", "adversaries", "attributes", "sources":
			bit := arrayBit[key[1]]
			if arrays&bit != 0 {
				return false
			}
			arrays |= bit
			switch key[1] {
			case 'a':
				return decodeNamedList(v, &ind.Tags)
			case 'd':
				return decodeNamedList(v, &ind.Adversaries)
			case 't':
				return decodeObjects(v, &ind.Attributes, func(a *attribute, key, v []byte) bool {
					return a.decodeMember(key, v)
				})
			default:
				return decodeObjects(v, &ind.Sources, func(s *source, key, v []byte) bool {
					return s.decodeMember(key, v)
				})
			}
		}
		return !foldsToField(key)
	})
}

// arrayBit tells the array members apart by their second letter: tags,
// adversaries, attributes, sources.
var arrayBit = [256]uint8{'a': 1, 'd': 2, 't': 4, 'o': 8}

// valueField returns the scalar member named key, nil if there is none.
func (ind *indicator) valueField(key []byte) *value {
	switch string(key) {
	case "id":
		return &ind.ID
	case "indicator_id":
		return &ind.IndicatorID
	case "value":
		return &ind.Value
	case "class":
		return &ind.Class
	case "hash":
		return &ind.Hash
	case "description":
		return &ind.Description
	case "uuid":
		return &ind.UUID
	case "score":
		return &ind.Score
	case "generated_score":
		return &ind.GeneratedScore
	case "manual_score":
		return &ind.ManualScore
	case "created_at":
		return &ind.CreatedAt
	case "updated_at":
		return &ind.UpdatedAt
	case "published_at":
		return &ind.PublishedAt
	case "touched_at":
		return &ind.TouchedAt
	case "expires_at":
		return &ind.ExpiresAt
	case "expired_at":
		return &ind.ExpiredAt
	case "expires_calculated_at":
		return &ind.ExpiresCalculatedAt
	case "last_detected_at":
		return &ind.LastDetectedAt
	}
	return ind.relatedCounts.field(key)
}

// field returns the count named key, nil if there is none.
func (c *relatedCounts) field(key []byte) *value {
	if len(key) < len("related__count") || string(key[:8]) != "related_" {
		return nil
	}
	switch string(key) {
	case "related_adversary_count":
		return &c.Adversary
	case "related_asset_count":
		return &c.Asset
	case "related_attachment_count":
		return &c.Attachment
	case "related_attack_pattern_count":
		return &c.AttackPattern
	case "related_campaign_count":
		return &c.Campaign
	case "related_course_of_action_count":
		return &c.CourseOfAction
	case "related_event_count":
		return &c.Event
	case "related_exploit_target_count":
		return &c.ExploitTarget
	case "related_identity_count":
		return &c.Identity
	case "related_incident_count":
		return &c.Incident
	case "related_indicator_count":
		return &c.Indicator
	case "related_infrastructure_count":
		return &c.Infrastructure
	case "related_intrusion_set_count":
		return &c.IntrusionSet
	case "related_investigation_count":
		return &c.Investigation
	case "related_malware_count":
		return &c.Malware
	case "related_note_count":
		return &c.Note
	case "related_report_count":
		return &c.Report
	case "related_signature_count":
		return &c.Signature
	case "related_task_count":
		return &c.Task
	case "related_tool_count":
		return &c.Tool
	case "related_ttp_count":
		return &c.TTP
	case "related_vulnerability_count":
		return &c.Vulnerability
	}
	return nil
}

// decodeFast is named.UnmarshalJSON without a nested encoding/json decode
// for objects.
func (n *named) decodeFast(v []byte) bool {
	if v[0] != '{' {
		_ = n.UnmarshalJSON(v)
		return true
	}
	var name value
	ok := jsonscan.EachMember(v, func(key, v []byte) bool {
		if string(key) == "name" {
			_ = name.UnmarshalJSON(v)
			return true
		}
		return !equalFoldASCII(key, "name")
	})
	n.kind, n.name = kindObject, name
	return ok
}

func (a *attribute) decodeMember(key, v []byte) bool {
	switch string(key) {
	case "name":
		_ = a.Name.UnmarshalJSON(v)
	case "value":
		_ = a.Value.UnmarshalJSON(v)
	default:
		return !equalFoldASCII(key, "name") && !equalFoldASCII(key, "value")
	}
	return true
}

func (s *source) decodeMember(key, v []byte) bool {
	switch string(key) {
	case "name":
		_ = s.Name.UnmarshalJSON(v)
	case "tlp_name":
		_ = s.TLPName.UnmarshalJSON(v)
	default:
		return !equalFoldASCII(key, "name") && !equalFoldASCII(key, "tlp_name")
	}
	return true
}

// decodeNamedList decodes an array of named (or null) into *list.
func decodeNamedList(v []byte, list *[]named) bool {
	switch v[0] {
	case 'n':
		return true
	case '[':
	default:
		return false
	}
	out := make([]named, 0, 4)
	ok := jsonscan.EachElement(v, func(e []byte) bool {
		var n named
		if !n.decodeFast(e) {
			return false
		}
		out = append(out, n)
		return true
	})
	*list = out
	return ok
}

// decodeObjects decodes an array of objects (or nulls) into *list.
func decodeObjects[T any](v []byte, list *[]*T, member func(*T, []byte, []byte) bool) bool {
	switch v[0] {
	case 'n':
		return true
	case '[':
	default:
		return false
	}
	out := make([]*T, 0, 8)
	ok := jsonscan.EachElement(v, func(e []byte) bool {
		switch e[0] {
		case 'n':
			out = append(out, nil)
			return true
		case '{':
		default:
			return false
		}
		t := new(T)
		out = append(out, t)
		return jsonscan.EachMember(e, func(key, v []byte) bool { return member(t, key, v) })
	})
	*list = out
	return ok
}

// foldedFields are the indicator member names, for foldsToField.
var foldedFields = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range []string{"type", "status", "tags", "adversaries", "attributes", "sources"} {
		m[k] = true
	}
	var ind indicator
	for _, k := range []string{"id", "indicator_id", "value", "class", "hash", "description", "uuid", "score",
		"generated_score", "manual_score", "created_at", "updated_at", "published_at", "touched_at",
		"expires_at", "expired_at", "expires_calculated_at", "last_detected_at"} {
		m[k] = true
	}
	ind.relatedCounts.each(func(name string, _ value) { m[name] = true })
	return m
}()

// foldsToField reports a member name that encoding/json would match to an
// indicator field although it is not spelled exactly like one (another
// case, or non-ASCII letters that fold to ASCII ones).
func foldsToField(key []byte) bool {
	plain := true
	for _, c := range key {
		if c >= 0x80 || (c >= 'A' && c <= 'Z') {
			plain = false
			break
		}
	}
	if plain {
		return false // spelled exactly, and no field matched it
	}
	lower := make([]byte, len(key))
	for i, c := range key {
		switch {
		case c >= 0x80:
			return true
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return foldedFields[string(lower)]
}

// equalFoldASCII is foldsToField for a single field name: true when
// encoding/json could match key to name.
func equalFoldASCII(key []byte, name string) bool {
	if len(key) != len(name) {
		for _, c := range key {
			if c >= 0x80 {
				return true
			}
		}
		return false
	}
	for i, c := range key {
		if c >= 0x80 {
			return true
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}
