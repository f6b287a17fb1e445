package threatq

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// pageCases pin what decodePage makes of a body: the page, or the error.
var pageCases = []struct {
	body         string
	indicators   []string
	total        int64
	invalidTotal bool
	mark         string
	err          string
}{
	{body: `{"total":2,"data":[{"id":1},{"id":2,"value":"a\"b]}"}],"nextCursorMark":"AoE"}`,
		indicators: []string{`{"id":1}`, `{"id":2,"value":"a\"b]}"}`}, total: 2, mark: "AoE"},
	{body: ` {"total": 2 , "data" : [ {"id":1} , [1,2] , "x" , 3 , null , true ] , "nextCursorMark" : "AoE" } `,
		indicators: []string{`{"id":1}`, `[1,2]`, `"x"`, `3`, `null`, `true`}, total: 2, mark: "AoE"},
	{body: `{"data":[],"total":0,"nextCursorMark":"*"}`, indicators: []string{}, mark: "*"},
	// ThreatQ answers an exhausted cursor with {} (or null).
	{body: `{"data":{},"total":5}`, total: 5},
	{body: `{"data":{ },"total":5}`, total: 5},
	{body: `{"data":null}`},
	{body: `{"data":{"a":1}}`, err: "data is an object, not an array of indicators"},
	{body: `{"data":"x"}`, err: "data is not an array"},
	{body: `{"data":3}`, err: "data is not an array"},
	{body: `{"total":1}`, err: "response has no data member"},
	{body: `{}`, err: "response has no data member"},
	// Member names match exactly: no case or Unicode folding.
	{body: `{"Data":[{"id":1}],"TOTAL":1,"NextCursorMark":"Z"}`, err: "response has no data member"},
	{body: `{"dataſ":[]}`, err: "response has no data member"},
	{body: `{"data":[{"id":1}],"total":1,"nextcursormark":"Z","Errors":["x"]}`, indicators: []string{`{"id":1}`}, total: 1},
	// Escapes in names are resolved before matching.
	{body: `{"d\u0061ta":[{"id":1}]}`, indicators: []string{`{"id":1}`}},
	// The last of repeated members wins.
	{body: `{"data":[{"id":1}],"data":[{"id":2}]}`, indicators: []string{`{"id":2}`}},
	{body: `{"total":1,"total":null,"data":[]}`, indicators: []string{}},
	// total is informational: anything but a whole number is ignored.
	{body: `{"total":"1","data":[]}`, indicators: []string{}, invalidTotal: true},
	{body: `{"total":-0,"data":[]}`, indicators: []string{}},
	// nextCursorMark: a string, null or absent.
	{body: `{"data":[],"nextCursorMark":null}`, indicators: []string{}},
	{body: `{"data":[],"nextCursorMark":5}`, err: "nextCursorMark is not a string"},
	{body: `{"data":[],"nextCursorMark":{"a":"b"}}`, err: "nextCursorMark is not a string"},
	{body: `{"data":[],"nextCursorMark":"a\u0041\/"}`, indicators: []string{}, mark: "aA/"},
	// errors: absent or null, else the page fails.
	{body: `{"data":[],"errors":null}`, indicators: []string{}},
	{body: `{"data":[],"errors":[]}`, err: "ThreatQ returned errors"},
	{body: `{"data":[],"errors":["boom"]}`, err: "ThreatQ returned errors"},
	{body: `{"errors":["boom"],"nextCursorMark":1}`, err: "ThreatQ returned errors"},
	// Elements are kept byte for byte, other members skipped whatever they hold.
	{body: `{"data":[{"k":"\\"},{"k":"\\\""}],"other":{"nested":[{"}":"]"}]}}`, indicators: []string{`{"k":"\\"}`, `{"k":"\\\""}`}},
	{body: "{\"data\":[{\"v\":\"\xff\"}]}", indicators: []string{"{\"v\":\"\xff\"}"}},
	// Not JSON, or not an object: encoding/json words the syntax error.
	{body: `{"data":[{"id":1}]`, err: "invalid JSON: unexpected end of JSON input"},
	{body: `{"data":[{"id":1}]}x`, err: "invalid JSON: invalid character 'x' after top-level value"},
	{body: `{"data":[{"id":1}]} {}`, err: "invalid JSON: invalid character '{' after top-level value"},
	{body: `{"data":[{"id":1} {"id":2}]}`, err: "invalid JSON: invalid character '{' after array element"},
	{body: `{"data":[{"id":1,}]}`, err: "invalid JSON: invalid character '}' looking for beginning of object key string"},
	{body: `{"data":[],"other":[1,]}`, err: "invalid JSON: invalid character ']' looking for beginning of value"},
	{body: `[{"id":1}]`, err: "response is not a JSON object"},
	{body: `<html>bad gateway</html>`, err: "response is not a JSON object"},
	{body: ``, err: "response is not a JSON object"},
}

