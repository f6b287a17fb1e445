package ecs

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"time"
)

// Validate checks a document (as decoded by encoding/json) against the
// schema and returns one error per violation, sorted:
//
//   - every ECS field's value has the ECS type (a keyword is a string, a long
//     an integral number, a date an RFC 3339 time, an ip an address, ...);
//   - a field ECS normalizes to an array holds an array;
//   - a field with allowed or expected values (event.kind, event.category,
//     event.type, threat.indicator.type, threat.indicator.marking.tlp,
//     threat.indicator.confidence, ...) holds only those;
//   - every (event.category, event.type) pair is one ECS lists for the
//     category (expected_event_types).
//
// Fields ECS does not define are not checked here.
func (s *Schema) Validate(doc map[string]any) []error {
	var errs []error
	s.walk(doc, "", &errs)
	errs = append(errs, s.categoryTypes(doc)...)
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errs
}

func (s *Schema) walk(obj map[string]any, prefix string, errs *[]error) {
	for k, v := range obj {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		f, isECS := s.Lookup(name)
		if !isECS {
			if m, ok := v.(map[string]any); ok {
				s.walk(m, name, errs)
			}
			continue
		}
		s.check(f, v, errs)
	}
}

// check validates the value of one ECS field.
func (s *Schema) check(f Field, v any, errs *[]error) {
	fail := func(format string, args ...any) {
		*errs = append(*errs, fmt.Errorf("%s: "+format, append([]any{f.FlatName}, args...)...))
	}
	switch f.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			fail("ECS type object, got %s", describe(v))
			return
		}
		s.walk(m, f.FlatName, errs)
		return
	case "nested":
		items, ok := v.([]any)
		if !ok {
			items = []any{v}
		}
		for _, it := range items {
			m, ok := it.(map[string]any)
			if !ok {
				fail("ECS type nested wants objects, got %s", describe(it))
				continue
			}
			s.walk(m, f.FlatName, errs)
		}
		return
	}
	list, isList := v.([]any)
	if f.IsArray() && !isList {
		fail("ECS normalizes this field to an array, got %s", describe(v))
	}
	if !isList {
		list = []any{v}
	}
	allowed := f.Values()
	for _, e := range list {
		if !fits(f.Type, e) {
			fail("ECS type %s, got %s", f.Type, describe(e))
			continue
		}
		if str, ok := e.(string); ok && len(allowed) > 0 && !slices.Contains(allowed, str) {
			fail("%q is not one of ECS's values %v", str, allowed)
		}
	}
}

// categoryTypes checks event.type against the expected_event_types of each
// event.category value.
func (s *Schema) categoryTypes(doc map[string]any) []error {
	event, _ := doc["event"].(map[string]any)
	cats, types := strings_(event["category"]), strings_(event["type"])
	if len(cats) == 0 || len(types) == 0 {
		return nil
	}
	expected := map[string][]string{}
	for _, v := range s.Fields["event.category"].AllowedValues {
		expected[v.Name] = v.ExpectedEventTypes
	}
	var errs []error
	for _, c := range cats {
		want, known := expected[c]
		if !known {
			continue // reported as a bad value
		}
		for _, t := range types {
			if !slices.Contains(want, t) {
				errs = append(errs, fmt.Errorf("event.type: %q is not an expected type of event.category %q (ECS expects %v)", t, c, want))
			}
		}
	}
	return errs
}

func strings_(v any) []string {
	var out []string
	switch v := v.(type) {
	case string:
		out = append(out, v)
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// fits reports whether a JSON value is a value of an ECS field type.
func fits(typ string, v any) bool {
	switch typ {
	case "keyword", "constant_keyword", "wildcard", "match_only_text", "text":
		_, ok := v.(string)
		return ok
	case "long":
		n, ok := number(v)
		return ok && n == float64(int64(n))
	case "float", "scaled_float", "half_float", "double":
		_, ok := number(v)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "date":
		str, ok := v.(string)
		if !ok {
			return false
		}
		_, err := time.Parse(time.RFC3339Nano, str)
		return err == nil
	case "ip":
		str, ok := v.(string)
		if !ok {
			return false
		}
		_, err := netip.ParseAddr(str)
		return err == nil
	case "flattened":
		_, ok := v.(map[string]any)
		return ok
	case "geo_point":
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		_, lat := number(m["lat"])
		_, lon := number(m["lon"])
		return lat && lon
	}
	return false
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

func describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("string %q", v)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T %v", v, v)
}
