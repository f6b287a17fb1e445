// Command trim cuts Elastic's Elasticsearch API specification
// (output/schema/schema.json of github.com/elastic/elasticsearch-specification)
// down to the endpoints threatqbeat's setup calls and the types their
// requests use, without documentation, so that the repository can carry it:
//
//	go run ./module/threatq/setup/internal/esspec/trim \
//	  -in schema.json.gz -out module/threatq/setup/internal/esspec/schema.json.gz
//
// The input may be gzipped; the output is gzipped when its name ends in
// .gz. It lists one endpoint or type per line, sorted, so that two
// regenerations compare with zdiff.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// endpoints are the APIs setup calls (esspec.Validator routes requests to
// them by method and path).
var endpoints = []string{
	"indices.put_index_template", "indices.get_index_template",
	"ilm.put_lifecycle", "ilm.get_lifecycle",
	"ingest.put_pipeline", "ingest.get_pipeline",
	"indices.create_data_stream", "indices.get_data_stream", "indices.put_data_lifecycle",
	"indices.create", "indices.exists", "indices.get_mapping",
	"indices.get_alias", "indices.update_aliases",
	"transform.put_transform", "transform.get_transform", "transform.delete_transform",
	"transform.start_transform", "transform.stop_transform", "transform.get_transform_stats",
	"search", "reindex", "indices.delete",
}

// dropped are documentation keys, which the validator does not read.
var dropped = map[string]bool{
	"description": true, "examples": true, "specLocation": true, "docUrl": true, "docId": true,
	"docUrlServerless": true, "extDocUrl": true, "extDocId": true, "extDocDescription": true,
	"extPreviousVersionDocUrl": true, "availability": true, "serverDefault": true, "response": true,
	"responseMediaType": true, "docTag": true, "exceptions": true,
}

func main() {
	in := flag.String("in", "", "schema.json or schema.json.gz of elasticsearch-specification")
	out := flag.String("out", "schema.json", "trimmed schema to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "trim:", err)
		os.Exit(1)
	}
}

type name struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

func run(in, out string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return err
		}
		if data, err = io.ReadAll(zr); err != nil {
			return err
		}
	}
	var schema struct {
		Info      map[string]any   `json:"_info"`
		Endpoints []map[string]any `json:"endpoints"`
		Types     []map[string]any `json:"types"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		return err
	}
	types := map[name]map[string]any{}
	for _, t := range schema.Types {
		types[nameOf(t["name"])] = t
	}
	keep := map[name]bool{}
	var visit func(n name)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["kind"] == "instance_of" {
				visit(nameOf(v["type"]))
			}
			if t, ok := v["type"].(map[string]any); ok && v["kind"] == nil && t["namespace"] != nil {
				visit(nameOf(t)) // inherits, implements, behaviors
			}
			for k, c := range v {
				if k != "name" {
					walk(c)
				}
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	visit = func(n name) {
		if keep[n] {
			return
		}
		t, ok := types[n]
		if !ok {
			return // a builtin or a generic parameter
		}
		keep[n] = true
		walk(t)
	}
	var eps []any
	wanted := map[string]bool{}
	for _, e := range endpoints {
		wanted[e] = true
	}
	for _, e := range schema.Endpoints {
		if !wanted[e["name"].(string)] {
			continue
		}
		delete(wanted, e["name"].(string))
		visit(nameOf(e["request"]))
		eps = append(eps, strip(e))
	}
	if len(wanted) > 0 {
		return fmt.Errorf("endpoints not in the schema: %v", wanted)
	}
	var kept []any
	for n := range keep {
		kept = append(kept, strip(types[n]))
	}
	sort.Slice(kept, func(i, j int) bool { return key(kept[i]) < key(kept[j]) })
	sort.Slice(eps, func(i, j int) bool {
		return eps[i].(map[string]any)["name"].(string) < eps[j].(map[string]any)["name"].(string)
	})
	var buf bytes.Buffer
	info, _ := json.Marshal(schema.Info)
	fmt.Fprintf(&buf, "{\"_info\":%s,\n\"endpoints\":[\n", info)
	lines(&buf, eps)
	buf.WriteString("],\n\"types\":[\n")
	lines(&buf, kept)
	buf.WriteString("]}\n")
	if !strings.HasSuffix(out, ".gz") {
		return os.WriteFile(out, buf.Bytes(), 0o644)
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	if _, err := zw.Write(buf.Bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(out, z.Bytes(), 0o644)
}

func lines(buf *bytes.Buffer, items []any) {
	for i, it := range items {
		b, _ := json.Marshal(it)
		buf.Write(b)
		if i < len(items)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
}

func key(v any) string {
	n := nameOf(v.(map[string]any)["name"])
	return n.Namespace + " " + n.Name
}

func nameOf(v any) name {
	m, _ := v.(map[string]any)
	ns, _ := m["namespace"].(string)
	n, _ := m["name"].(string)
	return name{ns, n}
}

// strip removes documentation keys at every depth.
func strip(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, c := range v {
			if dropped[k] || strings.HasPrefix(k, "x-") {
				continue
			}
			out[k] = strip(c)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, c := range v {
			out[i] = strip(c)
		}
		return out
	}
	return v
}
