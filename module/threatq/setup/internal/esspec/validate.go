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

// property is one property of an interface, with the bindings its type is
// read in.
type property struct {
	name      string
	aliases   []string
	of        obj
	env       bindings
	required  bool
	container bool // a containerProperty: not one of the container's variants
}

// properties are an interface's own properties and those it inherits.
func (v *Validator) properties(t obj, env bindings) []property {
	var out []property
	for t != nil {
		body, _ := t["body"].(obj) // a request's body properties
		src := t["properties"]
		if body != nil {
			src = body["properties"]
		}
		for _, p := range list(src) {
			pm := p.(obj)
			pr := property{name: fmt.Sprint(pm["name"]), of: pm["type"].(obj), env: env}
			pr.required, _ = pm["required"].(bool)
			pr.container, _ = pm["containerProperty"].(bool)
			for _, a := range list(pm["aliases"]) {
				pr.aliases = append(pr.aliases, fmt.Sprint(a))
			}
			out = append(out, pr)
		}
		inh, _ := t["inherits"].(obj)
		if inh == nil {
			break
		}
		parent := v.types[nameOf(inh["type"])]
		if parent == nil {
			break
		}
		env = bind(parent, list(inh["generics"]), env)
		t = parent
	}
	return out
}

// object checks x against an interface (or a request body): every key must
// be a property (or an alias of one) unless a behavior allows others,
// required properties must be present, and a container holds exactly one
// of its variants. An interface with a shortcut property also accepts that
// property's value alone.
func (v *Validator) object(x any, t obj, env bindings, path string) []string {
	m, ok := x.(obj)
	if !ok {
		if sc, _ := t["shortcutProperty"].(string); sc != "" {
			for _, p := range v.properties(t, env) {
				if p.name == sc {
					return v.value(x, p.of, p.env, path)
				}
			}
		}
		return []string{fmt.Sprintf("%s: %s, want an object (%s)", path, show(x), nameOf(t["name"]))}
	}
	props := v.properties(t, env)
	extra, extraOne := v.additional(t, env)
	var out []string
	variants := 0
	extras := 0
	for _, k := range sortedKeys(m) {
		i := slices.IndexFunc(props, func(p property) bool { return p.name == k || slices.Contains(p.aliases, k) })
		switch {
		case i >= 0:
			if !props[i].container {
				variants++
			}
			out = append(out, v.value(m[k], props[i].of, props[i].env, path+"."+k)...)
		case extra != nil:
			extras++
			out = append(out, v.value(m[k], extra.of, extra.env, path+"."+k)...)
		default:
			out = append(out, fmt.Sprintf("%s: unknown property %q of %s", path, k, nameOf(t["name"])))
		}
	}
	if extraOne && extras != 1 {
		out = append(out, fmt.Sprintf("%s: %d keys besides the known properties of %s, want exactly one", path, extras, nameOf(t["name"])))
	}
	for _, p := range props {
		if _, present := m[p.name]; p.required && !present {
			out = append(out, fmt.Sprintf("%s: required property %q of %s is missing", path, p.name, nameOf(t["name"])))
		}
	}
	if vs, _ := t["variants"].(obj); vs["kind"] == "container" && variants != 1 {
		out = append(out, fmt.Sprintf("%s: %d variants of container %s, want exactly one", path, variants, nameOf(t["name"])))
	}
	return out
}

// additional returns the value type of the keys an interface accepts
// besides its properties (behavior AdditionalProperties, or
// AdditionalProperty for exactly one such key), looking through ancestors.
func (v *Validator) additional(t obj, env bindings) (*bound, bool) {
	for t != nil {
		for _, b := range list(t["behaviors"]) {
			bm := b.(obj)
			switch nameOf(bm["type"]).name {
			case "AdditionalProperties", "AdditionalProperty":
				gens := list(bm["generics"])
				if len(gens) == 2 {
					return &bound{gens[1].(obj), env}, nameOf(bm["type"]).name == "AdditionalProperty"
				}
			}
		}
		inh, _ := t["inherits"].(obj)
		if inh == nil {
			return nil, false
		}
		parent := v.types[nameOf(inh["type"])]
		env = bind(parent, list(inh["generics"]), env)
		t = parent
	}
	return nil, false
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
