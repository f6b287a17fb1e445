package threat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// fastDecodeInputs are objects decodeFast must decode like encoding/json,
// or leave to it.
var fastDecodeInputs = []string{
	`{}`,
	`{"id":1,"id":"2","value":null,"value":{"x":1}}`,
	`{"ID":5,"value":"v"}`,
	`{"Value":"v","id":1}`,
	`{"ſcore":3,"id":1}`,
	`{"\u0069d":7}`,
	`{"type":"IP Address","status":{"name":"Active","NAME":"x"}}`,
	`{"type":{"name":1},"status":{"Name":"Active"}}`,
	`{"type":{"name":"a","name":"b"},"status":[1]}`,
	`{"type":null,"status":true}`,
	`{"tags":["a",{"name":"b"},null,5,[1],{"id":2}],"adversaries":null}`,
	`{"tags":"x","id":1}`,
	`{"tags":{"name":"x"},"id":1}`,
	`{"tags":["a"],"tags":["b"]}`,
	`{"attributes":[{"name":"A b","value":"1"},null,{"NAME":"x"},{"value":{"a":1}}]}`,
	`{"attributes":[{"name":"A","value":1},"x"]}`,
	`{"attributes":[{"name":"A","value":1}],"attributes":null}`,
	`{"attributes":{"name":"A"}}`,
	`{"sources":[{"name":"S","tlp_name":"AMBER","TLP_NAME":"x"}]}`,
	`{"sources":[{"name":"S","tlp_name":"AMBER"},{"name":null},null],"sources":[]}`,
	`{"sources":[[1]]}`,
	`{"related_indicator_count":3,"Related_Malware_Count":"4","related_x_count":1}`,
	`{"id":1,"unknown":{"deep":[1,2,{"a":"}"}]},"status_id":1,"Type_ID":2}`,
	`{"value":"a\"b\\c\u00e9\ud83d\ude00","description":"\u0000"}`,
	` { "id" : 1 , "tags" : [ "a" , "b" ] , "attributes" : [ ] } `,
}

// TestFastDecodeMatchesEncodingJSON decodes every input, the golden
// indicators and generated ones both ways and compares the results.
func TestFastDecodeMatchesEncodingJSON(t *testing.T) {
	inputs := append([]string(nil), fastDecodeInputs...)
	paths, _ := filepath.Glob(filepath.Join("testdata", "*", "indicator.json"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(b))
	}
	for _, raw := range threatqtest.Generate(300, 5, fixedCreated) {
		inputs = append(inputs, string(raw))
	}
	for _, in := range inputs {
		compareDecoders(t, []byte(in))
	}
}

// TestFastDecodeCoversGeneratedIndicators makes sure realistic indicators
// do not fall back to encoding/json.
func TestFastDecodeCoversGeneratedIndicators(t *testing.T) {
	for _, raw := range threatqtest.Generate(300, 6, fixedCreated) {
		var ind indicator
		if !decodeFast(raw, &ind) {
			t.Fatalf("fell back on %s", raw)
		}
	}
}

func compareDecoders(t *testing.T, raw []byte) {
	t.Helper()
	var fast, slow indicator
	var fastErrs, slowErrs fieldErrors
	fastErr := decodeIndicator(raw, false, &fast, &fastErrs)
	var slowErr error
	if trimmed := bytes.TrimLeft(raw, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		slowErr = unmarshalIndicator(raw, &slow, &slowErrs)
	} else {
		slowErr = decodeIndicator(raw, false, &slow, &slowErrs)
	}
	if (fastErr == nil) != (slowErr == nil) || (fastErr != nil && fastErr.Error() != slowErr.Error()) {
		t.Fatalf("%s: errors differ: %v / %v", raw, fastErr, slowErr)
	}
	if !reflect.DeepEqual(fast, slow) || !reflect.DeepEqual(fastErrs, slowErrs) {
		t.Fatalf("%s: decodings differ:\nfast %+v %v\nslow %+v %v", raw, fast, fastErrs, slow, slowErrs)
	}
}

// FuzzFastDecode compares the two decoders on arbitrary input.
func FuzzFastDecode(f *testing.F) {
	for _, in := range fastDecodeInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { compareDecoders(t, raw) })
}

// TestMapValidJSONIsMap compares MapValidJSON with Map on every golden case
// that is valid JSON and on generated indicators.
func TestMapValidJSONIsMap(t *testing.T) {
	var inputs [][]byte
	paths, _ := filepath.Glob(filepath.Join("testdata", "*", "indicator.json"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if json.Valid(b) {
			inputs = append(inputs, b)
		}
	}
	for _, raw := range threatqtest.Generate(200, 9, fixedCreated) {
		inputs = append(inputs, raw)
	}
	s := baseSettings()
	s.PreserveOriginalEvent = true
	for _, raw := range inputs {
		want, wantErr := Map(raw, s, fixedCreated)
		got, gotErr := MapValidJSON(raw, s, fixedCreated)
		if !reflect.DeepEqual(want, got) || fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
			t.Fatalf("%s: MapValidJSON differs from Map", raw)
		}
	}
}
