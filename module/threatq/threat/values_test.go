package threat

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestURLFields(t *testing.T) {
	tests := map[string]map[string]any{
		"https://u:p@evil.example.com:8443/a/b.tar.gz?q=1#f": {
			"original": "https://u:p@evil.example.com:8443/a/b.tar.gz?q=1#f", "full": "https://u:p@evil.example.com:8443/a/b.tar.gz?q=1#f",
			"scheme": "https", "domain": "evil.example.com", "port": int64(8443), "path": "/a/b.tar.gz",
			"extension": "gz", "query": "q=1", "fragment": "f", "username": "u", "password": "p",
		},
		"http://[2001:db8::1]/x.d/y": {"original": "http://[2001:db8::1]/x.d/y", "full": "http://[2001:db8::1]/x.d/y",
			"scheme": "http", "domain": "2001:db8::1", "path": "/x.d/y"},
		"http://h.example:99999/": {"original": "http://h.example:99999/", "full": "http://h.example:99999/",
			"scheme": "http", "domain": "h.example", "path": "/"},
		"89.160.20.156:8080/maf.html": {"original": "89.160.20.156:8080/maf.html", "full": "89.160.20.156:8080/maf.html"},
		"example.com/x":               {"original": "example.com/x", "full": "example.com/x"},
		"mailto:a@example.com":        {"original": "mailto:a@example.com", "full": "mailto:a@example.com"},
	}
	for in, want := range tests {
		got := map[string]any(urlFields(in))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("urlFields(%q) (-want +got):\n%s", in, diff)
		}
	}
}

func TestValueLong(t *testing.T) {
	for in, want := range map[string]int64{`336`: 336, `"336"`: 336, `4.0`: 4, `-1`: -1, `1e2`: 100} {
		var v value
		v.set([]byte(in))
		n, ok, err := v.long()
		require.NoError(t, err, in)
		assert.True(t, ok, in)
		assert.Equal(t, want, n, in)
	}
	for _, in := range []string{`null`, `""`} {
		var v value
		v.set([]byte(in))
		_, ok, err := v.long()
		assert.NoError(t, err, in)
		assert.False(t, ok, in)
	}
	for _, in := range []string{`4.5`, `"abc"`, `true`, `{}`, `[]`, `1e400`, `9223372036854775808`} {
		var v value
		v.set([]byte(in))
		_, ok, err := v.long()
		assert.Error(t, err, in)
		assert.False(t, ok, in)
	}
}

// TestNormaliseAttributeNameMatchesStringsPackage compares the one-pass
// normalisation with strings.ToLower followed by strings.ReplaceAll.
func TestNormaliseAttributeNameMatchesStringsPackage(t *testing.T) {
	for _, name := range []string{
		"", "Description", "AlienVault Threat Level", "already_lower", "  two  spaces ", "MIXED case 42",
		"Straße Name", "ÄÖÜ Länder", "İstanbul", "tab\tand\nnewline", "K\u212a Kelvin", "\xff\xfe bad utf8",
	} {
		want := strings.ReplaceAll(strings.ToLower(name), " ", "_")
		if got := normaliseAttributeName(name); got != want {
			t.Errorf("normaliseAttributeName(%q) = %q, want %q", name, got, want)
		}
	}
}

func FuzzNormaliseAttributeName(f *testing.F) {
	f.Add("AlienVault Threat Level")
	f.Add("Straße Name")
	f.Fuzz(func(t *testing.T, name string) {
		want := strings.ReplaceAll(strings.ToLower(name), " ", "_")
		if got := normaliseAttributeName(name); got != want {
			t.Errorf("normaliseAttributeName(%q) = %q, want %q", name, got, want)
		}
	})
}
