package tests

import (
	"encoding/json"
	"testing"
	"time"
)

// TestExportTemplateHasThreatQFields checks that the index template built
// from the embedded fields.yml maps the dataset's fields with their types.
func TestExportTemplateHasThreatQFields(t *testing.T) {
	b := newBeat(t, fileOutputConfig("https://threatq.example.com", t.TempDir(), ""))
	out, err := b.command(timeout(t, time.Minute), "export", "template").Output()
	if err != nil {
		t.Fatalf("export template: %v", err)
	}
	var tpl struct {
		Template struct {
			Mappings struct {
				Properties map[string]any `json:"properties"`
			} `json:"mappings"`
		} `json:"template"`
	}
	if err := json.Unmarshal(out, &tpl); err != nil {
		t.Fatalf("template is not JSON: %v", err)
	}
	props := tpl.Template.Mappings.Properties
	for path, want := range map[string]string{
		"threatq.attributes":                  "flattened",
		"threatq.id":                          "long",
		"threatq.indicator_id":                "long",
		"threatq.ioc_expired_at":              "date",
		"threatq.ioc_expiration_reason":       "keyword",
		"threatq.related_malware_count":       "long",
		"threat.indicator.ip":                 "ip",
		"threat.indicator.url.full":           "wildcard",
		"threat.indicator.url.original":       "wildcard",
		"threat.indicator.file.hash.sha384":   "keyword",
		"threat.indicator.first_seen":         "date",
		"threat.feed.dashboard_id":            "keyword",
		"labels.is_ioc_transform_source":      "keyword",
		"related.ip":                          "ip",
		"threat.indicator.marking.tlp":        "keyword",
		"threat.indicator.confidence":         "keyword",
		"threat.indicator.x509.serial_number": "keyword",
		"threat.indicator.email.address":      "keyword",
	} {
		if got := mappingType(props, path); got != want {
			t.Errorf("%s is mapped %q, want %q", path, got, want)
		}
	}
}

// mappingType follows properties along a dotted path and returns its type.
func mappingType(props map[string]any, path string) string {
	cur := props
	parts := splitPath(path)
	for i, p := range parts {
		m, ok := cur[p].(map[string]any)
		if !ok {
			return ""
		}
		if i == len(parts)-1 {
			typ, _ := m["type"].(string)
			return typ
		}
		cur, _ = m["properties"].(map[string]any)
	}
	return ""
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		if p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return append(out, p[start:])
}
