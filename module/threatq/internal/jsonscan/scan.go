// Package jsonscan checks and walks JSON text without decoding it: Valid
// accepts exactly what encoding/json's Valid accepts, several times faster,
// and Skip finds the end of a value in text already known to be valid. The
// ThreatQ client uses them to split a page into raw indicators in two
// passes instead of building a tree.
package jsonscan

import "encoding/binary"

// MaxDepth is encoding/json's nesting limit, which Valid applies.
const MaxDepth = 10000

// plain marks the bytes that may appear in a string without ending it or
// starting an escape: not '"', not '\\', not a control character.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// Valid reports whether b is one valid JSON value, with optional
// surrounding whitespace, as encoding/json.Valid does.
func Valid(b []byte) bool {
	v := validator{b: b}
	v.ws()
	if !v.value() {
		return false
	}
	v.ws()
	return v.i == len(v.b)
}

type validator struct {
	b     []byte
	i     int
	depth int
}

func (v *validator) ws() {
	for v.i < len(v.b) {
		switch v.b[v.i] {
		case ' ', '\t', '\r', '\n':
			v.i++
		default:
			return
		}
	}
}

func (v *validator) value() bool {
	if v.i >= len(v.b) {
		return false
	}
	switch c := v.b[v.i]; {
	case c == '{':
		return v.object()
	case c == '[':
		return v.array()
	case c == '"':
		return v.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return v.number()
	case c == 't':
		return v.literal("true")
	case c == 'f':
		return v.literal("false")
	case c == 'n':
		return v.literal("null")
	}
	return false
}

func (v *validator) literal(word string) bool {
	if len(v.b)-v.i < len(word) || string(v.b[v.i:v.i+len(word)]) != word {
		return false
	}
	v.i += len(word)
	return true
}

func (v *validator) object() bool {
	if v.depth++; v.depth > MaxDepth {
		return false
	}
	v.i++ // '{'
	v.ws()
	if v.i < len(v.b) && v.b[v.i] == '}' {
		v.i++
		v.depth--
		return true
	}
	for {
		v.ws()
		if v.i >= len(v.b) || v.b[v.i] != '"' || !v.str() {
			return false
		}
		v.ws()
		if v.i >= len(v.b) || v.b[v.i] != ':' {
			return false
		}
		v.i++
		v.ws()
		if !v.value() {
			return false
		}
		v.ws()
		if v.i >= len(v.b) {
			return false
		}
		switch v.b[v.i] {
		case ',':
			v.i++
		case '}':
			v.i++
			v.depth--
			return true
		default:
			return false
		}
	}
}

func (v *validator) array() bool {
	if v.depth++; v.depth > MaxDepth {
		return false
	}
	v.i++ // '['
	v.ws()
	if v.i < len(v.b) && v.b[v.i] == ']' {
		v.i++
		v.depth--
		return true
	}
	for {
		v.ws()
		if !v.value() {
			return false
		}
		v.ws()
		if v.i >= len(v.b) {
			return false
		}
		switch v.b[v.i] {
		case ',':
			v.i++
		case ']':
			v.i++
			v.depth--
			return true
		default:
			return false
		}
	}
}

// str checks a string literal starting at '"'.
func (v *validator) str() bool {
	b := v.b
	i := v.i + 1
	for {
		for i+8 <= len(b) && !special(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		for i < len(b) && plain[b[i]] {
			i++
		}
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case '"':
			v.i = i + 1
			return true
		case '\\':
			if i+1 >= len(b) {
				return false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return false
					}
				}
				i += 6
			default:
				return false
			}
		default: // a control character
			return false
		}
	}
}

// special reports whether any of the 8 bytes in w is not plain: a '"', a
// '\\' or a control character. Each term is the classic test for a zero
// byte (or one below n) in a word, exact about whether one exists.
func special(w uint64) bool {
	return ((w-0x20*lsb)&^w)&msb != 0 || quoteOrBackslash(w)
}

// quoteOrBackslash reports whether any of the 8 bytes in w is a '"' or a
// '\\'.
func quoteOrBackslash(w uint64) bool {
	quote := w ^ ('"' * lsb)
	backslash := w ^ ('\\' * lsb)
	return ((quote-lsb)&^quote|(backslash-lsb)&^backslash)&msb != 0
}

