package threatqtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadNDJSONPeerSample(t *testing.T) {
	dir := peerDir(t)
	for file, want := range map[string]int{
		"test-threatq-sample-ndjson.log":      10, // no newline at the end
		"test-threatq-no-preserve-ndjson.log": 5,
	} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join(dir, file)
			content, err := os.ReadFile(path)
			if errors.Is(err, os.ErrNotExist) {
				t.Skipf("%s not present", path)
			}
			require.NoError(t, err)
			inds, err := LoadNDJSON(bytes.NewReader(content))
			require.NoError(t, err)
			require.Len(t, inds, want)
			lines := strings.Split(strings.TrimRight(string(content), "\n"), "\n")
			for i, ind := range inds {
				assert.Equal(t, strings.TrimSpace(lines[i]), string(ind))
			}

			// Served through the simulator: byte for byte with fields, and
			// without sources and attributes when fields is absent.
			s := newServer(t, Options{})
			s.SetCollection("someid", inds)
			tok := token(t, s)
			full := fetchPage(t, s, tok, "someid", pageQuery("*", 100)).items(t)
			require.Len(t, full, want)
			servedSet := map[string]bool{}
			for _, it := range full {
				servedSet[string(it)] = true
			}
			for _, ind := range inds {
				assert.True(t, servedSet[string(ind)], "served unchanged: %.80s…", ind)
			}
			bare := fetchPage(t, s, tok, "someid", url.Values{"sort": {"updated_at"}, "cursorMark": {"*"}}).items(t)
			require.Len(t, bare, want)
			for _, it := range bare {
				var m map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(it, &m))
				assert.NotContains(t, m, "sources")
				assert.NotContains(t, m, "attributes")
				assert.Contains(t, m, "value")
			}
		})
	}
}

func TestLoadNDJSON(t *testing.T) {
	long := `{"id":1,"value":"` + strings.Repeat("a", 200<<10) + `"}`
	cases := []struct {
		name    string
		in      string
		want    []string
		errLine string
	}{
		{name: "empty", in: "", want: nil},
		{name: "no final newline", in: "{\"id\":1}\n{\"id\":2}", want: []string{`{"id":1}`, `{"id":2}`}},
		{name: "blank lines and CRLF", in: "\r\n{\"id\":1}\r\n\n  {\"id\":2}  \n\n", want: []string{`{"id":1}`, `{"id":2}`}},
		{name: "any JSON value", in: "1\n\"x\"\n[]\n", want: []string{`1`, `"x"`, `[]`}},
		{name: "line longer than a read buffer", in: long + "\n", want: []string{long}},
		{name: "invalid line", in: "{\"id\":1}\n\n{\"id\":\n", errLine: "line 3"},
		{name: "two values on a line", in: "{} {}\n", errLine: "line 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LoadNDJSON(strings.NewReader(tc.in))
			if tc.errLine != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errLine)
				if tc.name == "invalid line" {
					var syn *json.SyntaxError
					assert.ErrorAs(t, err, &syn)
				}
				return
			}
			require.NoError(t, err)
			var gotS []string
			for _, g := range got {
				gotS = append(gotS, string(g))
			}
			assert.Equal(t, tc.want, gotS)
		})
	}
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

func TestLoadNDJSONReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := LoadNDJSON(failingReader{boom})
	assert.ErrorIs(t, err, boom)
}
