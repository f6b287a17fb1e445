package threat

import (
	"fmt"
	"strings"
	"unicode"
)

// normaliseAttributeName makes an attribute name a key of threatq.attributes:
// lowercase, each space replaced by "_" ("AlienVault Threat Level" becomes
// "alienvault_threat_level"). Other characters stay, as upstream.
func normaliseAttributeName(name string) string {
	// One pass, and no allocation for a name already normal.
	return strings.Map(func(r rune) rune {
		if r == ' ' {
			return '_'
		}
		return unicode.ToLower(r)
	}, name)
}

// attributeMap builds threatq.attributes: an object keyed by the normalised
// attribute name, each value an array of strings in source order (mapped as
// flattened). Numbers and booleans are kept as their JSON text; null and empty
// values are skipped; elements without a name, and values that are objects or
// arrays, are dropped and reported. Returns nil when nothing is left.
func attributeMap(attrs []*attribute, errs *fieldErrors) object {
	if len(attrs) == 0 {
		return nil
	}
	out := make(object, len(attrs))
	for i, a := range attrs {
		if a == nil {
			continue
		}
		name, ok, err := a.Name.str()
		if !ok || err != nil {
			if a.Value.present() {
				errs.add(fmt.Sprintf("attributes[%d].name", i), "is missing or not a string; attribute dropped")
			}
			continue
		}
		v, ok, err := a.Value.str()
		if err != nil {
			errs.add(fmt.Sprintf("attributes[%d].value", i), err.Error()+"; dropped")
			continue
		}
		if !ok {
			continue
		}
		key := normaliseAttributeName(name)
		values, _ := out[key].([]string)
		out[key] = append(values, v)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// nameList returns the names of a list of ThreatQ objects (adversaries,
// tags), in order. Nulls and objects without a name are skipped; elements of
// another kind are reported under field.
func nameList(field string, list []named, errs *fieldErrors) []string {
	if len(list) == 0 {
		return nil
	}
	var out []string
	for i, n := range list {
		name, ok, err := n.get()
		if err != nil {
			errs.add(fmt.Sprintf("%s[%d]", field, i), err.Error()+"; dropped")
			continue
		}
		if ok {
			out = append(out, name)
		}
	}
	return out
}
