package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestValidAnyDepthMatchesValid: below encoding/json's nesting limit,
// ValidAnyDepth accepts exactly what Valid accepts.
func TestValidAnyDepthMatchesValid(t *testing.T) {
	for _, s := range samples {
		if strings.HasPrefix(s, strings.Repeat("[", 10001)) {
			continue
		}
		if got, want := ValidAnyDepth([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("ValidAnyDepth(%.40q) = %v, encoding/json says %v", s, got, want)
		}
	}
}

// TestValidAnyDepthHasNoLimit: deep but well-formed text is valid, deep
// malformed text is not, whatever the depth.
func TestValidAnyDepthHasNoLimit(t *testing.T) {
	const n = 1_000_000
	for s, want := range map[string]bool{
		strings.Repeat("[", n) + strings.Repeat("]", n):                               true,
		strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n):                     true,
		`{"data":[{"id":1},` + strings.Repeat("[", n) + strings.Repeat("]", n) + `]}`: true,
		strings.Repeat("[", n) + strings.Repeat("]", n-1):                             false,
		strings.Repeat("[", n) + strings.Repeat("}", n):                               false,
		strings.Repeat(`{"a":`, n) + strings.Repeat("}", n):                           false,
		strings.Repeat("[", n) + "1,]" + strings.Repeat("]", n-1):                     false,
	} {
		if got := ValidAnyDepth([]byte(s)); got != want {
			t.Errorf("ValidAnyDepth(%.20q…, %d bytes) = %v, want %v", s, len(s), got, want)
		}
		if Valid([]byte(s)) {
			t.Errorf("Valid accepts %d levels", n)
		}
	}
}

// FuzzValidAnyDepth: on text that cannot nest deeper than encoding/json's
// limit (at most 10 000 opening brackets in all), ValidAnyDepth agrees
// with encoding/json.
func FuzzValidAnyDepth(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if strings.Count(string(b), "[")+strings.Count(string(b), "{") > 10000 {
			return
		}
		if got, want := ValidAnyDepth(b), json.Valid(b); got != want {
			t.Fatalf("ValidAnyDepth(%q) = %v, encoding/json says %v", b, got, want)
		}
	})
}
