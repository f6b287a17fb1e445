// Package ecs holds the Elastic Common Schema version threatqbeat's events
// claim, vendored from elastic/ecs (see README.md): the field definitions
// the fields generator turns into fields.yml, and the checks the
// conformance tests run on events and on fields.yml.
package ecs

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Version is the ECS version of the vendored definitions.
const Version = "8.17.0"

//go:embed ecs_flat_v8.17.0.yml.gz
var flatGz []byte

//go:embed beats_default_fields_allowlist.yml
var allowlist []byte

// Field is one ECS field as ecs_flat.yml defines it. Only the keys that
// shape a mapping or constrain a value are kept.
type Field struct {
	FlatName        string         `yaml:"flat_name"`
	Type            string         `yaml:"type"`
	Short           string         `yaml:"short"`
	IgnoreAbove     int            `yaml:"ignore_above"`
	MultiFields     []MultiField   `yaml:"multi_fields"`
	ObjectType      string         `yaml:"object_type"`
	ScalingFactor   int            `yaml:"scaling_factor"`
	Index           *bool          `yaml:"index"`
	DocValues       *bool          `yaml:"doc_values"`
	Format          string         `yaml:"format"`
	Pattern         string         `yaml:"pattern"`
	InputFormat     string         `yaml:"input_format"`
	OutputFormat    string         `yaml:"output_format"`
	OutputPrecision *int           `yaml:"output_precision"`
	Normalize       []string       `yaml:"normalize"`
	AllowedValues   []AllowedValue `yaml:"allowed_values"`
	ExpectedValues  []string       `yaml:"expected_values"`
}

// MultiField is an extra mapping of a field's value, such as url.full.text.
type MultiField struct {
	FlatName string `yaml:"flat_name"`
	Name     string `yaml:"name"`
	Type     string `yaml:"type"`
}

// AllowedValue is one value of a categorization field (event.kind,
// event.category, event.type, event.outcome). For event.category it lists
// the event.type values that go with it.
type AllowedValue struct {
	Name               string   `yaml:"name"`
	ExpectedEventTypes []string `yaml:"expected_event_types"`
}

// IsArray reports whether ECS normalizes the field to an array.
func (f Field) IsArray() bool {
	for _, n := range f.Normalize {
		if n == "array" {
			return true
		}
	}
	return false
}

// Values returns the values ECS allows (allowed_values) or expects
// (expected_values) for the field, or nil when any value goes.
func (f Field) Values() []string {
	if len(f.AllowedValues) > 0 {
		out := make([]string, len(f.AllowedValues))
		for i, v := range f.AllowedValues {
			out[i] = v.Name
		}
		return out
	}
	return f.ExpectedValues
}

// Schema is the set of ECS fields, by flat name.
type Schema struct {
	Fields map[string]Field
	// DefaultFields are the flat names ECS's Beats generator marks
	// default_field.
	DefaultFields map[string]bool
}

// Load decodes the vendored definitions.
func Load() (*Schema, error) {
	zr, err := gzip.NewReader(bytes.NewReader(flatGz))
	if err != nil {
		return nil, fmt.Errorf("read ECS %s definitions: %w", Version, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("read ECS %s definitions: %w", Version, err)
	}
	var fields map[string]Field
	if err := yaml.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("decode ECS %s definitions: %w", Version, err)
	}
	for name, f := range fields {
		if f.FlatName != name || f.Type == "" {
			return nil, fmt.Errorf("ECS %s definitions: entry %q has flat_name %q and type %q", Version, name, f.FlatName, f.Type)
		}
	}
	defaults, err := decodeSet(allowlist)
	if err != nil {
		return nil, fmt.Errorf("decode the ECS default_field allowlist: %w", err)
	}
	return &Schema{Fields: fields, DefaultFields: defaults}, nil
}

// decodeSet reads the keys of a YAML !!set.
func decodeSet(b []byte) (map[string]bool, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a YAML set")
	}
	out := map[string]bool{}
	m := doc.Content[0].Content
	for i := 0; i < len(m); i += 2 {
		out[m[i].Value] = true
	}
	return out, nil
}

// Names returns the flat names of all fields, sorted.
func (s *Schema) Names() []string {
	out := make([]string, 0, len(s.Fields))
	for n := range s.Fields {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the ECS field a document path names: the field itself, or
// for a key under an object field with an object_type (labels.*,
// container.labels.*), a keyword of that type.
func (s *Schema) Lookup(name string) (Field, bool) {
	if f, ok := s.Fields[name]; ok {
		return f, true
	}
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		if parent, ok := s.Fields[name[:i]]; ok && parent.Type == "object" && parent.ObjectType != "" {
			return Field{FlatName: name, Type: parent.ObjectType}, true
		}
	}
	return Field{}, false
}