// lsb and msb have the lowest and the highest bit of every byte set.
const lsb, msb = 0x0101010101010101, 0x8080808080808080

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func (v *validator) number() bool {
	b, i := v.b, v.i
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	v.i = i
	return true
}

// Skip returns the index just past the value that starts at b[i] (after
// any whitespace), in text already known to be valid JSON.
func Skip(b []byte, i int) int {
	i = SkipSpace(b, i)
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default:
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return i
			}
			i++
		}
		return i
	}
}

// skipString returns the index just past the string literal at b[i], in
// valid text: at the first '"' not escaped. It looks at 8 bytes at a time
// for a '"' or a '\\'.
func skipString(b []byte, i int) int {
	i++
	for {
		for i+8 <= len(b) && !quoteOrBackslash(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		for i < len(b) && b[i] != '"' && b[i] != '\\' {
			i++
		}
		if i >= len(b) {
			return i
		}
		if b[i] == '\\' {
			i += 2
			continue
		}
		return i + 1
	}
}

// SkipSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func SkipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// EachMember calls fn with the name and the value of every member of obj,
// a valid JSON object without leading space, until fn returns false. It
// returns false, without calling fn, for a name with an escape.
func EachMember(obj []byte, fn func(key, v []byte) bool) bool {
	i := SkipSpace(obj, 1)
	if obj[i] == '}' {
		return true
	}
	for {
		i = SkipSpace(obj, i)
		end := Skip(obj, i)
		key := obj[i+1 : end-1]
		for _, c := range key {
			if c == '\\' {
				return false
			}
		}
		i = SkipSpace(obj, end) + 1 // ':'
		i = SkipSpace(obj, i)
		end = Skip(obj, i)
		if !fn(key, obj[i:end]) {
			return false
		}
		i = SkipSpace(obj, end)
		if obj[i] == '}' {
			return true
		}
		i++ // ','
	}
}

// EachElement calls fn with every element of arr, a valid JSON array
// without leading space, until fn returns false.
func EachElement(arr []byte, fn func(e []byte) bool) bool {
	i := SkipSpace(arr, 1)
	if arr[i] == ']' {
		return true
	}
	for {
		i = SkipSpace(arr, i)
		end := Skip(arr, i)
		if !fn(arr[i:end]) {
			return false
		}
		i = SkipSpace(arr, end)
		if arr[i] == ']' {
			return true
		}
		i++ // ','
	}
}

// ValidAnyDepth is Valid without the nesting limit: it accepts a value
// nested deeper than encoding/json allows, and checks it without recursion
// (one byte of memory per level). A page whose only fault is one element
// nested too deep is taken apart with it, the element alone rejected.
func ValidAnyDepth(b []byte) bool {
	v := validator{b: b}
	var open []byte // the containers around the current position
	for {
		// A value starts here.
		v.ws()
		if v.i >= len(v.b) {
			return false
		}
		switch c := v.b[v.i]; c {
		case '{', '[':
			v.i++
			v.ws()
			if v.i < len(v.b) && v.b[v.i] == c+2 { // '}' or ']'
				v.i++
				break
			}
			open = append(open, c)
			if c == '{' && !v.member() {
				return false
			}
			continue
		default:
			if !v.scalar() {
				return false
			}
		}
		// A value ended: close containers, or go on to the next element.
		for {
			v.ws()
			if len(open) == 0 {
				return v.i == len(v.b)
			}
			if v.i >= len(v.b) {
				return false
			}
			top, c := open[len(open)-1], v.b[v.i]
			v.i++
			if c == top+2 {
				open = open[:len(open)-1]
				continue
			}
			if c != ',' || top == '{' && !v.member() {
				return false
			}
			break
		}
	}
}

// member checks a member name and its colon, leaving the value next.
func (v *validator) member() bool {
	v.ws()
	if v.i >= len(v.b) || v.b[v.i] != '"' || !v.str() {
		return false
	}
	v.ws()
	if v.i >= len(v.b) || v.b[v.i] != ':' {
		return false
	}
	v.i++
	return true
}

// scalar checks a string, number or literal.
func (v *validator) scalar() bool {
	switch c := v.b[v.i]; {
	case c == '"':
		return v.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return v.number()
	case c == 't':
		return v.literal("true")
	case c == 'f':
		return v.literal("false")
	case c == 'n':
		return v.literal("null")
	}
	return false
}
