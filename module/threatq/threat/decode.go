package threat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/go-json-experiment/json/jsontext"
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

// decodeIndicator decodes raw, one element of a page's data array, into
// ind. It fails, wrapping ErrNotIndicator, only when raw is not a JSON
// object. A member of an unexpected JSON kind where an object or an array
// is required (e.g. "sources": "x") is skipped and reported in errs.
func decodeIndicator(raw []byte, ind *indicator, errs *fieldErrors) error {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) == 0 {
		return fmt.Errorf("%w: empty input", ErrNotIndicator)
	}
	r := newReader(trimmed, errs)
	defer r.release()
	if trimmed[0] != '{' {
		v, err := r.dec.ReadValue()
		if err == nil {
			err = r.end()
		}
		if err != nil {
			return fmt.Errorf("%w: invalid JSON", ErrNotIndicator)
		}
		return fmt.Errorf("%w: JSON value is %s, not an object", ErrNotIndicator, kindOf(v))
	}
	err := decodeObject(r, ind, indicatorMembers)
	if err == nil {
		err = r.end()
	}
	if err != nil {
		return fmt.Errorf("%w: invalid JSON: %w", ErrNotIndicator, syntaxError(trimmed, err))
	}
	return nil
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

// decodeOptions are the options of the decoder: a repeated member name is
// no error (the last member wins, as with encoding/json), and strings may
// hold bytes that are not UTF-8 (replaced by U+FFFD when decoded).
var decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// reader is a JSON decoder over one indicator, with the errors of its
// fields. Readers are pooled: a decoder is large.
type reader struct {
	src  bytes.Buffer // aliases the input: the decoder reads it in place
	dec  jsontext.Decoder
	name []byte // an escaped member name, unquoted
	errs *fieldErrors
}

var readers = sync.Pool{New: func() any { return new(reader) }}

func newReader(text []byte, errs *fieldErrors) *reader {
	r := readers.Get().(*reader)
	r.src = *bytes.NewBuffer(text)
	r.dec.Reset(&r.src, decodeOptions...)
	r.errs = errs
	return r
}

// release returns r to the pool, holding nothing of its input.
func (r *reader) release() {
	r.src = bytes.Buffer{}
	r.dec.Reset(&r.src)
	r.errs = nil
	readers.Put(r)
}

// end checks that nothing but white space follows the value read.
func (r *reader) end() error {
	switch _, err := r.dec.ReadToken(); {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return err
	}
	return errors.New("more than one JSON value")
}

// unquoteName returns the content of a member name as read, quoted: the
// bytes themselves when it has no escape (nearly always).
func (r *reader) unquoteName(quoted []byte) []byte {
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner
	}
	r.name, _ = jsontext.AppendUnquote(r.name[:0], quoted)
	return r.name
}
