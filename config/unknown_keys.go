package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	conf "github.com/elastic/elastic-agent-libs/config"
)

// keySchema is the set of keys a struct accepts, derived from the `config`
// tags of its fields the way go-ucfg reads them: a tag's name (else the
// field's name in lower case), `,inline` fields merged into their parent,
// `,ignore` fields left out. A field whose type unpacks itself (an Unpack
// method: durations, TLS modes, proxy URLs, processors) or that is a map or
// an interface takes any value, and its keys are not checked.
type keySchema struct {
	keys map[string]*keySchema // nil: any key
	list bool                  // the value is a list of objects of this schema
}

// schemaOf derives the schema of a struct type.
func schemaOf(t reflect.Type) *keySchema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s := &keySchema{keys: map[string]*keySchema{}}
	addFields(s, t)
	return s
}

func addFields(s *keySchema, t reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := strings.Split(f.Tag.Get("config"), ",")
		if slices.Contains(tag[1:], "ignore") {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if slices.Contains(tag[1:], "inline") || slices.Contains(tag[1:], "squash") {
			if ft.Kind() == reflect.Struct {
				addFields(s, ft)
			}
			continue
		}
		name := tag[0]
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		s.keys[name] = valueSchema(ft)
	}
}

// valueSchema is the schema of one field's value: nested keys for a struct
// or a list of structs, nil (anything) otherwise.
func valueSchema(t reflect.Type) *keySchema {
	if unpacksItself(t) {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		return schemaOf(t)
	case reflect.Slice, reflect.Array:
		e := t.Elem()
		for e.Kind() == reflect.Pointer {
			e = e.Elem()
		}
		if e.Kind() == reflect.Struct && !unpacksItself(e) {
			s := schemaOf(e)
			s.list = true
			return s
		}
	}
	return nil
}

// unpacksItself reports a type that go-ucfg hands the raw value to (one of
// its Unpacker interfaces, all of them a method named Unpack).
func unpacksItself(t reflect.Type) bool {
	_, ok := t.MethodByName("Unpack")
	_, okPtr := reflect.PointerTo(t).MethodByName("Unpack")
	return ok || okPtr
}

// CheckKeys returns an error naming every key of raw that none of the
// given structs (by default Config) accepts, with its full path and the
// closest known key: "unknown key threatqbeat.intervall; did you mean
// interval?". raw is the threatqbeat section or an Elastic Agent input
// configuration; more structs widen the known keys (the Agent input's own
// settings). The keys are derived from the structs' `config` tags, so a
// setting added to Config is known at once.
func CheckKeys(raw *conf.C, also ...any) error {
	if raw == nil {
		return nil
	}
	s := schemaOf(reflect.TypeOf(Config{}))
	for _, a := range also {
		more := schemaOf(reflect.TypeOf(a))
		for k, v := range more.keys {
			s.keys[k] = v
		}
	}
	var errs []error
	checkObject(raw, raw.Path(), s, &errs)
	return errors.Join(errs...)
}

// checkObject checks the keys of one object against s and recurses into
// the known keys that have keys of their own.
func checkObject(c *conf.C, path string, s *keySchema, errs *[]error) {
	fields := c.GetFields()
	slices.Sort(fields)
	for _, name := range fields {
		sub, known := s.keys[name]
		if !known {
			*errs = append(*errs, unknownKey(join(path, name), name, s))
			continue
		}
		if sub == nil {
			continue
		}
		if !sub.list {
			if child, err := c.Child(name, -1); err == nil && child.IsDict() {
				checkObject(child, join(path, name), sub, errs)
			}
			continue
		}
		n, err := c.CountField(name)
		if err != nil {
			continue // not a list: Unpack reports the type
		}
		for i := range n {
			if child, err := c.Child(name, i); err == nil && child.IsDict() {
				checkObject(child, join(path, name)+"["+strconv.Itoa(i)+"]", sub, errs)
			}
		}
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// unknownKey is the error for one unknown key, with a suggestion when a
// known key is close.
func unknownKey(path, name string, s *keySchema) error {
	known := make([]string, 0, len(s.keys))
	for k := range s.keys {
		known = append(known, k)
	}
	slices.Sort(known)
	if best := closest(name, known); best != "" {
		return fmt.Errorf("unknown key %s; did you mean %s?", path, best)
	}
	return fmt.Errorf("unknown key %s; the keys here are %s (threatqbeat.reference.yml describes them)", path, strings.Join(known, ", "))
}

// closest returns the known key nearest to name by edit distance, or one
// that contains name or is contained in it, when it is close enough to be
// what was meant; "" otherwise.
func closest(name string, known []string) string {
	best, bestDist := "", -1
	for _, k := range known {
		d := editDistance(strings.ToLower(name), k)
		if bestDist < 0 || d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" && bestDist <= max(2, len(name)/3) {
		return best
	}
	for _, k := range known {
		if len(name) >= 4 && (strings.Contains(k, strings.ToLower(name)) || strings.Contains(strings.ToLower(name), k)) {
			return k
		}
	}
	return ""
}

// editDistance is the Levenshtein distance of two strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
