package threatq

import (
	"bytes"
	"fmt"
)

// maxDepth is the nesting limit of the JSON decoders (that of encoding/json
// too), counted from the page's root.
const maxDepth = 10000

// tooDeepReason is why an element nested deeper than maxDepth is rejected.
var tooDeepReason = fmt.Sprintf("nested deeper than %d levels", maxDepth)

// blankTooDeep looks at the rest of a data array, from the offset where the
// decoder failed on an element (just after the previous element, or after
// '[' when first): it checks every element at any depth without recursion
// and, in a copy of body, replaces each one nested deeper than maxDepth
// with a 0 padded by spaces, so that offsets stay the same. It returns the
// copy and the offsets of the replaced elements, or no offsets when an
// element is malformed or none is too deep: the page then fails.
func blankTooDeep(body []byte, from int64, first bool) (blanked []byte, offsets []int64) {
	b := body
	i := skipSpace(b, int(from))
	if !first {
		if i >= len(b) || b[i] != ',' {
			return nil, nil
		}
		i = skipSpace(b, i+1)
	}
	for {
		end, depth, ok := valueEnd(b, i)
		if !ok {
			return nil, nil
		}
		if depth+2 > maxDepth { // the page object and data hold the element
			if blanked == nil {
				blanked = bytes.Clone(b)
			}
			blanked[i] = '0'
			for j := i + 1; j < end; j++ {
				blanked[j] = ' '
			}
			offsets = append(offsets, int64(i))
		}
		i = skipSpace(b, end)
		switch {
		case i >= len(b):
			return nil, nil
		case b[i] == ']':
			return blanked, offsets
		case b[i] != ',':
			return nil, nil
		}
		i = skipSpace(b, i+1)
	}
}

// valueEnd checks the JSON value that starts at b[i], at any depth and
// without recursion (one byte of memory per level), and returns the
// index just past it and its depth (0 for a scalar, 1 for a flat array
// or object). It is safe on any input: ok is false when no valid value
// starts at i.
func valueEnd(b []byte, i int) (end, depth int, ok bool) {
	var open []byte // the containers around the current position
	for {
		// A value starts at i.
		if i >= len(b) {
			return 0, 0, false
		}
		switch c := b[i]; c {
		case '{', '[':
			open = append(open, c)
			depth = max(depth, len(open))
			i = skipSpace(b, i+1)
			if i < len(b) && b[i] == c+2 { // '}' or ']': empty
				open = open[:len(open)-1]
				i++
				break
			}
			if c == '{' {
				if i, ok = memberName(b, i); !ok {
					return 0, 0, false
				}
			}
			continue
		default:
			if i, ok = scalarEnd(b, i); !ok {
				return 0, 0, false
			}
		}
		// A value ended: close containers, or go on to the next element.
		for {
			if len(open) == 0 {
				return i, depth, true
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return 0, 0, false
			}
			top, c := open[len(open)-1], b[i]
			i++
			if c == top+2 {
				open = open[:len(open)-1]
				continue
			}
			if c != ',' {
				return 0, 0, false
			}
			i = skipSpace(b, i)
			if top == '{' {
				if i, ok = memberName(b, i); !ok {
					return 0, 0, false
				}
			}
			break
		}
	}
}

// memberName checks a member name and its colon at b[i], and returns
// where the value starts.
func memberName(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	i, ok := scalarEnd(b, i)
	if !ok {
		return 0, false
	}
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return 0, false
	}
	return skipSpace(b, i+1), true
}

// scalarEnd checks the string, number or literal at b[i] and returns the
// index just past it.
func scalarEnd(b []byte, i int) (int, bool) {
	switch c := b[i]; {
	case c == '"':
		return stringEnd(b, i)
	case c == '-' || (c >= '0' && c <= '9'):
		return numberEnd(b, i)
	}
	for _, word := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(b[i:], []byte(word)) {
			return i + len(word), true
		}
	}
	return 0, false
}

// stringEnd checks the string literal at b[i]: no control character,
// valid escapes (bytes that are not UTF-8 are allowed, as encoding/json
// allows them).
func stringEnd(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return 0, false
		case c == '\\':
			if i+1 >= len(b) {
				return 0, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+6 > len(b) {
					return 0, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return 0, false
					}
				}
				i += 5
			default:
				return 0, false
			}
		}
	}
	return 0, false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// numberEnd checks the number at b[i] (JSON's grammar) and returns the
// index just past it.
func numberEnd(b []byte, i int) (int, bool) {
	digits := func() bool {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > start
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return 0, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return 0, false
		}
	}
	return i, true
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}
