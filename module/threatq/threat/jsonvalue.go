package threat

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// kind is the JSON kind of a decoded value.
type kind uint8

const (
	kindAbsent kind = iota // the key was not in the object (zero value)
	kindNull
	kindString
	kindNumber
	kindBool
	kindObject
	kindArray
)

func (k kind) String() string {
	switch k {
	case kindAbsent:
		return "absent"
	case kindNull:
		return "null"
	case kindString:
		return "a string"
	case kindNumber:
		return "a number"
	case kindBool:
		return "a boolean"
	case kindObject:
		return "an object"
	default:
		return "an array"
	}
}

// kindOf returns the kind of a complete JSON value from its first byte.
func kindOf(b []byte) kind {
	switch b[0] {
	case 'n':
		return kindNull
	case '"':
		return kindString
	case 't', 'f':
		return kindBool
	case '{':
		return kindObject
	case '[':
		return kindArray
	}
	return kindNumber
}

// jsonWord names the JSON kind of a complete value the way encoding/json's
// type errors do ("is a JSON string, not an array").
func jsonWord(b []byte) string {
	switch kindOf(b) {
	case kindString:
		return "string"
	case kindBool:
		return "bool"
	case kindObject:
		return "object"
	case kindArray:
		return "array"
	case kindNull:
		return "null"
	}
	return "number"
}

// value is one JSON value of a type that ThreatQ does not always respect.
// Decoding never fails: the kind is recorded and the mapping decides what a
// wrong kind means for that field (usually: drop it and say why). Objects and
// arrays keep only their kind.
type value struct {
	kind kind
	// text is the string's content, or the literal text of a number or a
	// boolean.
	text string
}

// set records b, one complete JSON value that the decoder has checked.
func (v *value) set(b []byte) {
	v.kind, v.text = kindOf(b), ""
	switch v.kind {
	case kindString:
		v.text = unquote(b)
	case kindNumber, kindBool:
		v.text = string(b)
	}
}

// unquote returns the content of the JSON string literal b, as
// encoding/json decodes it: escapes resolved, and every byte that is not
// valid UTF-8 (and every lone surrogate escape) replaced with U+FFFD.
// Literals with no escape and valid UTF-8 (nearly all) are copied directly.
func unquote(b []byte) string {
	inner := b[1 : len(b)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner)
	}
	// The error only reports the replaced bytes.
	s, _ := jsontext.AppendUnquote(make([]byte, 0, len(inner)), b)
	return string(s)
}

// present reports a value that is neither absent nor null.
func (v value) present() bool { return v.kind != kindAbsent && v.kind != kindNull }

// str returns a string field. Numbers and booleans are taken as their JSON
// text. ok is false for absent, null and empty values (no field, no error);
// err is set for objects and arrays.
func (v value) str() (s string, ok bool, err error) {
	switch v.kind {
	case kindString, kindNumber, kindBool:
		return v.text, v.text != "", nil
	case kindObject, kindArray:
		return "", false, fmt.Errorf("is %s, not a string", v.kind)
	}
	return "", false, nil
}

// long returns a whole-number field, given as a JSON number or as a string
// holding one (Elasticsearch's convert-to-long accepts both). ok is false for
// absent, null and "" (no field, no error); err is set for anything else that
// is not a whole number within the range of a long.
func (v value) long() (n int64, ok bool, err error) {
	switch v.kind {
	case kindAbsent, kindNull:
		return 0, false, nil
	case kindString:
		if v.text == "" {
			return 0, false, nil
		}
	case kindNumber:
	default:
		return 0, false, fmt.Errorf("is %s, not a whole number", v.kind)
	}
	if n, err := strconv.ParseInt(v.text, 10, 64); err == nil {
		return n, true, nil
	}
	f, err := strconv.ParseFloat(v.text, 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false, fmt.Errorf("%s is not a whole number", quote(v.text))
	}
	return int64(f), true, nil
}

// named is a ThreatQ {id, name, ...} object (type, status, adversary, tag)
// reduced to its name. A bare string is taken as the name.
type named struct {
	// kind is the kind of the JSON value itself.
	kind kind
	// name is the "name" member of an object, or the string itself.
	name value
}

// get returns the name. ok is false when there is none (absent, null, empty,
// or an object without a name); err is set when the value is neither an
// object nor a string, or its name is not a string.
func (n named) get() (string, bool, error) {
	switch n.kind {
	case kindAbsent, kindNull:
		return "", false, nil
	case kindObject, kindString:
		if n.name.kind == kindObject || n.name.kind == kindArray {
			return "", false, fmt.Errorf("has a name that is %s, not a string", n.name.kind)
		}
		return n.name.str()
	}
	return "", false, fmt.Errorf("is %s, not an object or a string", n.kind)
}
