package threat

import (
	"fmt"
)

// memberFunc decodes the value of one member into a T.
type memberFunc[T any] func(r *reader, t *T) error

// indicatorMembers is the one table of the indicator members the mapping
// reads: each is decoded by its function, any other member is skipped.
// Names match exactly (after JSON escapes are resolved); when a name
// repeats, the last member wins.
var indicatorMembers = func() map[string]memberFunc[indicator] {
	m := map[string]memberFunc[indicator]{
		"id":                    scalar(func(i *indicator) *value { return &i.ID }),
		"indicator_id":          scalar(func(i *indicator) *value { return &i.IndicatorID }),
		"value":                 scalar(func(i *indicator) *value { return &i.Value }),
		"class":                 scalar(func(i *indicator) *value { return &i.Class }),
		"hash":                  scalar(func(i *indicator) *value { return &i.Hash }),
		"description":           scalar(func(i *indicator) *value { return &i.Description }),
		"uuid":                  scalar(func(i *indicator) *value { return &i.UUID }),
		"score":                 scalar(func(i *indicator) *value { return &i.Score }),
		"generated_score":       scalar(func(i *indicator) *value { return &i.GeneratedScore }),
		"manual_score":          scalar(func(i *indicator) *value { return &i.ManualScore }),
		"created_at":            scalar(func(i *indicator) *value { return &i.CreatedAt }),
		"updated_at":            scalar(func(i *indicator) *value { return &i.UpdatedAt }),
		"published_at":          scalar(func(i *indicator) *value { return &i.PublishedAt }),
		"touched_at":            scalar(func(i *indicator) *value { return &i.TouchedAt }),
		"expires_at":            scalar(func(i *indicator) *value { return &i.ExpiresAt }),
		"expired_at":            scalar(func(i *indicator) *value { return &i.ExpiredAt }),
		"expires_calculated_at": scalar(func(i *indicator) *value { return &i.ExpiresCalculatedAt }),
		"last_detected_at":      scalar(func(i *indicator) *value { return &i.LastDetectedAt }),
		"type":                  func(r *reader, i *indicator) error { return r.named(&i.Type) },
		"status":                func(r *reader, i *indicator) error { return r.named(&i.Status) },
		"tags":                  namedList("tags", func(i *indicator) *[]named { return &i.Tags }),
		"adversaries":           namedList("adversaries", func(i *indicator) *[]named { return &i.Adversaries }),
		"attributes":            objectList("attributes", func(i *indicator) *[]*attribute { return &i.Attributes }, attributeMembers),
		"sources":               objectList("sources", func(i *indicator) *[]*source { return &i.Sources }, sourceMembers),
	}
	for n, name := range relatedNames {
		m[name] = scalar(func(i *indicator) *value { return &i.relatedCounts.counts[n] })
	}
	return m
}()

// attributeMembers and sourceMembers are the tables of the elements of
// attributes and sources; nameMembers that of a named object.
var (
	attributeMembers = map[string]memberFunc[attribute]{
		"name":  scalar(func(a *attribute) *value { return &a.Name }),
		"value": scalar(func(a *attribute) *value { return &a.Value }),
	}
	sourceMembers = map[string]memberFunc[source]{
		"name":     scalar(func(s *source) *value { return &s.Name }),
		"tlp_name": scalar(func(s *source) *value { return &s.TLPName }),
		// Read always; used only with Settings.UseSourceExpiry.
		"source_expire_days": scalar(func(s *source) *value { return &s.ExpireDays }),
	}
	nameMembers = map[string]memberFunc[value]{
		"name": scalar(func(v *value) *value { return v }),
	}
)

// decodeObject decodes the object that comes next into t: the members
// named in table with their function, the others skipped.
func decodeObject[T any](r *reader, t *T, table map[string]memberFunc[T]) error {
	if _, err := r.dec.ReadToken(); err != nil { // '{'
		return err
	}
	for r.dec.PeekKind() == '"' {
		name, err := r.dec.ReadValue()
		if err != nil {
			return err
		}
		if f := table[string(r.unquoteName(name))]; f != nil {
			err = f(r, t)
		} else {
			err = r.dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	_, err := r.dec.ReadToken() // '}', or the syntax error that ended the loop
	return err
}

// scalar decodes a member into the value field returns.
func scalar[T any](field func(*T) *value) memberFunc[T] {
	return func(r *reader, t *T) error {
		v, err := r.dec.ReadValue()
		if err == nil {
			field(t).set(v)
		}
		return err
	}
}

// named decodes a name: an object's name member, or any other value as
// it is (the mapping accepts a string).
func (r *reader) named(n *named) error {
	if r.dec.PeekKind() == '{' {
		*n = named{kind: kindObject}
		return decodeObject(r, &n.name, nameMembers)
	}
	v, err := r.dec.ReadValue()
	if err != nil {
		return err
	}
	n.name.set(v)
	if n.kind = n.name.kind; n.kind != kindString {
		n.name = value{}
	}
	return nil
}

// namedList decodes an array of names (tags, adversaries) into the list
// field returns. null leaves no list; another kind is reported and leaves
// the list as it was.
func namedList(name string, field func(*indicator) *[]named) memberFunc[indicator] {
	return func(r *reader, ind *indicator) error {
		if ok, err := arrayStart(r, name, field(ind)); !ok || err != nil {
			return err
		}
		out := make([]named, 0, 4)
		for r.dec.PeekKind() != ']' {
			var n named
			if err := r.named(&n); err != nil {
				return err
			}
			out = append(out, n)
		}
		*field(ind) = out
		_, err := r.dec.ReadToken() // ']'
		return err
	}
}

// objectList decodes an array of objects (attributes, sources) with their
// table into the list field returns. A null element is a nil one; an
// element of another kind is reported and kept as an empty object, so
// that later elements keep their positions.
func objectList[T any](name string, field func(*indicator) *[]*T, table map[string]memberFunc[T]) memberFunc[indicator] {
	return func(r *reader, ind *indicator) error {
		if ok, err := arrayStart(r, name, field(ind)); !ok || err != nil {
			return err
		}
		out := make([]*T, 0, 8)
		for r.dec.PeekKind() != ']' {
			var err error
			switch r.dec.PeekKind() {
			case 'n':
				out = append(out, nil)
				err = r.dec.SkipValue()
			case '{':
				t := new(T)
				out = append(out, t)
				err = decodeObject(r, t, table)
			default:
				out = append(out, new(T))
				err = r.wrongKind(fmt.Sprintf("%s[%d]", name, len(out)-1), "an object")
			}
			if err != nil {
				return err
			}
		}
		*field(ind) = out
		_, err := r.dec.ReadToken() // ']'
		return err
	}
}

// arrayStart reads the start of an array member: ok is true after its
// '['. For null it clears *list; for another kind it reports the member.
// Either way the value is consumed and ok is false.
func arrayStart[E any](r *reader, name string, list *[]E) (ok bool, err error) {
	switch r.dec.PeekKind() {
	case '[':
		_, err := r.dec.ReadToken()
		return err == nil, err
	case 'n':
		*list = nil
		return false, r.dec.SkipValue()
	}
	return false, r.wrongKind(name, "an array")
}

// wrongKind consumes a value of the wrong kind for field and reports it.
func (r *reader) wrongKind(field, want string) error {
	v, err := r.dec.ReadValue()
	if err == nil {
		r.errs.add(field, "is a JSON "+jsonWord(v)+", not "+want+"; dropped")
	}
	return err
}
