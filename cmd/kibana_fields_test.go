package cmd_test

import (
	"testing"

	"github.com/elastic/beats/v7/libbeat/mapping"

	"github.com/threatqbeat/threatqbeat/include"
)

// templateField is what the index template says about a field, as far as
// Kibana cares: its Elasticsearch type and whether it has doc values.
type templateField struct {
	Type      string
	DocValues bool
}

// kibanaType is the type Kibana's data views give the field (Lens's
// dataType of a column on it).
func (f templateField) kibanaType() string {
	switch f.Type {
	case "keyword", "constant_keyword", "wildcard", "text", "match_only_text", "flattened":
		return "string"
	case "long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long":
		return "number"
	case "date", "date_nanos":
		return "date"
	case "ip", "boolean", "geo_point":
		return f.Type
	}
	return "unknown"
}

// aggregatable reports what Elasticsearch's field capabilities say: text
// types have no doc values, and neither has a field that turns them off.
func (f templateField) aggregatable() bool {
	switch f.Type {
	case "text", "match_only_text", "binary", "object", "nested", "alias":
		return false
	}
	return f.DocValues
}

// templateFields are the fields of include/fields.yml by full name,
// multi-fields included (url.full.text), plus those only the transform
// destination has.
func templateFields(t *testing.T) map[string]templateField {
	t.Helper()
	fields, err := mapping.LoadFields([]byte(include.Fields))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]templateField{}
	var walk func(fs mapping.Fields, prefix string)
	walk = func(fs mapping.Fields, prefix string) {
		for _, f := range fs {
			name := f.Name
			if prefix != "" {
				name = prefix + "." + f.Name
			}
			if f.Type == "group" || (f.Type == "" && len(f.Fields) > 0) {
				walk(f.Fields, name)
				continue
			}
			typ := f.Type
			if typ == "" {
				typ = "keyword"
			}
			out[name] = templateField{Type: typ, DocValues: f.DocValues == nil || *f.DocValues}
			for _, mf := range f.MultiFields {
				out[name+"."+mf.Name] = templateField{Type: mf.Type, DocValues: mf.DocValues == nil || *mf.DocValues}
			}
		}
	}
	walk(fields, "")
	for _, name := range transformDestinationFields {
		if _, ok := out[name]; !ok {
			out[name] = templateField{Type: "keyword", DocValues: true}
		}
	}
	return out
}
