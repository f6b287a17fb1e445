package threat

import (
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/threatqbeat/threatqbeat/include/fieldsgen/ecs"
)

// fieldDef is one entry of a Beats fields.yml file.
type fieldDef struct {
	Key    string     `yaml:"key"`
	Name   string     `yaml:"name"`
	Type   string     `yaml:"type"`
	Fields []fieldDef `yaml:"fields"`
}

// collectFields flattens fields.yml entries into full name -> type. A
// "- key:" section does not prefix its fields; a group prefixes its name.
func collectFields(defs []fieldDef, prefix string, out map[string]string) {
	for _, d := range defs {
		full := prefix
		if d.Name != "" {
			full = strings.TrimPrefix(prefix+"."+d.Name, ".")
		}
		if d.Key != "" || d.Type == "group" || (d.Type == "" && len(d.Fields) > 0) {
			collectFields(d.Fields, full, out)
			continue
		}
		typ := d.Type
		if typ == "" {
			typ = "keyword" // the Beats default
		}
		out[full] = typ
	}
}

func readFieldsYML(t *testing.T, path string, out map[string]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var defs []fieldDef
	require.NoError(t, yaml.Unmarshal(b, &defs), path)
	collectFields(defs, "", out)
}

// ecsTypes returns the type of every field of the ECS version the events
// claim (include/fieldsgen/ecs).
func ecsTypes(t *testing.T) map[string]string {
	t.Helper()
	schema, err := ecs.Load()
	require.NoError(t, err)
	out := make(map[string]string, len(schema.Fields))
	for name, f := range schema.Fields {
		out[name] = f.Type
	}
	return out
}

// TestDocumentedFields checks that every field of every golden event is
// declared, in this dataset's _meta/fields.yml, the beat's _meta/fields.yml or in ECS 8.17, with a type that
// fits the value; and that every field declared here is emitted by some
// golden event, so the file does not rot.
func TestDocumentedFields(t *testing.T) {
	own := map[string]string{}
	readFieldsYML(t, filepath.Join("_meta", "fields.yml"), own)
	// The envelope fields every dataset shares are declared at the beat level.
	var beat []struct {
		Fields []fieldDef `yaml:"fields"`
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "_meta", "fields.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &beat))
	overrides := map[string]string{}
	for _, section := range beat {
		collectFields(section.Fields, "", overrides)
	}
	declared := ecsTypes(t)
	for name, typ := range own {
		if ecsType, ok := declared[name]; ok {
			t.Errorf("%s is declared here (%s) and in ECS (%s): remove it from _meta/fields.yml", name, typ, ecsType)
		}
		declared[name] = typ
	}
	// Beat-level declarations may override ECS on purpose (overwrite: true).
	for name, typ := range overrides {
		if _, ok := declared[name]; !ok {
			own[name] = typ
		}
		declared[name] = typ
	}

	emitted := map[string]bool{}
	docs := map[string]any{}
	for _, dir := range goldenCases(t) {
		docs[dir] = goldenResult(t, dir)
	}
	for _, dir := range tombstoneCases(t) {
		docs[dir] = tombstoneResult(t, dir)
	}
	for dir, result := range docs {
		doc, ok := result.(map[string]any)
		if !ok || doc["error"] != nil && doc["event"] == nil {
			continue // a rejected input
		}
		if filtered, ok := doc["document"].(map[string]any); ok {
			doc = filtered // the document a curation option keeps from being published
		}
		delete(doc, "@metadata")
		walkFields(doc, "", declared, func(name string, v any) {
			emitted[name] = true
			typ, ok := declared[name]
			if !ok {
				t.Errorf("%s: field %s is not declared in _meta/fields.yml or ECS", filepath.Base(dir), name)
				return
			}
			if !typeFits(typ, v) {
				t.Errorf("%s: field %s is declared %s but holds %#v", filepath.Base(dir), name, typ, v)
			}
		})
	}
	var unused []string
	for name := range own {
		if !emitted[name] {
			unused = append(unused, name)
		}
	}
	sort.Strings(unused)
	require.Empty(t, unused, "declared in _meta/fields.yml but emitted by no golden event")
}

// walkFields calls fn for every leaf of doc with its dotted name. Arrays of
// values are leaves (each element is passed); an object under a field
// declared flattened is a leaf too. Children of ECS object fields (labels.*)
// must be declared one by one.
func walkFields(doc map[string]any, prefix string, declared map[string]string, fn func(string, any)) {
	for k, v := range doc {
		name := strings.TrimPrefix(prefix+"."+k, ".")
		if m, ok := v.(map[string]any); ok {
			if declared[name] == "flattened" {
				fn(name, v)
				continue
			}
			walkFields(m, name, declared, fn)
			continue
		}
		if list, ok := v.([]any); ok {
			for _, e := range list {
				if m, ok := e.(map[string]any); ok {
					walkFields(m, name, declared, fn)
				} else {
					fn(name, e)
				}
			}
			continue
		}
		fn(name, v)
	}
}

// typeFits reports whether a JSON value can be indexed as an Elasticsearch
// field type without a mapping error.
func typeFits(typ string, v any) bool {
	switch v := v.(type) {
	case string:
		switch typ {
		case "keyword", "constant_keyword", "wildcard", "text", "match_only_text":
			return true
		case "date":
			_, err := time.Parse(time.RFC3339Nano, v)
			return err == nil && strings.HasSuffix(v, "Z")
		case "ip":
			_, err := netip.ParseAddr(v)
			return err == nil
		}
	case float64:
		switch typ {
		case "long", "integer", "short", "byte":
			return v == float64(int64(v))
		case "float", "double", "scaled_float", "half_float":
			return true
		}
	case bool:
		return typ == "boolean"
	case map[string]any:
		return typ == "flattened"
	}
	return false
}
