package esspec

import (
	"fmt"
	"slices"
)

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
	e, fixed := errata[nameOf(t["name"])]
	if fixed {
		out = append(out, e.check(m, path)...)
	}
	for _, p := range props {
		if _, present := m[p.name]; p.required && !present && !fixed {
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
