package ecs

import (
	"encoding/json"
	"strings"
	"testing"
)

func load(t *testing.T) *Schema {
	t.Helper()
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLoadReadsTheVendoredDefinitions(t *testing.T) {
	s := load(t)
	if n := len(s.Fields); n != 1692 {
		t.Errorf("%d ECS %s fields, ecs_flat.yml at v8.17.0 has 1692", n, Version)
	}
	for name, want := range map[string]string{
		"@timestamp": "date", "threat.indicator.ip": "ip", "threat.indicator.url.full": "wildcard",
		"error.message": "match_only_text", "threat.enrichments": "nested", "labels": "object",
		"threat.indicator.file.hash.sha384": "keyword", "data_stream.dataset": "constant_keyword",
	} {
		if got := s.Fields[name].Type; got != want {
			t.Errorf("%s: type %q, want %q", name, got, want)
		}
	}
	if mf := s.Fields["threat.indicator.url.full"].MultiFields; len(mf) != 1 || mf[0].Name != "text" || mf[0].Type != "match_only_text" {
		t.Errorf("threat.indicator.url.full multi-fields %+v, want text: match_only_text", mf)
	}
	if got := s.Fields["event.kind"].Values(); !strings.Contains(strings.Join(got, ","), "enrichment") {
		t.Errorf("event.kind values %v lack enrichment", got)
	}
	if !s.DefaultFields["message"] || !s.DefaultFields["event.dataset"] || s.DefaultFields["threat.indicator.ip"] {
		t.Errorf("default_field allowlist not read as expected")
	}
	if f, ok := s.Lookup("labels.is_ioc_transform_source"); !ok || f.Type != "keyword" {
		t.Errorf("labels.* should resolve to a keyword, got %+v %v", f, ok)
	}
}

// TestValidateRejectsBadValues feeds deliberately wrong documents and checks
// that each one is reported, and that a good one is not.
func TestValidateRejectsBadValues(t *testing.T) {
	s := load(t)
	good := `{"@timestamp":"2020-11-15T00:00:02.000Z","event":{"kind":"enrichment","category":["threat"],"type":["indicator"],"dataset":"ti_threatq.threat"},
	  "threat":{"indicator":{"type":"ipv4-addr","ip":"1.2.3.4","confidence":"High","marking":{"tlp":"AMBER"},"provider":["x"],
	  "url":{"port":443}}},"labels":{"is_ioc_transform_source":"true"},"related":{"ip":["1.2.3.4"],"hash":["a"]},"threatq":{"id":1}}`
	if errs := s.Validate(decode(t, good)); len(errs) > 0 {
		t.Fatalf("good document reported: %v", errs)
	}
	cases := []struct {
		name, path, value, want string
	}{
		{"kind not allowed", "event.kind", `"ioc"`, `event.kind: "ioc" is not one of ECS's values`},
		{"category not allowed", "event.category", `["intel"]`, `event.category: "intel" is not one of ECS's values`},
		{"type not expected for category", "event.type", `["info"]`, `event.type: "info" is not an expected type of event.category "threat"`},
		{"type not allowed", "event.type", `["ioc"]`, `event.type: "ioc" is not one of ECS's values`},
		{"category not an array", "event.category", `"threat"`, `event.category: ECS normalizes this field to an array`},
		{"indicator type", "threat.indicator.type", `"ip"`, `threat.indicator.type: "ip" is not one of ECS's values`},
		{"tlp", "threat.indicator.marking.tlp", `"TLP:AMBER"`, `threat.indicator.marking.tlp: "TLP:AMBER" is not one of ECS's values`},
		{"confidence", "threat.indicator.confidence", `"7"`, `threat.indicator.confidence: "7" is not one of ECS's values`},
		{"ip not an address", "threat.indicator.ip", `"example.com"`, `threat.indicator.ip: ECS type ip, got string "example.com"`},
		{"long not integral", "threat.indicator.url.port", `4.5`, `threat.indicator.url.port: ECS type long`},
		{"long as string", "threat.indicator.url.port", `"443"`, `threat.indicator.url.port: ECS type long, got string`},
		{"keyword as number", "event.dataset", `5`, `event.dataset: ECS type keyword, got float64 5`},
		{"date not RFC 3339", "@timestamp", `"2020-11-15 00:00:02"`, `@timestamp: ECS type date`},
		{"label not a keyword", "labels.is_ioc_transform_source", `true`, `labels.is_ioc_transform_source: ECS type keyword, got bool`},
		{"object where a leaf is", "threat.indicator.ip", `{"v":"1.2.3.4"}`, `threat.indicator.ip: ECS type ip, got an object`},
		{"null", "threat.indicator.provider", `null`, `threat.indicator.provider: ECS type keyword, got null`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := decode(t, good)
			set(t, doc, c.path, c.value)
			errs := s.Validate(doc)
			for _, err := range errs {
				if strings.Contains(err.Error(), c.want) {
					return
				}
			}
			t.Errorf("%s = %s: want an error containing %q, got %v", c.path, c.value, c.want, errs)
		})
	}
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// set replaces the value at a dotted path of nested objects.
func set(t *testing.T, doc map[string]any, path, value string) {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(value), &v); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(path, ".")
	m := doc
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}
