package threatqtest

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCursorRoundTrip(t *testing.T) {
	positions := []position{
		{start: true},
		{key: sortKey{updated: 1605398402, id: 106767, seq: 5}},
		{key: sortKey{updated: noValue, id: noValue}},
		{key: sortKey{updated: math.MaxInt64, id: -1, seq: math.MaxUint64}},
	}
	for _, p := range positions {
		for _, end := range []bool{false, true} {
			mark := encodeCursor(p, end)
			got, err := decodeCursor(mark)
			require.NoError(t, err, mark)
			assert.Equal(t, p, got, mark)
		}
	}
	// Like Elastic's mock: "Ao…" for a page, "Bo…" for the empty page after.
	p := position{key: sortKey{updated: 1605398402, id: 106767}}
	assert.Equal(t, "A", encodeCursor(p, false)[:1])
	assert.Equal(t, "B", encodeCursor(p, true)[:1])
	assert.Equal(t, encodeCursor(p, false)[1:], encodeCursor(p, true)[1:])
}

func TestCursorStartSpellings(t *testing.T) {
	for _, mark := range []string{"*", ""} {
		p, err := decodeCursor(mark)
		require.NoError(t, err)
		assert.True(t, p.start)
	}
}

func TestCursorMalformed(t *testing.T) {
	good := encodeCursor(position{key: sortKey{updated: 1, id: 2, seq: 3}}, false)
	for _, mark := range []string{
		"**",
		"not base64",
		"AoJ9z5LKnvwCJjEwNjk2Nw",   // missing padding
		"AA==",                     // format bit unset
		"/w==",                     // unknown bits
		"Aw==AA==",                 // two marks glued
		good[:len(good)-4],         // truncated
		"AoJ9z5LKnvwCJjEwNjk2Nw==", // the mock's mark is not ours: trailing bytes
	} {
		_, err := decodeCursor(mark)
		assert.ErrorIs(t, err, errBadCursor, mark)
	}
	p, err := decodeCursor("Aw==") // 0x03: a start mark
	require.NoError(t, err)
	assert.True(t, p.start)
}
