package esspec

import (
	"encoding/json"
	"strings"
	"testing"
)

func validator(t *testing.T) *Validator {
	t.Helper()
	v, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEndpointRouting(t *testing.T) {
	v := validator(t)
	for _, c := range []struct{ method, path, want string }{
		{"PUT", "/_index_template/logs-x", "indices.put_index_template"},
		{"GET", "/_index_template/logs-x", "indices.get_index_template"},
		{"PUT", "/_ilm/policy/p", "ilm.put_lifecycle"},
		{"PUT", "/_ingest/pipeline/p", "ingest.put_pipeline"},
		{"PUT", "/_data_stream/logs-a-b", "indices.create_data_stream"},
		{"PUT", "/_data_stream/logs-a-b/_lifecycle", "indices.put_data_lifecycle"},
		{"PUT", "/my-index", "indices.create"},
		{"HEAD", "/my-index", "indices.exists"},
		{"POST", "/_aliases", "indices.update_aliases"},
		{"GET", "/_alias/a", "indices.get_alias"},
		{"PUT", "/_transform/t", "transform.put_transform"},
		{"POST", "/_transform/t/_start", "transform.start_transform"},
		{"POST", "/_transform/t/_stop", "transform.stop_transform"},
		{"GET", "/_transform/t/_stats", "transform.get_transform_stats"},
		{"DELETE", "/_transform/t", "transform.delete_transform"},
	} {
		got, ok := v.Endpoint(c.method, c.path)
		if !ok || got != c.want {
			t.Errorf("%s %s routes to %q (%v), want %s", c.method, c.path, got, ok, c.want)
		}
	}
	if _, ok := v.Endpoint("PATCH", "/_index_template/x"); ok {
		t.Error("PATCH /_index_template/x routed to an API")
	}
}

// The validator must refuse what Elasticsearch refuses; each case names the
// problem the message must contain.
func TestValidatorRejects(t *testing.T) {
	v := validator(t)
	for _, c := range []struct {
		name, method, target, body, want string
	}{
		{"unknown top-level property", "PUT", "/_index_template/t",
			`{"index_patterns":["a-*"],"priorty":250}`, `unknown property "priorty"`},
		{"unknown nested property", "PUT", "/_transform/t",
			`{"source":{"index":["a"]},"dest":{"index":"b"},"latest":{"unique_key":["k"],"sort":"s","order":"desc"}}`,
			`body.latest: unknown property "order"`},
		{"wrong type: number for a string", "PUT", "/_ilm/policy/p",
			`{"policy":{"phases":{"delete":{"min_age":"5d","actions":{"delete":{"delete_searchable_snapshot":"yes"}}}}}}`,
			`delete_searchable_snapshot: string "yes", want a boolean`},
		{"wrong type: object for an array", "PUT", "/_transform/t",
			`{"source":{"index":"a"},"dest":{"index":"b"},"latest":{"unique_key":"k","sort":"s"}}`,
			`body.latest.unique_key: string "k", want an array`},
		{"bad enum", "PUT", "/_index_template/t",
			`{"index_patterns":["a-*"],"template":{"mappings":{"dynamic":"sometimes"}}}`,
			`"sometimes" is not a value of enum _types.mapping.DynamicMapping`},
		{"bad mapping type (internal tag)", "PUT", "/x",
			`{"mappings":{"properties":{"f":{"type":"kw"}}}}`, `body.mappings.properties.f.type: string "kw" is not one of`},
		{"property of another mapping type", "PUT", "/x",
			`{"mappings":{"properties":{"f":{"type":"long","normalizer":"lowercase"}}}}`, `unknown property "normalizer" of _types.mapping.LongNumberProperty`},
		{"container with two variants", "PUT", "/_ingest/pipeline/p",
			`{"processors":[{"set":{"field":"a","value":1},"remove":{"field":"b"}}]}`, `2 variants of container ingest._types.ProcessorContainer`},
		{"required property missing", "PUT", "/_ingest/pipeline/p",
			`{"processors":[{"set":{"value":1}}]}`, `required property "field" of ingest._types.SetProcessor is missing`},
		{"remove with field and keep (erratum)", "PUT", "/_ingest/pipeline/p",
			`{"processors":[{"remove":{"field":"a","keep":["b"]}}]}`, "[keep] and [field] cannot both be used in the same processor"},
		{"remove with neither (erratum)", "PUT", "/_ingest/pipeline/p",
			`{"processors":[{"remove":{"ignore_missing":true}}]}`, "[keep] or [field] must be specified"},
		{"unknown query", "PUT", "/_transform/t",
			`{"source":{"index":["a"]},"dest":{"index":"b"},"latest":{"unique_key":["k"],"sort":"s"},"source_query":{}}`,
			`unknown property "source_query"`},
		{"bad query DSL", "PUT", "/_transform/t",
			`{"source":{"index":["a"],"query":{"bool":{"must_not":[{"exist":{"field":"x"}}]}}},"dest":{"index":"b"},"latest":{"unique_key":["k"],"sort":"s"}}`,
			`unknown property "exist" of _types.query_dsl.QueryContainer`},
		{"bad alias action", "POST", "/_aliases",
			`{"actions":[{"move":{"index":"a","alias":"b"}}]}`, `unknown property "move"`},
		{"unknown query parameter", "PUT", "/_transform/t?defer_validations=true",
			`{"source":{"index":["a"]},"dest":{"index":"b"},"latest":{"unique_key":["k"],"sort":"s"}}`,
			`unknown query parameter "defer_validations"`},
		{"body where none is taken", "POST", "/_transform/t/_start", `{"force":true}`, "takes no body"},
		{"missing body", "PUT", "/_ingest/pipeline/p", ``, "the body is missing"},
		{"unknown API", "PUT", "/_nonsense/x/y/z", `{}`, "no such Elasticsearch API"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := v.ValidateRequest(c.method, c.target, []byte(c.body))
			if err == nil {
				t.Fatalf("%s %s %s: accepted", c.method, c.target, c.body)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q lacks %q", err, c.want)
			}
		})
	}
}

