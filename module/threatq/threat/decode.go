package threat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/internal/jsonscan"
)

// fieldErrors collects error.message: one message per dropped field, naming
// the ThreatQ field and saying why.
type fieldErrors struct{ msgs []string }

func (e *fieldErrors) add(field, why string) {
	e.msgs = append(e.msgs, field+": "+why)
}

// str reads an optional string field; see value.str.
func (e *fieldErrors) str(field string, v value) (string, bool) {
	s, ok, err := v.str()
	if err != nil {
		e.add(field, err.Error()+"; dropped")
	}
	return s, ok
}

// long reads an optional whole-number field; see value.long.
func (e *fieldErrors) long(field string, v value) (int64, bool) {
	n, ok, err := v.long()
	if err != nil {
		e.add(field, err.Error()+"; dropped")
	}
	return n, ok
}

// date reads an optional ThreatQ time field; see value.date.
func (e *fieldErrors) date(field string, v value) (time.Time, bool) {
	t, ok, err := v.date()
	if err != nil {
		e.add(field, err.Error()+"; dropped")
	}
	return t, ok
}

// name reads the name of an optional ThreatQ object; see named.get.
func (e *fieldErrors) name(field string, n named) (string, bool) {
	s, ok, err := n.get()
	if err != nil {
		e.add(field, err.Error()+"; dropped")
	}
	return s, ok
}

// decodeIndicator decodes raw into ind: with decodeFast when it can, else
// with encoding/json (both give the same result). It fails, wrapping ErrNotIndicator,
// only when raw is not a JSON object. A member of an unexpected JSON kind
// where an object or an array is required (e.g. "sources": "x") is skipped
// by the decoder and reported in errs; encoding/json reports only the first
// such member, later ones are skipped silently.
//
// valid says that raw is known to be valid JSON: the syntax check is skipped.
func decodeIndicator(raw []byte, valid bool, ind *indicator, errs *fieldErrors) error {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) == 0 {
		return fmt.Errorf("%w: empty input", ErrNotIndicator)
	}
	if trimmed[0] != '{' {
		if !json.Valid(trimmed) {
			return fmt.Errorf("%w: invalid JSON", ErrNotIndicator)
		}
		var v value
		_ = v.UnmarshalJSON(trimmed)
		return fmt.Errorf("%w: JSON value is %s, not an object", ErrNotIndicator, v.kind)
	}
	if valid || jsonscan.Valid(trimmed) {
		if decodeFast(bytes.TrimRight(trimmed, " \t\r\n"), ind) {
			return nil
		}
	}
	// Through a copy, so that ind (on the caller's stack) does not escape
	// to the heap because encoding/json takes it as an interface.
	slow := new(indicator)
	err := unmarshalIndicator(raw, slow, errs)
	*ind = *slow
	return err
}

// unmarshalIndicator is decodeIndicator with encoding/json, for an object
// (valid or not) that decodeFast left alone.
func unmarshalIndicator(raw []byte, ind *indicator, errs *fieldErrors) error {
	err := json.Unmarshal(raw, ind)
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
	case errors.As(err, &typeErr):
		errs.add(typeErr.Field, fmt.Sprintf("is a JSON %s, not %s; dropped", typeErr.Value, jsonKindOf(typeErr.Type)))
	default:
		return fmt.Errorf("%w: invalid JSON: %w", ErrNotIndicator, err)
	}
	return nil
}

// jsonKindOf names the JSON kind a Go type decodes from.
func jsonKindOf(t reflect.Type) string {
	if t == nil {
		return "the expected kind"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	}
	return "a " + t.Kind().String()
}
