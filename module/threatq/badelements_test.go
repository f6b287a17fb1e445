package threatq

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// deep is a JSON value nested n levels deep.
func deep(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// TestMalformedTotalIsIgnored: total is informational; one that is not a
// whole number is ignored (and reported), the page is used.
func TestMalformedTotalIsIgnored(t *testing.T) {
	for _, total := range []string{`1.5`, `"12"`, `1e3`, `{"value":3}`, `[1]`, `true`, `99999999999999999999`} {
		body := `{"total":` + total + `,"data":[{"id":1},{"id":2}],"nextCursorMark":"AoE"}`
		p, err := decodePage([]byte(body))
		require.NoError(t, err, total)
		require.Len(t, p.Indicators, 2, total)
		require.True(t, p.TotalInvalid, total)
		require.Zero(t, p.Total, total)
		require.Equal(t, "AoE", p.NextCursor)
		requireSameDecoding(t, []byte(body))
	}
	p, err := decodePage([]byte(`{"total":7,"data":[]}`))
	require.NoError(t, err)
	require.False(t, p.TotalInvalid)
	require.EqualValues(t, 7, p.Total)
}

// TestTooDeepElementIsRejectedAlone: an element nested deeper than the
// decoder allows is taken out of the page with its position and reason;
// the other elements and the cursor are kept.
func TestTooDeepElementIsRejectedAlone(t *testing.T) {
	body := `{"total":3,"data":[{"id":1},{"id":2,"x":` + deep(100000) + `},{"id":3}],"nextCursorMark":"AoE"}`
	for name, decode := range map[string]func([]byte) (*Page, error){"decodePage": decodePage, "decodePageGeneral": decodePageGeneral} {
		p, err := decode([]byte(body))
		require.NoError(t, err, name)
		require.Equal(t, []string{`{"id":1}`, `{"id":3}`}, rawStrings(p), name)
		require.Equal(t, []Rejected{{Position: 1, Reason: "nested deeper than 10000 levels"}}, p.Rejected, name)
		require.Equal(t, "AoE", p.NextCursor, name)
		require.EqualValues(t, 3, p.Total, name)
		require.Equal(t, 0, p.Position(0), name)
		require.Equal(t, 2, p.Position(1), name)
	}
}

// TestPagesThatAreNotJSONStillFail: a body that is not JSON, or is too deep
// outside data, is an error as before.
func TestPagesThatAreNotJSONStillFail(t *testing.T) {
	for _, body := range []string{
		`<html>` + deep(20000) + `</html>`,
		`{"total":3,"data":[{"id":1},` + deep(20000)[:30000] + `],"nextCursorMark":"AoE"}`,
		`{"total":3,"data":[{"id":1}],"other":` + deep(20000) + `,"nextCursorMark":"AoE"}`,
		deep(20000),
	} {
		_, err := decodePage([]byte(body))
		require.Error(t, err, "%.40s", body)
		requireSameDecoding(t, []byte(body))
	}
}

// TestWalkGoesOnAfterABadElement: through the client, a page with a
// malformed total and a too-deep element yields the other indicators and
// the walk continues with its cursor.
func TestWalkGoesOnAfterABadElement(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.InjectFault(threatqtest.Fault{Body: `{"total":"many","data":[{"id":1},` + deep(100000) + `,{"id":3}],"nextCursorMark":""}`})
	p, err := simClient(t, sim).Walk("c", "").Next(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{`{"id":1}`, `{"id":3}`}, rawStrings(p))
	require.True(t, p.TotalInvalid)
	require.Len(t, p.Rejected, 1)
}

func rawStrings(p *Page) []string {
	out := make([]string, len(p.Indicators))
	for i, r := range p.Indicators {
		out[i] = string(r)
	}
	return out
}
