package threat

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// stringsOf calls fn with the dotted name and value of every string leaf.
func stringsOf(doc map[string]any, prefix string, fn func(name, v string)) {
	for k, v := range doc {
		name := strings.TrimPrefix(prefix+"."+k, ".")
		switch v := v.(type) {
		case string:
			fn(name, v)
		case map[string]any:
			stringsOf(v, name, fn)
		case []any:
			for _, e := range v {
				switch e := e.(type) {
				case string:
					fn(name, e)
				case map[string]any:
					stringsOf(e, name, fn)
				}
			}
		}
	}
}

// TestErrorMessageQuotesAPrefix: a bad value of a megabyte is quoted in
// error.message by its first bytes and its length, not whole.
func TestErrorMessageQuotesAPrefix(t *testing.T) {
	junk := strings.Repeat("é", 1<<19) // 1 MiB of two-byte runes
	raw := fmt.Sprintf(`{"id":1,"updated_at":"2024-01-01 00:00:00","created_at":%q,"score":"1.5%s","type":{"name":"IP Address"},"value":%q}`,
		junk, strings.Repeat("0", 1<<20), junk)
	ev, err := Map([]byte(raw), baseSettings(), fixedCreated)
	require.NoError(t, err)
	doc := eventDoc(t, ev)
	msgs := docField(doc, "error.message").([]any)
	for _, m := range msgs {
		m := m.(string)
		require.Less(t, len(m), 256, "error.message quotes too much: %.300s", m)
		require.True(t, utf8.ValidString(m))
	}
	all := fmt.Sprint(msgs)
	for _, want := range []string{
		`created_at: "` + strings.Repeat("é", 32) + `"… (1048576 bytes) is not a time`,
		`score: "1.5` + strings.Repeat("0", 61) + `"… (1048579 bytes) is not a whole number`,
		`value: "` + strings.Repeat("é", 32) + `"… (1048576 bytes) is not an IP address`,
	} {
		require.Contains(t, all, want)
	}
	require.Less(t, len(fmt.Sprint(doc)), MaxValueBytes+8<<10, "the event stays small: quoted prefixes, and the value capped")
}

// TestLongValuesAreCapped: string values longer than MaxValueBytes (and an
// event.original longer than MaxOriginalBytes) are cut at a character
// boundary; threatq.truncated names each cut field with its original
// length and error.message says so.
func TestLongValuesAreCapped(t *testing.T) {
	long := strings.Repeat("a", MaxValueBytes-1) + "ü" + strings.Repeat("b", 100<<10) // ü straddles the cut
	huge := strings.Repeat("c", 2<<20)
	raw := fmt.Sprintf(`{"id":7,"updated_at":"2024-01-01 00:00:00","type":{"name":"FQDN"},"value":%q,"description":%q,`+
		`"attributes":[{"name":"Note","value":%q},{"name":"Country","value":"US"}]}`, long, long, huge)
	s := baseSettings()
	s.PreserveOriginalEvent = true
	ev, err := Map([]byte(raw), s, fixedCreated)
	require.NoError(t, err)
	doc := eventDoc(t, ev)

	stringsOf(doc, "", func(name, v string) {
		limit := MaxValueBytes
		if name == "event.original" {
			limit = MaxOriginalBytes
		}
		require.LessOrEqual(t, len(v), limit, name)
		require.True(t, utf8.ValidString(v), name)
	})
	require.Equal(t, strings.Repeat("a", MaxValueBytes-1), docField(doc, "threat.indicator.description"), "cut before the rune that does not fit")
	require.Len(t, docField(doc, "event.original"), MaxOriginalBytes)
	require.Equal(t, []any{"US"}, docField(doc, "threatq.attributes.country"))

	got := map[string]float64{}
	for _, e := range docField(doc, "threatq.truncated").([]any) {
		e := e.(map[string]any)
		got[e["field"].(string)] = e["original_bytes"].(float64)
	}
	want := map[string]float64{
		"threat.indicator.description": float64(len(long)),
		"threat.indicator.url.domain":  float64(len(long)),
		"threatq.indicator_value":      float64(len(long)),
		"threatq.attributes.note":      float64(len(huge)),
		"event.original":               float64(len(raw)),
	}
	require.Equal(t, want, got)
	msgs := fmt.Sprint(docField(doc, "error.message"))
	require.Contains(t, msgs, fmt.Sprintf("threat.indicator.description: %d bytes, cut to the first %d", len(long), MaxValueBytes-1))
}

// docField reads a dotted path of a decoded event.
func docField(doc map[string]any, path string) any {
	var cur any = doc
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}
