package threatq

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// pageBodies are envelopes the fast and the general decoder must agree on.
var pageBodies = []string{
	`{"total":2,"data":[{"id":1},{"id":2,"value":"a\"b]}"}],"nextCursorMark":"AoE"}`,
	` {"total": 2 , "data" : [ {"id":1} , [1,2] , "x" , 3 , null , true ] , "nextCursorMark" : "AoE" } `,
	`{"data":[],"total":0,"nextCursorMark":"*"}`,
	`{"data":{},"total":5}`,
	`{"data":{ },"total":5}`,
	`{"data":null}`,
	`{"data":{"a":1}}`,
	`{"data":"x"}`,
	`{"data":3}`,
	`{"total":1}`,
	`{}`,
	`{"Data":[{"id":1}],"TOTAL":1,"NextCursorMark":"Z"}`,
	`{"data":[{"id":1}],"data":[{"id":2}]}`,
	`{"total":1,"total":null,"data":[]}`,
	`{"total":"1","data":[]}`,
	`{"total":1.5,"data":[]}`,
	`{"total":1e3,"data":[]}`,
	`{"total":-0,"data":[]}`,
	`{"data":[],"nextCursorMark":null}`,
	`{"data":[],"nextCursorMark":5}`,
	`{"data":[],"nextCursorMark":"a\u0041"}`,
	`{"data":[],"errors":null}`,
	`{"data":[],"errors":[]}`,
	`{"data":[],"errors":["boom"]}`,
	`{"d\u0061ta":[{"id":1}]}`,
	`{"data":[{"k":"\\"},{"k":"\\\""}],"other":{"nested":[{"}":"]"}]}}`,
	`{"dataſ":[]}`,
	`{"data":[{"id":1}]`,
	`{"data":[{"id":1}]}x`,
	`[{"id":1}]`,
	`<html>bad gateway</html>`,
	``,
}

// TestScanPageAgreesWithEncodingJSON decodes every body both ways.
func TestScanPageAgreesWithEncodingJSON(t *testing.T) {
	for _, body := range pageBodies {
		t.Run(body, func(t *testing.T) { requireSameDecoding(t, []byte(body)) })
	}
}

// TestScanPageTakesTheFastPath makes sure ordinary pages do not fall back.
func TestScanPageTakesTheFastPath(t *testing.T) {
	body := generatedPage(50)
	p, ok := scanPage(body)
	require.True(t, ok)
	require.Len(t, p.Indicators, 50)
	requireSameDecoding(t, body)

	// null members and a last page without a cursor stay on the fast path.
	for _, body := range []string{
		`{"total":null,"data":[{"id":1}],"nextCursorMark":"AoE"}`,
		`{"total":3,"data":[],"nextCursorMark":null,"errors":null}`,
	} {
		_, ok := scanPage([]byte(body))
		require.True(t, ok, body)
		requireSameDecoding(t, []byte(body))
	}
}

// TestScanPageCursorWithInvalidUTF8 leaves a cursor encoding/json would
// change (invalid UTF-8 becomes U+FFFD) to the general decoder, which
// keeps its bytes.
func TestScanPageCursorWithInvalidUTF8(t *testing.T) {
	body := []byte("{\"total\":1,\"data\":[],\"nextCursorMark\":\"A\xffB\"}")
	_, ok := scanPage(body)
	require.False(t, ok)
	requireSameDecoding(t, body)
	p, err := decodePage(body)
	require.NoError(t, err)
	require.Equal(t, "A\xffB", p.NextCursor, "kept byte for byte, to be sent back as received")
}

func requireSameDecoding(t *testing.T, body []byte) {
	t.Helper()
	want, wantErr := decodePageGeneral(body)
	got, gotErr := decodePage(body)
	if wantErr != nil {
		require.EqualError(t, gotErr, wantErr.Error())
		return
	}
	require.NoError(t, gotErr)
	require.Equal(t, want.Total, got.Total)
	require.Equal(t, want.TotalInvalid, got.TotalInvalid)
	require.Equal(t, want.Rejected, got.Rejected)
	require.Equal(t, want.NextCursor, got.NextCursor)
	require.Equal(t, len(want.Indicators), len(got.Indicators))
	for i := range want.Indicators {
		require.JSONEq(t, string(want.Indicators[i]), string(got.Indicators[i]), "indicator %d", i)
		require.Equal(t, string(want.Indicators[i]), string(got.Indicators[i]), "indicator %d", i)
	}
}

// FuzzDecodePage checks that both decoders agree on arbitrary bodies.
func FuzzDecodePage(f *testing.F) {
	for _, b := range pageBodies {
		f.Add([]byte(b))
	}
	f.Add(generatedPage(3))
	f.Fuzz(func(t *testing.T, body []byte) { requireSameDecoding(t, body) })
}

// generatedPage is a page of n indicators as the simulator generates them.
func generatedPage(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"total":`)
	fmt.Fprint(&b, n)
	b.WriteString(`,"data":[`)
	for i, raw := range threatqtest.Generate(n, 1, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(raw)
	}
	b.WriteString(`],"nextCursorMark":"AoEpMTAw"}`)
	return []byte(b.String())
}

// BenchmarkDecodePage decodes a page of 1000 generated indicators (about
// 2 KB each): the envelope and the split into raw indicators.
func BenchmarkDecodePage(b *testing.B) {
	benchmarkDecode(b, decodePage)
}

// BenchmarkDecodePageEncodingJSON is the same page through encoding/json
// alone, for comparison.
func BenchmarkDecodePageEncodingJSON(b *testing.B) {
	benchmarkDecode(b, decodePageGeneral)
}

func benchmarkDecode(b *testing.B, decode func([]byte) (*Page, error)) {
	body := generatedPage(1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decode(body)
		if err != nil || len(p.Indicators) != 1000 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/indicator")
}

func TestPageLacksSourcesAndAttributes(t *testing.T) {
	page := func(raws ...string) *Page {
		p := &Page{}
		for _, r := range raws {
			p.Indicators = append(p.Indicators, json.RawMessage(r))
		}
		return p
	}
	require.True(t, page(`{"id":1}`, `{"id":2}`).LacksSourcesAndAttributes())
	require.False(t, page(`{"id":1}`, `{"id":2,"sources":[]}`).LacksSourcesAndAttributes())
	require.False(t, page(`{"id":1,"attributes":[]}`).LacksSourcesAndAttributes())
	require.False(t, page().LacksSourcesAndAttributes(), "an empty page says nothing")
}
