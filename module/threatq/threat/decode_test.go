package threat

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

func str(s string) value { return value{kind: kindString, text: s} }
func num(s string) value { return value{kind: kindNumber, text: s} }

var (
	null     = value{kind: kindNull}
	objValue = value{kind: kindObject}
)

// decodeCases pin what the decoder reads from an indicator object: the
// fields it fills and the errors it reports.
var decodeCases = []struct {
	name, raw string
	want      indicator
	errs      []string
}{
	{name: "empty object", raw: `{}`},
	{
		name: "member names match exactly: no case or Unicode folding",
		raw:  `{"ID":5,"Value":"v","ſcore":3,"Related_Malware_Count":"4","related_x_count":1,"status":{"NAME":"x"}}`,
		want: indicator{Status: named{kind: kindObject}},
	},
	{
		name: "escapes in member names are resolved before matching",
		raw:  `{"\u0069d":7,"v\u0061lue":"v"}`,
		want: indicator{ID: num("7"), Value: str("v")},
	},
	{
		name: "a repeated member: the last one wins",
		raw:  `{"id":1,"id":"2","value":null,"value":{"x":1},"type":{"name":"a","name":"b"},"tags":["a"],"tags":["b"]}`,
		want: indicator{ID: str("2"), Value: objValue, Type: named{kind: kindObject, name: str("b")}, Tags: []named{{kind: kindString, name: str("b")}}},
	},
	{
		name: "null members",
		raw:  `{"id":null,"type":null,"tags":null,"adversaries":["a"],"adversaries":null,"attributes":[null,{"name":"A","value":null}],"sources":[],"sources":null}`,
		want: indicator{ID: null, Type: named{kind: kindNull}, Attributes: []*attribute{nil, {Name: str("A"), Value: null}}},
	},
	{
		name: "names: objects, strings and other kinds",
		raw:  `{"type":"IP Address","status":{"id":1,"name":"Active","name2":"x"},"tags":["a",{"name":"b"},null,5,[1],{"id":2},{"name":1}]}`,
		want: indicator{
			Type:   named{kind: kindString, name: str("IP Address")},
			Status: named{kind: kindObject, name: str("Active")},
			Tags: []named{{kind: kindString, name: str("a")}, {kind: kindObject, name: str("b")}, {kind: kindNull},
				{kind: kindNumber}, {kind: kindArray}, {kind: kindObject}, {kind: kindObject, name: num("1")}},
		},
	},
	{
		name: "arrays of the wrong kind are skipped and reported, each one",
		raw:  `{"id":1,"tags":"x","adversaries":{"name":"x"},"attributes":true,"sources":5}`,
		want: indicator{ID: num("1")},
		errs: []string{
			"tags: is a JSON string, not an array; dropped",
			"adversaries: is a JSON object, not an array; dropped",
			"attributes: is a JSON bool, not an array; dropped",
			"sources: is a JSON number, not an array; dropped",
		},
	},
	{
		name: "an element of the wrong kind is reported and keeps its place",
		raw:  `{"attributes":[{"name":"A","value":1},"x",{"NAME":"y","value":2}],"sources":[[1],{"name":"S","tlp_name":"AMBER","TLP_NAME":"x"}]}`,
		want: indicator{
			Attributes: []*attribute{{Name: str("A"), Value: num("1")}, {}, {Value: num("2")}},
			Sources:    []*source{{}, {Name: str("S"), TLPName: str("AMBER")}},
		},
		errs: []string{"attributes[1]: is a JSON string, not an object; dropped", "sources[0]: is a JSON array, not an object; dropped"},
	},
	{
		name: "unknown members of any shape are skipped",
		raw:  ` { "id" : 1 , "unknown" : {"deep":[1,2,{"a":"}"}]}, "status_id":1, "tags" : [ "a" , "b" ] , "attributes" : [ ] } `,
		want: indicator{ID: num("1"), Tags: []named{{kind: kindString, name: str("a")}, {kind: kindString, name: str("b")}}, Attributes: []*attribute{}},
	},
	{
		name: "related counts",
		raw:  `{"related_indicator_count":3,"related_vulnerability_count":"4","related_adversary_count":null}`,
		want: func() (ind indicator) {
			ind.relatedCounts.counts[0] = null
			ind.relatedCounts.counts[10] = num("3")
			ind.relatedCounts.counts[21] = str("4")
			return ind
		}(),
	},
	{
		name: "strings: escapes resolved, invalid UTF-8 and lone surrogates replaced",
		raw:  "{\"value\":\"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\",\"description\":\"\\u0000\\ud800x\xffy\",\"class\":true,\"hash\":-1.5e3}",
		want: indicator{Value: str("a\"b\\cé😀"), Description: str("\x00\ufffdx\ufffdy"), Class: value{kind: kindBool, text: "true"}, Hash: num("-1.5e3")},
	},
}

func TestDecodeIndicator(t *testing.T) {
	for _, c := range decodeCases {
		t.Run(c.name, func(t *testing.T) {
			var got indicator
			var errs fieldErrors
			require.NoError(t, decodeIndicator([]byte(c.raw), &got, &errs))
			if diff := cmp.Diff(c.want, got, cmp.AllowUnexported(indicator{}, value{}, named{}, attribute{}, source{}, relatedCounts{})); diff != "" {
				t.Errorf("%s (-want +got):\n%s", c.raw, diff)
			}
			require.Equal(t, c.errs, errs.msgs)
		})
	}
}

