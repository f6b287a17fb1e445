package fieldsgen

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	libmapping "github.com/elastic/beats/v7/libbeat/mapping"
	"gopkg.in/yaml.v3"

	"github.com/threatqbeat/threatqbeat/include/fieldsgen/ecs"
)

// committed is the generated file the beat embeds.
const committed = "../fields.yml"

// constantKeyword are the ECS keyword fields threatqbeat maps as
// constant_keyword, as the Elastic integration does (docs/fields.md): one
// value per index.
var constantKeyword = []string{"event.dataset", "event.module", "threat.feed.dashboard_id"}

func loadSchema(t *testing.T) *ecs.Schema {
	t.Helper()
	s, err := ecs.Load()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// flatField is a fields.yml leaf with the mapping parameters ECS sets.
type flatField struct {
	Type          string       `yaml:"type"`
	IgnoreAbove   int          `yaml:"ignore_above"`
	ObjectType    string       `yaml:"object_type"`
	ScalingFactor int          `yaml:"scaling_factor"`
	Index         *bool        `yaml:"index"`
	DocValues     *bool        `yaml:"doc_values"`
	MultiFields   []flatField  `yaml:"multi_fields"`
	Name          string       `yaml:"name"`
	Fields        []*yaml.Node `yaml:"fields"`
}

// flatten reads a fields.yml and returns its leaves by full name, and the
// names defined more than once.
func flatten(t *testing.T, data []byte) (map[string]flatField, []string) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]flatField{}
	var dups []string
	for _, sec := range doc.Content[0].Content {
		for _, l := range leaves(fieldsOf(sec), "") {
			var f flatField
			if err := l.node.Decode(&f); err != nil {
				t.Fatalf("%s: %v", l.name, err)
			}
			if f.Type == "" {
				f.Type = "keyword" // libbeat's default
			}
			if _, seen := out[l.name]; seen {
				dups = append(dups, l.name)
			}
			out[l.name] = f
		}
	}
	return out, dups
}

// effectiveIgnoreAbove is the ignore_above libbeat's template writes for a
// keyword: 1024 when fields.yml does not say, none for -1.
func effectiveIgnoreAbove(typ string, v int) int {
	switch {
	case typ != "keyword":
		return v
	case v == 0:
		return 1024
	case v < 0:
		return 0
	}
	return v
}

// TestFieldsYMLHasEveryECSFieldWithItsMapping checks the committed
// fields.yml against ECS: every ECS field is declared once, with ECS's type
// (or constant_keyword for the documented keyword fields), ignore_above,
// index, doc_values, object type, scaling factor and multi-fields.
func TestFieldsYMLHasEveryECSFieldWithItsMapping(t *testing.T) {
	data, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := libmapping.LoadFields(data); err != nil {
		t.Fatalf("libbeat cannot load fields.yml: %v", err)
	}
	s := loadSchema(t)
	got, dups := flatten(t, data)
	if len(dups) > 0 {
		t.Errorf("fields defined more than once: %v", dups)
	}
	for _, name := range s.Names() {
		want := s.Fields[name]
		f, ok := got[name]
		if !ok {
			t.Errorf("%s (ECS %s %s) is not in fields.yml", name, ecs.Version, want.Type)
			continue
		}
		if f.Type != want.Type && !(want.Type == "keyword" && f.Type == "constant_keyword" && slices.Contains(constantKeyword, name)) {
			t.Errorf("%s: type %s, ECS %s says %s", name, f.Type, ecs.Version, want.Type)
		}
		if f.Type == want.Type {
			if g, w := effectiveIgnoreAbove(f.Type, f.IgnoreAbove), want.IgnoreAbove; g != w {
				t.Errorf("%s: ignore_above %d, ECS says %d", name, g, w)
			}
		}
		if f.ObjectType != want.ObjectType || f.ScalingFactor != want.ScalingFactor {
			t.Errorf("%s: object_type %q scaling_factor %d, ECS says %q %d", name, f.ObjectType, f.ScalingFactor, want.ObjectType, want.ScalingFactor)
		}
		if !sameBool(f.Index, want.Index) || !sameBool(f.DocValues, want.DocValues) {
			t.Errorf("%s: index %v doc_values %v differ from ECS", name, f.Index, f.DocValues)
		}
		var gotMF, wantMF []string
		for _, mf := range f.MultiFields {
			gotMF = append(gotMF, mf.Name+":"+mf.Type)
		}
		for _, mf := range want.MultiFields {
			wantMF = append(wantMF, mf.Name+":"+mf.Type)
		}
		if !slices.Equal(gotMF, wantMF) {
			t.Errorf("%s: multi-fields %v, ECS says %v", name, gotMF, wantMF)
		}
	}
	for _, name := range constantKeyword {
		if got[name].Type != "constant_keyword" {
			t.Errorf("%s is %s, docs/fields.md says constant_keyword", name, got[name].Type)
		}
	}
}

