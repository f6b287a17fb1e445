package threatq

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/threatqbeat/threatqbeat/module/threatq/internal/jsonscan"
)

// scanPage is the fast path of decodePage. It decodes a body that
// jsonscan.Valid accepted, without building a tree and without copying the
// indicators: they are sub-slices of body. It handles the envelope every
// ThreatQ page has (total a number, data an array, {} or null,
// nextCursorMark a string, errors absent or null); for anything else it
// returns ok false and decodePage's general decoder produces the page or
// the error, so both paths agree on every input.
func scanPage(body []byte) (p *Page, ok bool) {
	s := scanner{b: body}
	s.ws()
	if !s.consume('{') {
		return nil, false
	}
	p = &Page{}
	var (
		data    []byte
		hasData bool
	)
	s.ws()
	if s.consume('}') {
		return nil, false // no data member: the general path reports it
	}
	for {
		s.ws()
		key, simple := s.str()
		if !simple || !ascii(key) {
			return nil, false // let encoding/json match this name
		}
		s.ws()
		if !s.consume(':') {
			return nil, false
		}
		s.ws()
		start := s.i
		if !s.skipValue() {
			return nil, false
		}
		v := body[start:s.i]
		// encoding/json matches member names case-insensitively, the last
		// duplicate winning; so does this.
		switch {
		case equalFold(key, "total"):
			p.Total, p.TotalInvalid = parseTotal(v)
		case equalFold(key, "data"):
			data, hasData = v, true
		case equalFold(key, "nextCursorMark"):
			if string(v) == "null" {
				break
			}
			mark, simple := (&scanner{b: v}).str()
			if !simple {
				return nil, false // decodeMark, in the general decoder
			}
			p.NextCursor = string(mark)
		case equalFold(key, "errors"):
			if string(v) != "null" {
				return nil, false
			}
		}
		s.ws()
		if s.consume(',') {
			continue
		}
		if s.consume('}') {
			break
		}
		return nil, false
	}
	if !hasData {
		return nil, false
	}
	switch data[0] {
	case '[':
		p.Indicators = splitArray(data)
	case 'n':
	case '{':
		if len(bytes.TrimSpace(data[1:len(data)-1])) > 0 {
			return nil, false
		}
	default:
		return nil, false
	}
	return p, true
}

// decodeMark reads the nextCursorMark member: a string, or null or absent
// (""). Its bytes are kept exactly, including those that are not valid
// UTF-8 (encoding/json would replace them with U+FFFD), so that the mark
// is sent back as ThreatQ wrote it. ok is false for any other JSON kind.
func decodeMark(v []byte) (mark string, ok bool) {
	if len(v) == 0 || string(v) == "null" {
		return "", true
	}
	if v[0] != '"' {
		return "", false
	}
	content := v[1 : len(v)-1]
	if bytes.IndexByte(content, '\\') < 0 {
		return string(content), true
	}
	// Unescape the valid stretches with encoding/json; bytes that are not
	// UTF-8 are copied as they are (they never sit inside an escape).
	var out []byte
	for len(content) > 0 {
		n := 0
		for n < len(content) {
			r, size := utf8.DecodeRune(content[n:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			n += size
		}
		if n > 0 {
			var s string
			if err := json.Unmarshal(append(append([]byte{'"'}, content[:n]...), '"'), &s); err != nil {
				return "", false
			}
			out = append(out, s...)
		}
		if n < len(content) {
			out = append(out, content[n])
			n++
		}
		content = content[n:]
	}
	return string(out), true
}

// parseTotal reads the total member: a whole number, or null or absent
// (0); anything else is invalid, and ignored.
func parseTotal(v []byte) (total int64, invalid bool) {
	if len(v) == 0 || string(v) == "null" {
		return 0, false
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, true
	}
	return n, false
}

// scanDeepPage decodes a page that jsonscan.Valid refused only because
// elements of data are nested deeper than encoding/json allows (10 000
// levels): those elements are taken out into Rejected, the others kept.
// ok is false for any other fault, which then fails the page.
func scanDeepPage(body []byte) (p *Page, ok bool) {
	if !jsonscan.ValidAnyDepth(body) {
		return nil, false
	}
	if p, ok = scanPage(body); !ok {
		return nil, false
	}
	kept := p.Indicators[:0]
	for i, e := range p.Indicators {
		if jsonscan.Valid(e) {
			kept = append(kept, e)
			continue
		}
		p.Rejected = append(p.Rejected, Rejected{Position: i, Reason: fmt.Sprintf("nested deeper than %d levels", jsonscan.MaxDepth)})
	}
	p.Indicators = kept
	if len(p.Rejected) == 0 {
		return nil, false // too deep outside data
	}
	return p, true
}

// splitArray returns the elements of a valid JSON array as sub-slices.
func splitArray(arr []byte) []json.RawMessage {
	out := make([]json.RawMessage, 0, 16)
	jsonscan.EachElement(arr, func(e []byte) bool {
		out = append(out, e[:len(e):len(e)])
		return true
	})
	return out
}

// scanner walks JSON text already known to be valid.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() { s.i = jsonscan.SkipSpace(s.b, s.i) }

func (s *scanner) consume(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string literal and returns its content; simple is false when
// the literal has an escape or invalid UTF-8 (encoding/json replaces those
// bytes), or is not a string.
func (s *scanner) str() (content []byte, simple bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false
	}
	start := s.i + 1
	s.i = jsonscan.Skip(s.b, s.i)
	content = s.b[start : s.i-1]
	return content, bytes.IndexByte(content, '\\') < 0 && utf8.Valid(content)
}

// skipValue moves past one value; false at the end of the input.
func (s *scanner) skipValue() bool {
	if s.i >= len(s.b) {
		return false
	}
	s.i = jsonscan.Skip(s.b, s.i)
	return true
}

// equalFold compares a member name with an ASCII field name the way
// encoding/json does.
func equalFold(b []byte, name string) bool {
	return len(b) == len(name) && bytes.EqualFold(b, []byte(name))
}

// ascii reports whether b has only ASCII bytes.
func ascii(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