// TestDecodeIndicatorRejects: input that is not a JSON object fails, with
// encoding/json's wording for a syntax error in an object, including in
// members the mapping does not read.
func TestDecodeIndicatorRejects(t *testing.T) {
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	for raw, want := range map[string]string{
		``:                               "empty input",
		" \n":                            "empty input",
		`null`:                           "JSON value is null, not an object",
		`[{"id":1}]`:                     "JSON value is an array, not an object",
		` "x" `:                          "JSON value is a string, not an object",
		`42`:                             "JSON value is a number, not an object",
		`true`:                           "JSON value is a boolean, not an object",
		`[1,]`:                           "invalid JSON",
		`"x" "y"`:                        "invalid JSON",
		`{"id": 1, "value": "x",`:        "invalid JSON: unexpected end of JSON input",
		`{"id":1,}`:                      "invalid JSON: invalid character '}' looking for beginning of object key string",
		`{"id":1} x`:                     "invalid JSON: invalid character 'x' after top-level value",
		`{"id":1}{"id":2}`:               "invalid JSON: invalid character '{' after top-level value",
		`{"id":1,"x":[1,]}`:              "invalid JSON: invalid character ']' looking for beginning of value",
		`{"id":1,"x":"a` + "\x01" + `"}`: "invalid JSON: invalid character '\\x01' in string literal",
		`{"id":1,"x":` + deep + `}`:      "invalid JSON: invalid character '[' exceeded max depth",
		`{"tags":[{"name":"a"},}`:        "invalid JSON: invalid character '}' looking for beginning of value",
		`{1:2}`:                          "invalid JSON: invalid character '1' looking for beginning of object key string",
	} {
		var ind indicator
		var errs fieldErrors
		err := decodeIndicator([]byte(raw), &ind, &errs)
		require.ErrorIs(t, err, ErrNotIndicator, "%.40q", raw)
		require.Equal(t, "not a ThreatQ indicator object: "+want, err.Error(), "%.40q", raw)
	}
}

// TestDecodeIndicatorReadsGeneratedIndicators: every generated indicator
// decodes without a reported error, with the members encoding/json sees.
func TestDecodeIndicatorReadsGeneratedIndicators(t *testing.T) {
	for _, raw := range threatqtest.Generate(300, 6, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
		var ind indicator
		var errs fieldErrors
		require.NoError(t, decodeIndicator(raw, &ind, &errs))
		require.Empty(t, errs.msgs)
		var ref struct {
			ID         int64
			Value      string
			Type       struct{ Name string }
			Attributes []struct{ Name, Value string }
			Sources    []struct{ Name string }
		}
		require.NoError(t, json.Unmarshal(raw, &ref))
		require.Equal(t, num(strconv.FormatInt(ref.ID, 10)), ind.ID)
		require.Equal(t, str(ref.Value), ind.Value)
		require.Equal(t, named{kind: kindObject, name: str(ref.Type.Name)}, ind.Type)
		require.Len(t, ind.Attributes, len(ref.Attributes))
		for i, a := range ref.Attributes {
			require.Equal(t, attribute{Name: str(a.Name), Value: str(a.Value)}, *ind.Attributes[i])
		}
		require.Len(t, ind.Sources, len(ref.Sources))
		for i, s := range ref.Sources {
			require.Equal(t, str(s.Name), ind.Sources[i].Name)
		}
	}
}

// FuzzDecodeIndicator: on any input the decoder neither panics nor
// accepts what encoding/json refuses, refuses an object encoding/json
// accepts, or reports an error that names no member.
func FuzzDecodeIndicator(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c.raw))
	}
	f.Add([]byte(benchIndicator))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var ind indicator
		var errs fieldErrors
		err := decodeIndicator(raw, &ind, &errs)
		valid := json.Valid(raw)
		trimmed := strings.TrimLeft(string(raw), " \t\r\n")
		isObject := strings.HasPrefix(trimmed, "{")
		switch {
		case err != nil && !errors.Is(err, ErrNotIndicator):
			t.Fatalf("error does not wrap ErrNotIndicator: %v", err)
		case valid && isObject && err != nil:
			t.Fatalf("encoding/json accepts %q, the decoder says %v", raw, err)
		case !valid && err == nil:
			t.Fatalf("encoding/json refuses %q, the decoder accepts it", raw)
		case valid && !isObject && strings.Contains(fmtErr(err), "invalid JSON"):
			t.Fatalf("valid %q called invalid", raw)
		}
		for _, m := range errs.msgs {
			if !strings.Contains(m, ": is a JSON ") {
				t.Fatalf("unexpected error %q", m)
			}
		}
	})
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// FuzzUnquote: string values are the text encoding/json decodes.
func FuzzUnquote(f *testing.F) {
	for _, s := range []string{`"a"`, `"\u00e9\ud83d\ude00"`, `"\ud800"`, "\"\xff\xfe\"", "\"\xe2\x82\"", `"\/\b\f\n\r\t"`, "\"\xed\xa0\x80\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, lit []byte) {
		var want string
		if json.Unmarshal(lit, &want) != nil || len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
			return // not one string literal, alone
		}
		if got := unquote(lit); got != want {
			t.Fatalf("unquote(%q) = %q, encoding/json gives %q", lit, got, want)
		}
	})
}
