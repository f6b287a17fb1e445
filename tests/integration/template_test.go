//go:build integration

package integration

import (
	"encoding/json"
	"testing"
	"time"
)

// TestExportTemplateHasThreatQFields checks that the index template built
// from the embedded fields.yml maps the dataset's fields with their types.
func TestExportTemplateHasThreatQFields(t *testing.T) {
	tpl := exportTemplate(t)
	// Elasticsearch 9 would make the logs-*-* data stream logsdb otherwise.
	if tpl.Template.Settings.Index.Mode != "standard" {
		t.Errorf("template index.mode is %q, want standard", tpl.Template.Settings.Index.Mode)
	}
	props := tpl.Template.Mappings.Properties
	for path, want := range map[string]string{
		"threatq.attributes":                  "flattened",
		"threatq.id":                          "long",
		"threatq.indicator_id":                "long",
		"threatq.indicator_key":               "keyword",
		"threatq.ioc_expired_at":              "date",
		"threatq.ioc_expiration_reason":       "keyword",
		"threatq.related_malware_count":       "long",
		"threat.indicator.ip":                 "ip",
		"threat.indicator.url.full":           "wildcard",
		"threat.indicator.url.original":       "wildcard",
		"threat.indicator.file.hash.sha384":   "keyword",
		"threat.indicator.first_seen":         "date",
		"threat.feed.dashboard_id":            "constant_keyword",
		"labels.is_ioc_transform_source":      "constant_keyword",
		"event.dataset":                       "constant_keyword",
		"event.module":                        "constant_keyword",
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

// exportedTemplate is the part of `export template`'s output the tests read.
type exportedTemplate struct {
	Template struct {
		Settings struct {
			Index struct {
				Mode    string `json:"mode"`
				Mapping struct {
					TotalFields struct {
						Limit int `json:"limit"`
					} `json:"total_fields"`
				} `json:"mapping"`
			} `json:"index"`
		} `json:"settings"`
		Mappings struct {
			Properties map[string]any `json:"properties"`
		} `json:"mappings"`
	} `json:"template"`
}

// exportTemplate runs `threatqbeat export template`.
func exportTemplate(t *testing.T) exportedTemplate {
	t.Helper()
	b := newBeat(t, fileOutputConfig("https://threatq.example.com", t.TempDir(), ""))
	out, err := b.command(timeout(t, time.Minute), "export", "template").Output()
	if err != nil {
		t.Fatalf("export template: %v", err)
	}
	var tpl exportedTemplate
	if err := json.Unmarshal(out, &tpl); err != nil {
		t.Fatalf("template is not JSON: %v", err)
	}
	return tpl
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

// TestExportTemplateFollowsECS checks the template built from fields.yml
// against ECS 8.17 where libbeat's bundled ECS (8.0) differed: the
// threat.indicator fields 8.0 lacked, ECS's multi-fields on the indicator
// URL, and that the whole mapping stays under the template's own
// index.mapping.total_fields.limit.
func TestExportTemplateFollowsECS(t *testing.T) {
	tpl := exportTemplate(t)
	props := tpl.Template.Mappings.Properties
	for path, want := range map[string]string{
		"threat.indicator.id":                  "keyword",
		"threat.indicator.name":                "keyword",
		"threat.indicator.marking.tlp_version": "keyword",
		"threat.indicator.file.hash.tlsh":      "keyword",
		"threat.indicator.file.pe.sections":    "nested",
		"threat.enrichments":                   "nested",
		"threat.indicator.url.full.text":       "match_only_text",
		"threat.indicator.url.original.text":   "match_only_text",
		"error.message":                        "match_only_text",
	} {
		if got := mappingTypeOrMulti(props, path); got != want {
			t.Errorf("%s is mapped %q, want %q (ECS 8.17)", path, got, want)
		}
	}
	limit := tpl.Template.Settings.Index.Mapping.TotalFields.Limit
	n := countMappedFields(props)
	if limit == 0 || n >= limit {
		t.Errorf("the template maps %d fields, index.mapping.total_fields.limit is %d", n, limit)
	}
	t.Logf("%d mapped fields, limit %d", n, limit)
}

// mappingTypeOrMulti is mappingType that also follows a last step into a
// field's multi-fields (url.full.text).
func mappingTypeOrMulti(props map[string]any, path string) string {
	if typ := mappingType(props, path); typ != "" {
		return typ
	}
	parts := splitPath(path)
	cur := props
	for i, p := range parts {
		m, ok := cur[p].(map[string]any)
		if !ok {
			return ""
		}
		if i == len(parts)-2 {
			mf, _ := m["fields"].(map[string]any)
			leaf, _ := mf[parts[i+1]].(map[string]any)
			typ, _ := leaf["type"].(string)
			return typ
		}
		cur, _ = m["properties"].(map[string]any)
	}
	return ""
}

// countMappedFields counts mappings as Elasticsearch does for
// index.mapping.total_fields.limit: every field, object and multi-field.
func countMappedFields(props map[string]any) int {
	n := 0
	for _, v := range props {
		m, _ := v.(map[string]any)
		n++
		if sub, ok := m["properties"].(map[string]any); ok {
			n += countMappedFields(sub)
		}
		if mf, ok := m["fields"].(map[string]any); ok {
			n += len(mf)
		}
	}
	return n
}
