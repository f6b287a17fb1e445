package threatq

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// decodeOptions are the options of the page decoder: a repeated member name
// is no error (the last member wins, as with encoding/json), and strings
// may hold bytes that are not UTF-8 (a cursor mark keeps them).
var decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// decodePage checks and decodes a 2xx body in one pass. Anything but a JSON
// object whose data is an array (or empty) is an error, never an empty
// page. Member names match exactly. The indicators are sub-slices of body,
// not copies (see Page.Release). An element of data nested deeper than
// maxDepth is taken out into Rejected and the page goes on.
func decodePage(body []byte) (*Page, error) {
	bad := func(reason string) error {
		return &APIError{Op: "decode page", Reason: reason, Body: trimBody(body)}
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, bad("response is not a JSON object")
	}
	var r pageReader
	err := r.read(trimmed)
	if err != nil && r.failedAt >= 0 {
		if blanked, tooDeep := blankTooDeep(trimmed, r.failedAt, r.failedIndex == 0); len(tooDeep) > 0 {
			r = pageReader{tooDeep: tooDeep}
			err = r.read(blanked)
		}
	}
	if err != nil {
		return nil, bad("invalid JSON: " + syntaxError(trimmed, err).Error())
	}
	if r.errors {
		return nil, bad("ThreatQ returned errors")
	}
	mark, ok := decodeMark(r.mark)
	if !ok {
		return nil, bad("nextCursorMark is not a string")
	}
	switch {
	case !r.hasData:
		return nil, bad("response has no data member")
	case r.dataFault != "":
		return nil, bad(r.dataFault)
	}
	p := &r.page
	p.NextCursor = mark
	return p, nil
}

// pageReader reads the members of a page envelope.
type pageReader struct {
	dec       *jsontext.Decoder
	page      Page
	hasData   bool
	dataFault string // why data cannot be used; "" when it can
	mark      []byte // the nextCursorMark value as sent; nil when absent
	errors    bool   // an errors member other than null

	// failedAt is the offset where the element of data with a syntax
	// error starts (after the previous element), -1 if none; failedIndex
	// is its index.
	failedAt    int64
	failedIndex int
	// tooDeep are the offsets of elements to reject as nested too deep,
	// ascending (they were blanked).
	tooDeep []int64
}

// read decodes body, a JSON object; the error is a syntax error.
func (r *pageReader) read(body []byte) error {
	r.dec = jsontext.NewDecoder(bytes.NewBuffer(body), decodeOptions...)
	r.failedAt = -1
	if _, err := r.dec.ReadToken(); err != nil { // '{'
		return err
	}
	for r.dec.PeekKind() == '"' {
		name, err := r.dec.ReadValue()
		if err != nil {
			return err
		}
		var v []byte
		switch string(unquoteName(name)) {
		case "total":
			if v, err = r.dec.ReadValue(); err == nil {
				r.page.Total, r.page.TotalInvalid = parseTotal(v)
			}
		case "data":
			err = r.readData()
		case "nextCursorMark":
			r.mark, err = r.dec.ReadValue()
		case "errors":
			if v, err = r.dec.ReadValue(); err == nil {
				r.errors = string(v) != "null"
			}
		default:
			err = r.dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	if _, err := r.dec.ReadToken(); err != nil { // '}', or the syntax error that ended the loop
		return err
	}
	switch _, err := r.dec.ReadToken(); {
	case err == nil:
		return errors.New("more than one JSON value")
	case !errors.Is(err, io.EOF):
		return err
	}
	return nil
}

// readData reads the data member: an array is split into its elements;
// ThreatQ answers an exhausted cursor with null or {}.
func (r *pageReader) readData() error {
	r.hasData, r.dataFault = true, ""
	r.page.Indicators, r.page.Rejected = nil, nil
	switch r.dec.PeekKind() {
	case '[':
	case 'n':
		return r.dec.SkipValue()
	case '{':
		v, err := r.dec.ReadValue()
		if err == nil && len(bytes.TrimSpace(v[1:len(v)-1])) > 0 {
			r.dataFault = "data is an object, not an array of indicators"
		}
		return err
	default:
		r.dataFault = "data is not an array"
		_, err := r.dec.ReadValue()
		return err
	}
	if _, err := r.dec.ReadToken(); err != nil { // '['
		return err
	}
	r.page.Indicators = make([]json.RawMessage, 0, 16)
	for i := 0; r.dec.PeekKind() != ']'; i++ {
		before := r.dec.InputOffset()
		v, err := r.dec.ReadValue()
		if err != nil {
			r.failedAt, r.failedIndex = before, i
			return err
		}
		if start := r.dec.InputOffset() - int64(len(v)); len(r.tooDeep) > 0 && r.tooDeep[0] == start {
			r.tooDeep = r.tooDeep[1:]
			r.page.Rejected = append(r.page.Rejected, Rejected{Position: i, Reason: tooDeepReason})
			continue
		}
		r.page.Indicators = append(r.page.Indicators, json.RawMessage(v[:len(v):len(v)]))
	}
	_, err := r.dec.ReadToken() // ']'
	return err
}

// unquoteName returns the content of a member name as read, quoted.
func unquoteName(quoted []byte) []byte {
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner
	}
	name, _ := jsontext.AppendUnquote(nil, quoted)
	return name
}

// decodeMark reads the nextCursorMark value: a string, or null or absent
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
	// Unescape the valid stretches; bytes that are not UTF-8 are copied as
	// they are (they never sit inside an escape).
	out := make([]byte, 0, len(content))
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
			// v was checked: an error only reports a lone surrogate
			// escape, replaced with U+FFFD as encoding/json does.
			out, _ = jsontext.AppendUnquote(out, append(append([]byte{'"'}, content[:n]...), '"'))
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

// syntaxError words the fault of text that is not valid JSON the way
// encoding/json does (the decoder's own error, err, if encoding/json sees
// none).
func syntaxError(text []byte, err error) error {
	var v json.RawMessage
	if jsonErr := json.Unmarshal(text, &v); jsonErr != nil {
		return jsonErr
	}
	return err
}
