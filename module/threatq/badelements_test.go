package threatq

import (
	"context"
	"encoding/json"
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
	p, err := decodePage([]byte(body))
	require.NoError(t, err)
	require.Equal(t, []string{`{"id":1}`, `{"id":3}`}, rawStrings(p))
	require.Equal(t, []Rejected{{Position: 1, Reason: "nested deeper than 10000 levels"}}, p.Rejected)
	require.Equal(t, "AoE", p.NextCursor)
	require.EqualValues(t, 3, p.Total)
	require.Equal(t, 0, p.Position(0))
	require.Equal(t, 2, p.Position(1))
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

// TestTooDeepCountsFromThePageRoot: the page object and data hold two
// levels, so an element may nest 9 998 levels itself; every element nested
// deeper is rejected, the others kept in order.
func TestTooDeepCountsFromThePageRoot(t *testing.T) {
	body := `{"data":[` + deep(9998) + `,` + deep(9999) + `,{"id":2},` + deep(50000) + `,{"a":` + deep(20000) + `}],"nextCursorMark":"AoE"}`
	p, err := decodePage([]byte(body))
	require.NoError(t, err)
	require.Equal(t, []string{deep(9998), `{"id":2}`}, rawStrings(p))
	require.Equal(t, []Rejected{{1, tooDeepReason}, {3, tooDeepReason}, {4, tooDeepReason}}, p.Rejected)
	require.Equal(t, "AoE", p.NextCursor)
}

// TestTooDeepHasNoLimit: an element a million levels deep is checked
// without recursion and rejected alone.
func TestTooDeepHasNoLimit(t *testing.T) {
	const n = 1_000_000
	for _, elem := range []string{deep(n), strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n)} {
		p, err := decodePage([]byte(`{"data":[{"id":1},` + elem + `],"nextCursorMark":"AoE"}`))
		require.NoError(t, err)
		require.Equal(t, []string{`{"id":1}`}, rawStrings(p))
		require.Equal(t, []Rejected{{1, tooDeepReason}}, p.Rejected)
	}
}

// TestTooDeepMalformedElementFailsThePage: an element is rejected alone
// only when it is well-formed; otherwise its end is unknown and the page
// fails.
func TestTooDeepMalformedElementFailsThePage(t *testing.T) {
	for _, elem := range []string{
		strings.Repeat("[", 10001) + "1,]" + strings.Repeat("]", 10000),
		strings.Repeat("[", 10001) + strings.Repeat("}", 10001),
		strings.Repeat(`{"a":`, 10001) + strings.Repeat("}", 10001),
	} {
		_, err := decodePage([]byte(`{"data":[{"id":1},` + elem + `]}`))
		require.ErrorContains(t, err, "invalid JSON")
	}
}

// FuzzValueEnd: below encoding/json's depth limit, valueEnd accepts exactly
// the values encoding/json accepts, and ends where they end.
func FuzzValueEnd(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `""`, `0`, `-0`, `01`, `1.`, `1.5e+3`, `true`, `nul`, `{"a":[1,{"b":null}],"c":"d"}`,
		`"\u00e9\n\"\\\/"`, `"\u12G4"`, "\"\xff\"", "\"a\x01\"", `[1,]`, `{"a" 1}`, `{"a":1,}`, `[1 2]`, `{1:2}`, ` [ 1 , { } ] `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if strings.Count(string(b), "[")+strings.Count(string(b), "{") > 9000 {
			return
		}
		i := skipSpace(b, 0)
		end, _, ok := valueEnd(b, i)
		valid := ok && skipSpace(b, end) == len(b)
		if valid != json.Valid(b) {
			t.Fatalf("valueEnd(%q) = %d, %v; encoding/json says %v", b, end, ok, json.Valid(b))
		}
	})
}
