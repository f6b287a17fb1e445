package threatqtest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func validJSONSeeds() []string {
	return []string{
		``, ` `, `{}`, `[]`, `""`, `0`, `-0`, `01`, `1.`, `.5`, `1.5e+10`, `1E5`, `1e`, `-`, `+1`,
		`true`, `tru`, `nulls`, `false `, `{"a":1,}`, `[1,]`, `[,1]`, `{"a" 1}`, `{"a":}`, `{1:2}`,
		`"\u00e9\n\"\\\/"`, `"\x"`, `"\u12G4"`, "\"a\tb\"", "\"\xff\"", `"unterminated`, `{"a":[1,{"b":null}]}`,
		`{} {}`, `[1] x`, " \n{\"a\" : [ true , false ] }\r\n", strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
		strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1), `{"a":{"b":{"c":[[[]]]}}}`,
	}
}

func TestValidJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range validJSONSeeds() {
		assert.Equal(t, json.Valid([]byte(s)), validJSON([]byte(s)), "%.60q", s)
	}
	for _, raw := range Generate(200, 3, t0) {
		assert.True(t, validJSON(raw))
		assert.False(t, validJSON(raw[:len(raw)-1]))
	}
}

func FuzzValidJSON(f *testing.F) {
	for _, s := range validJSONSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validJSON([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Fatalf("validJSON(%q) = %v, json.Valid says %v", s, got, want)
		}
	})
}