func sameBool(a, b *bool) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// TestGeneratedFieldsYMLIsCurrent regenerates fields.yml from the
// repository and compares it with the committed file (CI's freshness
// check, as a test).
func TestGeneratedFieldsYMLIsCurrent(t *testing.T) {
	var buf bytes.Buffer
	if err := Generate(filepath.Join("..", ".."), &buf); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("include/fields.yml is stale: run `go run ./tools/genfields`")
	}
}

// TestLibbeatFieldsDefinedByECSAreLeftOut: outside the ECS section no
// field is an ECS field or collides with one, and every alias (libbeat's
// agent.hostname, the migration aliases) points at a declared field.
func TestLibbeatFieldsDefinedByECSAreLeftOut(t *testing.T) {
	data, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	s := loadSchema(t)
	all, _ := flatten(t, data)
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, sec := range doc.Content[0].Content {
		if value(sec, "key") == "ecs" {
			continue
		}
		for _, l := range leaves(fieldsOf(sec), "") {
			if _, ok := s.Fields[l.name]; ok {
				t.Errorf("section %s defines the ECS field %s", value(sec, "key"), l.name)
			}
			if msg := collision(s, l.name); msg != "" {
				t.Errorf("section %s: %s", value(sec, "key"), msg)
			}
			if value(l.node, "type") == "alias" {
				if target := value(l.node, "path"); all[target].Type == "" || all[target].Type == "alias" {
					t.Errorf("alias %s points at %q, which fields.yml does not declare", l.name, target)
				}
			}
		}
	}
}

// TestGenerateRejectsProjectFieldsCollidingWithECS runs the generator on
// small repositories whose _meta/fields.yml collides with ECS.
func TestGenerateRejectsProjectFieldsCollidingWithECS(t *testing.T) {
	cases := []struct {
		name, fields, want string
	}{
		{"ECS field redeclared", "- name: threat.feed.name\n  type: keyword\n", "threat.feed.name is an ECS 8.17.0 field"},
		{"overwrite of a non-ECS field", "- name: threatq.id\n  type: long\n  overwrite: true\n", "threatq.id has overwrite: true but ECS 8.17.0 does not define it"},
		{"field under an ECS leaf", "- name: threat.indicator.ip.v4\n  type: keyword\n", "lies under the ECS ip field threat.indicator.ip"},
		{"leaf over ECS fields", "- name: threat.feed\n  type: keyword\n", "threat.feed is a leaf but ECS defines"},
		{"field under an ECS nested field", "- name: threat.enrichments.score\n  type: long\n", "lies under the ECS nested field threat.enrichments"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			repo := fakeRepo(t, c.fields)
			err := Generate(repo, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("want an error containing %q, got %v", c.want, err)
			}
		})
	}
}

// TestGenerateFoldsOverridesIntoECS: an overwrite replaces the type and
// keeps ECS's multi-fields; labels.* keys are the project's own.
func TestGenerateFoldsOverridesIntoECS(t *testing.T) {
	repo := fakeRepo(t, "- name: event.module\n  type: constant_keyword\n  overwrite: true\n  description: Always ti_threatq.\n"+
		"- name: threat.indicator.url.full\n  type: keyword\n  overwrite: true\n"+
		"- name: labels.source\n  type: constant_keyword\n")
	var buf bytes.Buffer
	if err := Generate(repo, &buf); err != nil {
		t.Fatal(err)
	}
	got, dups := flatten(t, buf.Bytes())
	if len(dups) > 0 {
		t.Errorf("duplicates: %v", dups)
	}
	if f := got["event.module"]; f.Type != "constant_keyword" || f.IgnoreAbove != 0 {
		t.Errorf("event.module: %+v, want constant_keyword without ignore_above", f)
	}
	if f := got["threat.indicator.url.full"]; f.Type != "keyword" || len(f.MultiFields) != 1 || f.MultiFields[0].Type != "match_only_text" {
		t.Errorf("threat.indicator.url.full: %+v, want keyword keeping ECS's text multi-field", f)
	}
	if f, ok := got["labels.source"]; !ok || f.Type != "constant_keyword" {
		t.Errorf("labels.source: %+v %v", f, ok)
	}
}

// fakeRepo writes a repository with the given beat-level fields and one
// module with one dataset.
func fakeRepo(t *testing.T, fields string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	indented := "    " + strings.ReplaceAll(strings.TrimRight(fields, "\n"), "\n", "\n    ") + "\n"
	write("_meta/fields.yml", "- key: beat\n  title: beat\n  fields:\n"+indented)
	write("module/m/_meta/fields.yml", "- key: m\n  title: m\n  fields:\n")
	write("module/m/d/_meta/fields.yml", "- name: m\n  type: group\n  fields:\n    - name: id\n      type: long\n")
	return dir
}
