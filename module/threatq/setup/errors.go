package setup

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Step names a part of setup, as on the command line.
type Step string

// The steps of setup, in the order they run.
const (
	StepPipelines       Step = "pipelines"
	StepIndexManagement Step = "index-management"
	StepTransforms      Step = "transforms"
	StepLookupIndex     Step = "lookup-index"
)

// Error is a failed request to Elasticsearch. Its message names the step,
// what was being done to which resource, the request, and Elasticsearch's
// answer, plus the privilege to check when the answer is 401 or 403.
type Error struct {
	Step      Step
	Action    string // e.g. "create ingest pipeline"
	Resource  string // e.g. "logs-ti_threatq.threat"
	Method    string
	Path      string
	Status    int    // 0 when no answer came
	Type      string // Elasticsearch's error.type
	Reason    string // Elasticsearch's error.reason, or the body or transport error
	Privilege string // what the user needs for Action
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "setup %s: %s %s: %s %s", e.Step, e.Action, e.Resource, e.Method, e.Path)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": %d %s", e.Status, http.StatusText(e.Status))
	}
	if e.Type != "" {
		b.WriteString(": " + e.Type)
	}
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	if (e.Status == http.StatusForbidden || e.Status == http.StatusUnauthorized) && e.Privilege != "" {
		b.WriteString(" (the Elasticsearch user needs " + e.Privilege + "; see docs/elasticsearch.md)")
	}
	return b.String()
}

// Privileges needed per kind of request (docs/elasticsearch.md lists them
// per step).
const (
	privILM       = "the manage_ilm cluster privilege"
	privTemplate  = "the manage_index_templates cluster privilege"
	privPipeline  = "the manage_pipeline cluster privilege"
	privTransform = "the manage_transform cluster privilege (and read, view_index_metadata on " + TemplatePattern + ")"
	privDataStrm  = "the create_index (or manage) index privilege on " + TemplatePattern
	privRestore   = "the read index privilege on " + DestinationPrefix + "* and " + Alias + ", and create_doc and auto_configure on " + TemplatePattern
	privLookup    = "the view_index_metadata, create_index, manage and delete_index index privileges on " + LookupIndex
	privDest      = "the view_index_metadata, create_index, manage and delete_index index privileges on " + DestinationPrefix + "*"
)

// requestError builds an Error from a response; status 0 and err set mean
// no response.
func requestError(step Step, action, resource, method, path string, status int, body []byte, err error, priv string) error {
	e := &Error{Step: step, Action: action, Resource: resource, Method: method, Path: path, Status: status, Privilege: priv}
	var es struct {
		Error json.RawMessage `json:"error"`
	}
	if len(body) > 0 && json.Unmarshal(body, &es) == nil && len(es.Error) > 0 {
		var detail struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		}
		if json.Unmarshal(es.Error, &detail) == nil {
			e.Type, e.Reason = detail.Type, detail.Reason
		} else {
			e.Reason = strings.Trim(string(es.Error), `"`)
		}
	}
	if e.Reason == "" {
		switch {
		case status == 0 && err != nil:
			e.Reason = err.Error()
		case len(body) > 0:
			e.Reason = truncate(string(body), 300)
		}
	}
	return e
}

func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
