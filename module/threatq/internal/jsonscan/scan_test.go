package jsonscan

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

var samples = []string{
	``, ` `, `{}`, `[]`, `""`, `0`, `-0`, `01`, `-`, `1.`, `1.5`, `1e5`, `1E+5`, `1e`, `1e+`, `.5`,
	`true`, `tru`, `false`, `null`, `nul`, `nullx`, `{"a":1}`, `{"a":1,}`, `{"a" 1}`, `{a:1}`,
	`[1,2,]`, `[,]`, `[1 2]`, `{"a":[1,{"b":null}],"c":"d"}`, `"\u00e9"`, `"\u00g9"`, `"\x"`,
	`"a\"b"`, `"\\"`, "\"a\tb\"", "\"\x7f\"", "\"\xff\xfe\"", ` {"a" : [ true , false ] } `,
	`{"a":1}}`, `[[[]]]`, `[[[]]`, `"`, `"\`, `"\u12`, `{"a":}`, `{"":""}`, `[-]`, `[-01]`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	`1.5e+10`, `+1`, `nulls`, `false `, `[1,]`, `[,1]`, `{1:2}`, `"\u00e9\n\"\\\/"`, `"\u12G4"`,
	`"unterminated`, `{} {}`, `[1] x`, " \n{\"a\" : [ true , false ] }\r\n", `{"a":{"b":{"c":[[[]]]}}}`,
}

func TestValidMatchesEncodingJSON(t *testing.T) {
	for _, s := range samples {
		if got, want := Valid([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("Valid(%.40q) = %v, encoding/json says %v", s, got, want)
		}
	}
}

func TestSkip(t *testing.T) {
	for _, s := range []string{`{"a":"}\"]"}`, `[1,[2],{"x":[]}]`, `"a\\"`, `"\\\""`, `"\\\\\"\\"`, `["\"", "\\", "x\\\\"]`, `""`, `123`, `true`, `null`} {
		b := []byte(" " + s + " ,")
		if got := Skip(b, 0); got != len(s)+1 {
			t.Errorf("Skip(%q) = %d, want %d", s, got, len(s)+1)
		}
	}
}

func FuzzValid(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := Valid(b), json.Valid(b); got != want {
			t.Fatalf("Valid(%q) = %v, encoding/json says %v", b, got, want)
		}
	})
}

func BenchmarkValid(b *testing.B) {
	doc := []byte(`{"id":336,"value":"89.160.20.156","attributes":[{"name":"Description","value":"Malicious Host \u00e9"},{"name":"Country","value":"MP"}],"score":4.5e0,"status":{"id":1,"name":"Active"},"flag":true,"x":null}`)
	doc = []byte("[" + strings.Repeat(string(doc)+",", 999) + string(doc) + "]")
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if !Valid(doc) {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkValidEncodingJSON(b *testing.B) {
	doc := []byte(`{"id":336,"value":"89.160.20.156","attributes":[{"name":"Description","value":"Malicious Host \u00e9"},{"name":"Country","value":"MP"}],"score":4.5e0,"status":{"id":1,"name":"Active"},"flag":true,"x":null}`)
	doc = []byte("[" + strings.Repeat(string(doc)+",", 999) + string(doc) + "]")
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if !json.Valid(doc) {
			b.Fatal("invalid")
		}
	}
}

// TestValidStringWordBoundaries puts each kind of byte at every position of
// strings longer than the 8-byte words str checks at once.
func TestValidStringWordBoundaries(t *testing.T) {
	for _, c := range []string{"\x00", "\x1f", "\t", "\"", "\\", "\\q", "\\n", "\\u00e9", "\x7f", "\xc3\xa9", "\xff", " "} {
		for pos := 0; pos <= 20; pos++ {
			s := []byte(`"` + strings.Repeat("a", pos) + c + strings.Repeat("b", 20-pos) + `"`)
			if got, want := Valid(s), json.Valid(s); got != want {
				t.Errorf("Valid(%q) = %v, encoding/json says %v", s, got, want)
			}
		}
	}
}

func TestEachMemberAndEachElement(t *testing.T) {
	var got []string
	ok := EachMember([]byte(`{ "a" : [1, {"b":2}] , "c":"x\"y" ,"d":null }`), func(key, v []byte) bool {
		got = append(got, string(key)+"="+string(v))
		return true
	})
	if want := []string{`a=[1, {"b":2}]`, `c="x\"y"`, `d=null`}; !ok || !slices.Equal(got, want) {
		t.Fatalf("EachMember: %v %q, want %q", ok, got, want)
	}
	if EachMember([]byte(`{"a\u0062":1}`), func(_, _ []byte) bool { return true }) {
		t.Fatal("EachMember accepted a name with an escape")
	}
	if !EachMember([]byte(`{ }`), func(_, _ []byte) bool { t.Fatal("called for {}"); return true }) {
		t.Fatal("EachMember({ })")
	}

	got = got[:0]
	ok = EachElement([]byte(`[ 1 , "a]" ,{"b":[2]} ]`), func(e []byte) bool {
		got = append(got, string(e))
		return len(got) < 2 // stop after the second
	})
	if want := []string{`1`, `"a]"`}; ok || !slices.Equal(got, want) {
		t.Fatalf("EachElement: %v %q, want false %q", ok, got, want)
	}
	if !EachElement([]byte(`[]`), func([]byte) bool { t.Fatal("called for []"); return true }) {
		t.Fatal("EachElement([])")
	}
}
