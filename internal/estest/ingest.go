package estest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// runPipeline runs a stored ingest pipeline on a document, for the
// processors threatqbeat's pipelines use, as the ingest-common processors
// do: set (value, with {{{_ingest.timestamp}}} as the time the cluster
// received the document, or copy_from: a missing field fails the
// document, as IngestDocument.getFieldValue does, unless ignore_empty_value,
// which then skips a missing, null or empty value), remove (field, or keep: every field
// that is not kept, nor a parent or child of a kept one, is removed,
// RemoveProcessor.fieldsToKeepProcessor) and pipeline (with
// ignore_missing_pipeline). Any other processor is an error, so a pipeline
// the double cannot run does not pass unnoticed. The caller holds s.mu.
func (s *Server) runPipeline(id string, doc map[string]any) *esError {
	p, ok := s.pipelines[id]
	if !ok {
		return &esError{http.StatusBadRequest, "illegal_argument_exception", "pipeline with id [" + id + "] does not exist"}
	}
	procs, _ := p["processors"].([]any)
	for _, proc := range procs {
		pm, _ := proc.(map[string]any)
		for typ, cfg := range pm {
			c, _ := cfg.(map[string]any)
			if err := s.runProcessor(typ, c, doc); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Server) runProcessor(typ string, c, doc map[string]any) *esError {
	field, _ := c["field"].(string)
	switch typ {
	case "set":
		if from, ok := c["copy_from"].(string); ok {
			v := values(doc, from)
			if ignore, _ := c["ignore_empty_value"].(bool); ignore && (len(v) == 0 || v[0] == "") {
				return nil
			}
			if len(v) == 0 {
				return &esError{http.StatusBadRequest, "illegal_argument_exception", notPresent(doc, from)}
			}
			setField(doc, field, v[0])
			return nil
		}
		v := c["value"]
		if str, ok := v.(string); ok && str == "{{{_ingest.timestamp}}}" {
			v = s.opts.Now().UTC().Format(time.RFC3339Nano)
		}
		setField(doc, field, v)
		return nil
	case "remove":
		if keep := stringList(c["keep"]); len(keep) > 0 {
			keepOnly(doc, "", keep)
			return nil
		}
		for _, f := range stringList(c["field"]) {
			removeField(doc, f)
		}
		return nil
	case "pipeline":
		name, _ := c["name"].(string)
		if _, ok := s.pipelines[name]; !ok {
			if missing, _ := c["ignore_missing_pipeline"].(bool); missing {
				return nil
			}
		}
		return s.runPipeline(name, doc)
	}
	return &esError{http.StatusBadRequest, "estest_unsupported", fmt.Sprintf("the test double does not run %s processors", typ)}
}

// notPresent is IngestDocument's error for a path that a document lacks,
// naming the first missing element.
func notPresent(doc map[string]any, path string) string {
	parts := strings.Split(path, ".")
	missing := parts[len(parts)-1]
	var cur any = doc
	for _, p := range parts {
		m, _ := cur.(map[string]any)
		if v, ok := m[p]; !ok || v == nil {
			missing = p
			break
		}
		cur = m[p]
	}
	return "field [" + missing + "] not present as part of path [" + path + "]"
}

// setField sets a dotted field, creating the objects on its path.
func setField(doc map[string]any, field string, v any) {
	parts := strings.Split(field, ".")
	for _, p := range parts[:len(parts)-1] {
		next, _ := doc[p].(map[string]any)
		if next == nil {
			next = map[string]any{}
			doc[p] = next
		}
		doc = next
	}
	doc[parts[len(parts)-1]] = v
}

// removeField removes a dotted field, if present.
func removeField(doc map[string]any, field string) {
	parts := strings.Split(field, ".")
	for _, p := range parts[:len(parts)-1] {
		next, _ := doc[p].(map[string]any)
		if next == nil {
			return
		}
		doc = next
	}
	delete(doc, parts[len(parts)-1])
}

// keepOnly removes every field of doc (under prefix) that is neither a kept
// field, nor an ancestor or descendant of one.
func keepOnly(doc map[string]any, prefix string, keep []string) {
	for k, v := range doc {
		path := prefix + k
		kept, ancestor := false, false
		for _, f := range keep {
			if path == f || strings.HasPrefix(path, f+".") {
				kept = true
			}
			if strings.HasPrefix(f, path+".") {
				ancestor = true
			}
		}
		switch {
		case kept:
		case ancestor:
			if m, ok := v.(map[string]any); ok {
				keepOnly(m, path+".", keep)
				continue
			}
			delete(doc, k)
		default:
			delete(doc, k)
		}
	}
}
