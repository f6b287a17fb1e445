package fieldsgen

import (
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// readSections parses a fields.yml file: a list of sections
// (`- key: ...`), or, for a dataset file, a list of fields.
func readSections(path string) ([]*yaml.Node, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	seq := doc.Content[0]
	if seq.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s: not a list of fields", path)
	}
	plain(seq)
	return seq.Content, nil
}

// plain drops comments and block styles, which are the sources' layout,
// not the generated file's.
func plain(n *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.FoldedStyle|yaml.LiteralStyle) != 0 {
		n.Style = 0
		n.Value = strings.TrimSpace(n.Value)
	}
	for _, c := range n.Content {
		plain(c)
	}
}

// value returns the scalar value of key in a mapping node, or "".
func value(m *yaml.Node, key string) string {
	if v := get(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// get returns the value node of key in a mapping node.
func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// del removes key from a mapping node.
func del(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

// fieldsOf returns the sequence node of a section's or group's fields,
// creating an empty one when the entry has `fields:` with no value.
func fieldsOf(m *yaml.Node) *yaml.Node {
	v := get(m, "fields")
	if v == nil {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		*v = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	}
	return v
}

// isGroup reports whether a fields.yml entry holds fields (a section, a
// group or a nested field) rather than being a leaf.
func isGroup(m *yaml.Node) bool {
	return get(m, "fields") != nil && value(m, "type") != "object"
}

// leaf is a field entry with its full dotted name.
type leaf struct {
	name   string
	node   *yaml.Node
	parent *yaml.Node // the sequence holding node
}

// leaves lists the leaf fields under a sequence of entries. Section keys do
// not prefix their fields; group names do.
func leaves(seq *yaml.Node, prefix string) []leaf {
	var out []leaf
	for _, e := range seq.Content {
		name := prefix
		if n := value(e, "name"); n != "" {
			name = strings.TrimPrefix(prefix+"."+n, ".")
		}
		if isGroup(e) {
			if fs := fieldsOf(e); fs != nil {
				out = append(out, leaves(fs, name)...)
			}
			continue
		}
		out = append(out, leaf{name: name, node: e, parent: seq})
	}
	return out
}

// remove deletes node from the sequence parent.
func remove(parent, node *yaml.Node) {
	for i, e := range parent.Content {
		if e == node {
			parent.Content = append(parent.Content[:i], parent.Content[i+1:]...)
			return
		}
	}
}

// pruneEmpty removes groups left without fields (keeping sections, whose
// `fields` may be filled later).
func pruneEmpty(seq *yaml.Node) {
	kept := seq.Content[:0]
	for _, e := range seq.Content {
		if value(e, "key") == "" && isGroup(e) {
			fs := fieldsOf(e)
			pruneEmpty(fs)
			if len(fs.Content) == 0 {
				continue
			}
		} else if fs := fieldsOf(e); fs != nil {
			pruneEmpty(fs)
		}
		kept = append(kept, e)
	}
	seq.Content = kept
}

// mapping builds a mapping node from key/value pairs; values are strings,
// ints, bools, *bool, *int or nodes. Zero values are left out.
func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		var v *yaml.Node
		switch x := kv[i+1].(type) {
		case string:
			if x != "" {
				v = scalar("!!str", x)
			}
		case int:
			if x != 0 {
				v = scalar("!!int", fmt.Sprint(x))
			}
		case *int:
			if x != nil {
				v = scalar("!!int", fmt.Sprint(*x))
			}
		case bool:
			v = scalar("!!bool", fmt.Sprint(x))
		case *bool:
			if x != nil {
				v = scalar("!!bool", fmt.Sprint(*x))
			}
		case *yaml.Node:
			v = x
		}
		if v != nil {
			m.Content = append(m.Content, scalar("!!str", kv[i].(string)), v)
		}
	}
	return m
}

func scalar(tag, v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v}
}

func sequence(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

// set replaces or adds key in a mapping node.
func set(m *yaml.Node, key string, v *yaml.Node) {
	if old := get(m, key); old != nil {
		*old = *v
		return
	}
	m.Content = append(m.Content, scalar("!!str", key), v)
}
