package esspec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// bindings map a generic parameter (e.g. _spec_utils.Stringified / T) to
// the value type it stands for, in the bindings where it was written.
type bindings map[typeName]bound

type bound struct {
	of  obj
	env bindings
}

// value checks a JSON value against a ValueOf of the specification:
// instance_of, array_of, union_of, dictionary_of, user_defined_value or
// literal_value. It returns the problems, each prefixed with its path.
func (v *Validator) value(x any, of obj, env bindings, path string) []string {
	switch of["kind"] {
	case "user_defined_value":
		return nil
	case "literal_value":
		if !sameLiteral(x, of["value"]) {
			return []string{fmt.Sprintf("%s: %s, want %s", path, show(x), show(of["value"]))}
		}
		return nil
	case "array_of":
		arr, ok := x.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %s, want an array", path, show(x))}
		}
		var out []string
		for i, el := range arr {
			out = append(out, v.value(el, of["value"].(obj), env, path+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	case "dictionary_of":
		m, ok := x.(obj)
		if !ok {
			return []string{fmt.Sprintf("%s: %s, want an object", path, show(x))}
		}
		if single, _ := of["singleKey"].(bool); single && len(m) != 1 {
			return []string{fmt.Sprintf("%s: %d keys, want exactly one", path, len(m))}
		}
		var out []string
		for _, k := range sortedKeys(m) {
			out = append(out, v.value(m[k], of["value"].(obj), env, path+"."+k)...)
		}
		return out
	case "union_of":
		return v.union(x, list(of["items"]), env, path)
	case "instance_of":
		return v.instance(x, of, env, path)
	}
	return []string{fmt.Sprintf("%s: the specification uses an unknown kind %v", path, of["kind"])}
}

// union accepts x when one of the items accepts it; otherwise it reports
// the problems of the closest item: one whose shape (object, array,
// scalar) fits, with the fewest problems.
func (v *Validator) union(x any, items []any, env bindings, path string) []string {
	var best []string
	bestScore := -1
	for _, it := range items {
		p := v.value(x, it.(obj), env, path)
		if len(p) == 0 {
			return nil
		}
		score := len(p)
		for _, msg := range p {
			if strings.HasPrefix(msg, path+": ") && strings.Contains(msg, ", want ") {
				score += 1000 // x itself has the wrong shape for this item
			}
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = p, score
		}
	}
	return best
}

// instance checks x against a named type: a builtin, a generic parameter
// or a type of the specification.
func (v *Validator) instance(x any, of obj, env bindings, path string) []string {
	n := nameOf(of["type"])
	if b, ok := env[n]; ok {
		return v.value(x, b.of, b.env, path)
	}
	if n.ns == "_builtins" {
		return builtin(x, n.name, path)
	}
	t := v.types[n]
	if t == nil {
		return []string{fmt.Sprintf("%s: the specification has no type %s", path, n)}
	}
	local := bind(t, list(of["generics"]), env)
	switch t["kind"] {
	case "enum":
		return enum(x, t, path)
	case "type_alias":
		return v.alias(x, t, local, path)
	case "interface", "request":
		return v.object(x, t, local, path)
	}
	return []string{fmt.Sprintf("%s: %s is a %v, which no request body holds", path, n, t["kind"])}
}

// bind maps the type's generic parameters to the arguments given, which
// are read in env.
func bind(t obj, args []any, env bindings) bindings {
	params := list(t["generics"])
	if len(params) == 0 {
		return nil
	}
	out := bindings{}
	for i, p := range params {
		if i < len(args) {
			out[nameOf(p)] = bound{args[i].(obj), env}
		} else {
			out[nameOf(p)] = bound{obj{"kind": "user_defined_value"}, nil}
		}
	}
	return out
}

func builtin(x any, name, path string) []string {
	ok := true
	switch name {
	case "string":
		_, ok = x.(string)
	case "boolean":
		_, ok = x.(bool)
	case "number":
		_, ok = x.(float64)
	case "null":
		ok = x == nil
	case "binary", "void":
	default:
		return []string{fmt.Sprintf("%s: unknown builtin type %s", path, name)}
	}
	if !ok {
		return []string{fmt.Sprintf("%s: %s, want a %s", path, show(x), name)}
	}
	return nil
}

// enum accepts a member's name or alias; an open enum accepts any string.
// Members named "true" and "false" also accept JSON booleans (enums such
// as DynamicMapping that grew out of a boolean).
func enum(x any, t obj, path string) []string {
	s, isString := x.(string)
	if b, isBool := x.(bool); isBool {
		s, isString = strconv.FormatBool(b), true
	}
	if !isString {
		return []string{fmt.Sprintf("%s: %s, want a string of enum %s", path, show(x), nameOf(t["name"]))}
	}
	var names []string
	for _, m := range list(t["members"]) {
		mm := m.(obj)
		names = append(names, fmt.Sprint(mm["name"]))
		if mm["name"] == s {
			return nil
		}
		for _, a := range list(mm["aliases"]) {
			if a == s {
				return nil
			}
		}
	}
	if open, _ := t["isOpen"].(bool); open {
		return nil
	}
	return []string{fmt.Sprintf("%s: %q is not a value of enum %s (%s)", path, s, nameOf(t["name"]), strings.Join(names, ", "))}
}

// alias checks x against a type alias: its type, or for a union with an
// internal tag (mapping properties' "type"), the item the tag selects.
func (v *Validator) alias(x any, t obj, env bindings, path string) []string {
	variants, _ := t["variants"].(obj)
	if variants["kind"] != "internal_tag" {
		return v.value(x, t["type"].(obj), env, path)
	}
	m, ok := x.(obj)
	if !ok {
		return []string{fmt.Sprintf("%s: %s, want an object", path, show(x))}
	}
	tag, _ := variants["tag"].(string)
	want, present := m[tag]
	if !present {
		want = variants["defaultTag"]
	}
	var tags []string
	for _, it := range list(t["type"].(obj)["items"]) {
		item := v.types[nameOf(it.(obj)["type"])]
		for _, p := range v.properties(item, nil) {
			if p.name == tag && p.of["kind"] == "literal_value" {
				tags = append(tags, fmt.Sprint(p.of["value"]))
				if sameLiteral(want, p.of["value"]) {
					return v.value(x, it.(obj), env, path)
				}
			}
		}
	}
	slices.Sort(tags)
	return []string{fmt.Sprintf("%s.%s: %s is not one of %s", path, tag, show(want), strings.Join(tags, ", "))}
}

func sameLiteral(x, lit any) bool {
	switch l := lit.(type) {
	case float64:
		n, ok := x.(float64)
		return ok && n == l
	case string:
		s, ok := x.(string)
		return ok && s == l
	case bool:
		b, ok := x.(bool)
		return ok && b == l
	}
	return x == lit
}

// show renders a value for a message: its JSON type and, for scalars, the
// value.
func show(x any) string {
	switch x := x.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 40 {
			x = x[:40] + "..."
		}
		return "string " + strconv.Quote(x)
	case float64:
		return "number " + strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return "boolean " + strconv.FormatBool(x)
	case []any:
		return "an array"
	case obj:
		return "an object"
	}
	return fmt.Sprintf("%T", x)
}

func sortedKeys(m obj) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
