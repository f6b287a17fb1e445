package estest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// stackTemplates are the composable templates a default cluster installs
// (x-pack StackTemplateRegistry, while stack.templates.enabled is true):
// logs@template.json, metrics@template.json and synthetics@template.json,
// each matching <type>-*-* at priority 100 and creating data streams only.
// Their component templates are not modelled.
func stackTemplates(version string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, typ := range []string{"logs", "metrics", "synthetics"} {
		out[typ] = map[string]any{
			"index_patterns":                     []any{typ + "-*-*"},
			"priority":                           float64(100),
			"data_stream":                        map[string]any{"hidden": false, "allow_custom_routing": false},
			"composed_of":                        []any{typ + "@mappings", typ + "@settings", typ + "@custom", "ecs@mappings"},
			"ignore_missing_component_templates": []any{typ + "@custom"},
			"allow_auto_create":                  true,
			"_meta":                              map[string]any{"description": "default " + typ + " template installed by x-pack", "managed": true},
			"version":                            float64(15),
		}
	}
	return out
}

// template serves /_index_template/<name>.
func (s *Server) template(m, name string, doc map[string]any) (int, any) {
	switch m {
	case http.MethodPut, http.MethodPost:
		if err := s.checkTemplate(name, doc); err != nil {
			return http.StatusBadRequest, errBody("illegal_argument_exception", err.Error(), http.StatusBadRequest)
		}
		s.templates[name] = doc
		return http.StatusOK, ack
	case http.MethodGet, http.MethodHead:
		t, ok := s.templates[name]
		if !ok {
			return notFound("index template", name)
		}
		return http.StatusOK, map[string]any{"index_templates": []any{map[string]any{"name": name, "index_template": t}}}
	case http.MethodDelete:
		if _, ok := s.templates[name]; !ok {
			return notFound("index template", name)
		}
		delete(s.templates, name)
		return http.StatusOK, ack
	}
	return http.StatusMethodNotAllowed, errBody("method_not_allowed", m, http.StatusMethodNotAllowed)
}

// checkTemplate refuses what MetadataIndexTemplateService refuses of a
// composable template: overlapping patterns with another template of the
// same priority (v2TemplateOverlaps), and a lifecycle in a template that
// creates no data streams (validateLifecycle).
func (s *Server) checkTemplate(name string, doc map[string]any) error {
	patterns := stringList(doc["index_patterns"])
	prio := priority(doc)
	overlaps := map[string][]string{}
	for other, t := range s.templates {
		if other == name || priority(t) != prio {
			continue
		}
		theirs := stringList(t["index_patterns"])
		if patternsIntersect(patterns, theirs) {
			overlaps[other] = theirs
		}
	}
	if len(overlaps) > 0 {
		names := sortedKeys(overlaps) // a TreeMap in Elasticsearch
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = n + " => " + javaList(overlaps[n])
		}
		return fmt.Errorf("index template [%s] has index patterns %s matching patterns from existing templates [%s] with patterns (%s) that have the same priority [%d], multiple index templates may not match during index creation, please use a different priority",
			name, javaList(patterns), strings.Join(names, ","), strings.Join(parts, ","), prio)
	}
	inner, _ := doc["template"].(map[string]any)
	if _, ds := doc["data_stream"].(map[string]any); inner["lifecycle"] != nil && !ds {
		return fmt.Errorf("index template [%s] specifies lifecycle configuration that can only be used in combination with a data stream", name)
	}
	return nil
}

// winner returns the template a new index or data stream named name takes:
// of the templates with a matching pattern, the one with the highest
// priority (MetadataIndexTemplateService.findV2Template; patterns are
// Regex.simpleMatch globs). Ties cannot be stored (checkTemplate); among
// seeded ones the name decides.
func (s *Server) winner(name string) (string, map[string]any) {
	best, bestPrio := "", int64(-1)
	for _, tname := range sortedKeys(s.templates) {
		t := s.templates[tname]
		if !slices.ContainsFunc(stringList(t["index_patterns"]), func(p string) bool { return simpleMatch(p, name) }) {
			continue
		}
		if p := priority(t); p > bestPrio {
			best, bestPrio = tname, p
		}
	}
	if best == "" {
		return "", nil
	}
	return best, s.templates[best]
}

func priority(t map[string]any) int64 {
	p, _ := t["priority"].(float64) // priorityOrZero
	return int64(p)
}

func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// javaList renders a list as Java's List.toString does: [a, b].
func javaList(l []string) string { return "[" + strings.Join(l, ", ") + "]" }

// simpleMatch is Elasticsearch's Regex.simpleMatch: '*' matches any
// sequence of characters, everything else itself.
func simpleMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == s
	}
	if !strings.HasPrefix(s, pattern[:star]) {
		return false
	}
	rest := pattern[star+1:]
	for i := star; i <= len(s); i++ {
		if simpleMatch(rest, s[i:]) {
			return true
		}
	}
	return false
}

// patternsIntersect reports whether some name matches a pattern of both
// lists, as the automaton intersection of findConflictingV2Templates does.
func patternsIntersect(a, b []string) bool {
	for _, p := range a {
		for _, q := range b {
			if globsIntersect(p, q) {
				return true
			}
		}
	}
	return false
}

// globsIntersect decides whether two '*' globs match a common string.
func globsIntersect(p, q string) bool {
	memo := map[[2]int]bool{}
	seen := map[[2]int]bool{}
	var f func(i, j int) bool
	f = func(i, j int) bool {
		k := [2]int{i, j}
		if seen[k] {
			return memo[k]
		}
		seen[k] = true
		var r bool
		switch {
		case i == len(p) && j == len(q):
			r = true
		case i < len(p) && p[i] == '*':
			// p's star matches nothing, or one more character of what q makes.
			r = f(i+1, j) || (j < len(q) && f(i, j+1))
		case j < len(q) && q[j] == '*':
			r = f(i, j+1) || (i < len(p) && f(i+1, j))
		case i < len(p) && j < len(q):
			r = p[i] == q[j] && f(i+1, j+1)
		}
		memo[k] = r
		return r
	}
	return f(0, 0)
}
