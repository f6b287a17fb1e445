package estest

import (
	"net/http"
	"testing"
)

// TestSetCopyFromMissingField: set with copy_from fails a document that
// lacks the field (IngestDocument.getFieldValue: "field [b] not present as
// part of path [a.b]"), unless ignore_empty_value, which leaves the target
// unset for a missing or empty value and copies any other.
func TestSetCopyFromMissingField(t *testing.T) {
	s := New(Options{})
	t.Cleanup(s.Close)
	mustOK(t, s, http.MethodPut, "/_ingest/pipeline/strict", `{"processors":[{"set":{"field":"name","copy_from":"a.b"}}]}`)
	mustOK(t, s, http.MethodPut, "/_ingest/pipeline/lenient", `{"processors":[{"set":{"field":"name","copy_from":"a.b","ignore_empty_value":true}}]}`)
	mustOK(t, s, http.MethodPut, "/ix", "")

	status, out := call(t, s, http.MethodPut, "/ix/_doc/1?pipeline=strict", `{"a":{"c":1}}`)
	if status != http.StatusBadRequest {
		t.Fatalf("missing copy_from field: %d %v", status, out)
	}
	if reason := out["error"].(map[string]any)["reason"]; reason != "field [b] not present as part of path [a.b]" {
		t.Fatalf("reason %v", reason)
	}
	status, out = call(t, s, http.MethodPut, "/ix/_doc/2?pipeline=strict", `{}`)
	if status != http.StatusBadRequest || out["error"].(map[string]any)["reason"] != "field [a] not present as part of path [a.b]" {
		t.Fatalf("missing parent: %d %v", status, out)
	}

	for id, body := range map[string]string{"3": `{"a":{"c":1}}`, "4": `{"a":{"b":""}}`} {
		mustOK(t, s, http.MethodPut, "/ix/_doc/"+id+"?pipeline=lenient", body)
		if d := s.Documents("ix")[id]; d == nil || d["name"] != nil {
			t.Fatalf("doc %s: %v", id, d)
		}
	}
	mustOK(t, s, http.MethodPut, "/ix/_doc/5?pipeline=lenient", `{"a":{"b":"v"}}`)
	if d := s.Documents("ix")["5"]; d["name"] != "v" {
		t.Fatalf("doc 5: %v", d)
	}
}
