package threatqtest

import (
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// errBadCursor reports a cursorMark this server cannot have produced.
var errBadCursor = errors.New("malformed cursorMark")

// sortKey orders a collection: updated_at (Unix seconds), then the
// indicator id, then insertion order (which only separates indicators that
// share both).
type sortKey struct {
	updated int64
	id      int64
	seq     uint64
}

func (k sortKey) compare(o sortKey) int {
	if c := cmp.Compare(k.updated, o.updated); c != 0 {
		return c
	}
	if c := cmp.Compare(k.id, o.id); c != 0 {
		return c
	}
	return cmp.Compare(k.seq, o.seq)
}

// position is a place in the sort order: before everything (start), or
// just after the indicator with key.
type position struct {
	start bool
	key   sortKey
}

// Layout of a cursor mark, before standard base64: one flags byte, then for
// a non-start position varint(updated), varint(id), uvarint(seq). The
// format bit makes the first character 'A' for a normal mark and 'B' for
// the mark returned by an empty page, as in Elastic's mock.
const (
	cursorStartBit  = 0x01 // before everything; no key follows
	cursorFormatBit = 0x02 // always set
	cursorEndBit    = 0x04 // returned by a page with no data
	cursorKnownBits = cursorStartBit | cursorFormatBit | cursorEndBit
)

// encodeCursor spells p as a cursor mark. end marks the answer of a page
// with nothing after p: same position, different spelling.
func encodeCursor(p position, end bool) string {
	var buf [1 + 3*binary.MaxVarintLen64]byte
	flags := byte(cursorFormatBit)
	if end {
		flags |= cursorEndBit
	}
	b := buf[:0]
	if p.start {
		b = append(b, flags|cursorStartBit)
	} else {
		b = append(b, flags)
		b = binary.AppendVarint(b, p.key.updated)
		b = binary.AppendVarint(b, p.key.id)
		b = binary.AppendUvarint(b, p.key.seq)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// decodeCursor reads a cursorMark query value: "*" or empty is the start,
// anything else must be a mark from encodeCursor.
func decodeCursor(mark string) (position, error) {
	if mark == "*" || mark == "" {
		return position{start: true}, nil
	}
	b, err := base64.StdEncoding.DecodeString(mark)
	if err != nil {
		return position{}, fmt.Errorf("%w %q: %w", errBadCursor, mark, err)
	}
	if len(b) == 0 || b[0]&cursorFormatBit == 0 || b[0]&^cursorKnownBits != 0 {
		return position{}, fmt.Errorf("%w %q: unknown format", errBadCursor, mark)
	}
	if b[0]&cursorStartBit != 0 {
		if len(b) != 1 {
			return position{}, fmt.Errorf("%w %q: trailing bytes", errBadCursor, mark)
		}
		return position{start: true}, nil
	}
	rest := b[1:]
	var p position
	var n int
	if p.key.updated, n = binary.Varint(rest); n <= 0 {
		return position{}, fmt.Errorf("%w %q: bad updated_at", errBadCursor, mark)
	}
	rest = rest[n:]
	if p.key.id, n = binary.Varint(rest); n <= 0 {
		return position{}, fmt.Errorf("%w %q: bad id", errBadCursor, mark)
	}
	rest = rest[n:]
	if p.key.seq, n = binary.Uvarint(rest); n <= 0 {
		return position{}, fmt.Errorf("%w %q: bad sequence", errBadCursor, mark)
	}
	if len(rest) != n {
		return position{}, fmt.Errorf("%w %q: trailing bytes", errBadCursor, mark)
	}
	return p, nil
}