func TestValidatorAccepts(t *testing.T) {
	v := validator(t)
	for _, c := range []struct{ name, method, target, body string }{
		{"template with data stream and lifecycle", "PUT", "/_index_template/t",
			`{"index_patterns":["logs-a-*"],"priority":150,"data_stream":{},"template":{"lifecycle":{"data_retention":"5d"},
			"settings":{"index":{"mode":"standard","default_pipeline":"p","lifecycle":{"name":"x"},"number_of_replicas":0}},
			"mappings":{"dynamic":true,"_meta":{"a":1},"properties":{"k":{"type":"keyword","ignore_above":1024},"o":{"properties":{"n":{"type":"long"}}},
			"u":{"type":"wildcard","fields":{"text":{"type":"match_only_text"}}}},
			"dynamic_templates":[{"strings":{"match_mapping_type":"string","mapping":{"type":"keyword"}}}]}},"_meta":{"managed_by":"x"}}`},
		{"shortcut term query", "PUT", "/_transform/t?defer_validation=true",
			`{"source":{"index":["a-*"],"query":{"bool":{"filter":[{"term":{"input.type":"threatq"}}],"must_not":[{"term":{"event.kind":{"value":"pipeline_error"}}}]}}},
			"dest":{"index":"b","pipeline":"p","aliases":[{"alias":"c","move_on_creation":true}]},"latest":{"unique_key":["k","l"],"sort":"s"},
			"frequency":"30s","sync":{"time":{"field":"s","delay":"120s"}},"retention_policy":{"time":{"field":"e","max_age":"1m"}},
			"settings":{"num_failure_retries":-1},"_meta":{"version":2}}`},
		{"alias actions", "POST", "/_aliases",
			`{"actions":[{"add":{"index":"a","alias":"b"}},{"remove":{"index":"c","alias":"b"}},{"remove_index":{"index":"d"}}]}`},
		{"data stream lifecycle", "PUT", "/_data_stream/logs-a-b/_lifecycle", `{"data_retention":"5d"}`},
		{"remove with keep alone (erratum: the specification requires field)", "PUT", "/_ingest/pipeline/p",
			`{"processors":[{"remove":{"keep":["a.b","c"]}},{"set":{"field":"d","copy_from":"e"}}]}`},
		{"no body", "GET", "/_alias/x", ``},
		{"common query parameter", "GET", "/_transform/t/_stats?pretty=true", ``},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := v.ValidateRequest(c.method, c.target, []byte(c.body)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestValidateBody(t *testing.T) {
	v := validator(t)
	var body map[string]any
	if err := json.Unmarshal([]byte(`{"description":"d","processors":[{"set":{"field":"a","value":"b","tag":"t"}}],"_meta":{"managed":true}}`), &body); err != nil {
		t.Fatal(err)
	}
	if err := v.ValidateBody("ingest.put_pipeline", body); err != nil {
		t.Fatal(err)
	}
	body["on_failure"] = "not a list"
	if err := v.ValidateBody("ingest.put_pipeline", body); err == nil || !strings.Contains(err.Error(), "body.on_failure") {
		t.Fatalf("a wrong on_failure passed: %v", err)
	}
	if err := v.ValidateBody("no.such_api", body); err == nil {
		t.Fatal("an unknown API passed")
	}
}

// TestSchemaIsClosed: every type the trimmed specification refers to is in
// it (or is a builtin or a generic parameter), so a regeneration that cut
// too much fails here rather than as a puzzling validation message.
func TestSchemaIsClosed(t *testing.T) {
	v := validator(t)
	params := map[typeName]bool{}
	for _, tp := range v.types {
		for _, g := range list(tp["generics"]) {
			params[nameOf(g)] = true
		}
	}
	var walk func(x any, where string)
	walk = func(x any, where string) {
		switch x := x.(type) {
		case obj:
			if x["kind"] == "instance_of" {
				n := nameOf(x["type"])
				if n.ns != "_builtins" && !params[n] && v.types[n] == nil {
					t.Errorf("%s refers to %s, which is not in schema.json.gz", where, n)
				}
			}
			for k, c := range x {
				if k != "name" {
					walk(c, where)
				}
			}
		case []any:
			for _, c := range x {
				walk(c, where)
			}
		}
	}
	for n, tp := range v.types {
		walk(tp, n.String())
	}
	for _, ep := range v.endpoints {
		if v.types[ep.request] == nil {
			t.Errorf("endpoint %s: no request type %s", ep.name, ep.request)
		}
	}
	if len(v.endpoints) < 20 {
		t.Errorf("only %d endpoints", len(v.endpoints))
	}
}