func TestDecodePage(t *testing.T) {
	for _, c := range pageCases {
		t.Run(c.body, func(t *testing.T) {
			p, err := decodePage([]byte(c.body))
			if c.err != "" {
				require.ErrorContains(t, err, "decode page: "+c.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.total, p.Total)
			require.Equal(t, c.invalidTotal, p.TotalInvalid)
			require.Equal(t, c.mark, p.NextCursor)
			require.Empty(t, p.Rejected)
			if c.indicators == nil {
				require.Empty(t, p.Indicators)
				return
			}
			require.Equal(t, c.indicators, rawStrings(p))
		})
	}
}

// TestDecodePageKeepsTheBody: the indicators are sub-slices of the body,
// each with its capacity capped, so they cost no copy and appending to one
// cannot overwrite the next.
func TestDecodePageKeepsTheBody(t *testing.T) {
	body := generatedPage(50)
	p, err := decodePage(body)
	require.NoError(t, err)
	require.Len(t, p.Indicators, 50)
	require.EqualValues(t, 50, p.Total)
	require.Equal(t, "AoEpMTAw", p.NextCursor)
	for i, raw := range p.Indicators {
		require.Equal(t, len(raw), cap(raw), "indicator %d", i)
		off := bytes.Index(body, raw)
		require.GreaterOrEqual(t, off, 0)
		require.Same(t, &body[off], &raw[0], "indicator %d is not in the body", i)
	}
}

// TestDecodePageCursorWithInvalidUTF8 keeps a cursor's bytes, where
// encoding/json would write U+FFFD.
func TestDecodePageCursorWithInvalidUTF8(t *testing.T) {
	body := []byte("{\"total\":1,\"data\":[],\"nextCursorMark\":\"A\xffB\"}")
	p, err := decodePage(body)
	require.NoError(t, err)
	require.Equal(t, "A\xffB", p.NextCursor, "kept byte for byte, to be sent back as received")
}

// FuzzDecodePage: on any body decodePage does not panic; it calls invalid
// exactly the bodies encoding/json refuses (but for an element only too
// deep, rejected alone); and a page it returns has the elements, the
// total and the mark encoding/json reads (member names matched exactly).
func FuzzDecodePage(f *testing.F) {
	for _, c := range pageCases {
		f.Add([]byte(c.body))
	}
	f.Add(generatedPage(3))
	f.Add([]byte(`{"total":3,"data":[{"id":1},` + deep(10001) + `,{"id":3}],"nextCursorMark":"AoE"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodePage(body)
		valid := json.Valid(body)
		if err != nil {
			if strings.Contains(err.Error(), "invalid JSON") && valid {
				t.Fatalf("encoding/json accepts %q: %v", body, err)
			}
			return
		}
		if !valid {
			if len(p.Rejected) == 0 {
				t.Fatalf("encoding/json refuses %q, decodePage accepts it", body)
			}
			return
		}
		var env map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(body, &env))
		var data []json.RawMessage
		if d := bytes.TrimSpace(env["data"]); len(d) > 0 && d[0] == '[' {
			require.NoError(t, json.Unmarshal(d, &data))
		}
		require.Empty(t, p.Rejected)
		require.Equal(t, len(data), len(p.Indicators))
		for i := range data {
			require.Equal(t, string(data[i]), string(p.Indicators[i]))
		}
		if total, invalid := parseTotal(bytes.TrimSpace(env["total"])); !invalid {
			require.Equal(t, total, p.Total)
		}
		var mark *string
		if json.Unmarshal(env["nextCursorMark"], &mark) == nil && mark != nil && strings.ToValidUTF8(*mark, "") == *mark && !strings.Contains(*mark, "\ufffd") {
			require.Equal(t, *mark, p.NextCursor)
		}
	})
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
	body := generatedPage(1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodePage(body)
		if err != nil || len(p.Indicators) != 1000 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/indicator")
}

// BenchmarkDecodePageCopied is BenchmarkDecodePage with every indicator
// copied out of the body, as a decoder that does not keep the body would
// return them: the cost that Page.Release and the pooled buffers avoid.
func BenchmarkDecodePageCopied(b *testing.B) {
	body := generatedPage(1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodePage(body)
		if err != nil || len(p.Indicators) != 1000 {
			b.Fatal(err)
		}
		for i, raw := range p.Indicators {
			p.Indicators[i] = bytes.Clone(raw)
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
