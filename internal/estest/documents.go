package estest

import (
	"fmt"
	"net/http"
	"strings"
)

// SeedDocument stores a document as it is, with an _id, in an index or a
// data stream that exists (no pipeline runs, nothing is checked).
func (s *Server) SeedDocument(target, id string, doc map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.docs[target] == nil {
		s.docs[target] = map[string]map[string]any{}
	}
	s.docs[target][id] = merge(nil, doc)
}

// Documents returns the documents of an index, a data stream or every
// index an alias points at, by _id.
func (s *Server) Documents(name string) map[string]map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[string]any{}
	for _, n := range s.resolve(name) {
		for id, d := range s.docs[n] {
			out[id] = d
		}
	}
	return out
}

// indexDocument serves POST /<target>/_doc and PUT|POST /<target>/_doc/<id>
// (RestIndexAction): without an id, the id is generated and the write is a
// create (IndexRequest.autoGenerateId); with one, op_type is index unless
// the request says create.
func (s *Server) indexDocument(r *http.Request, parts []string, doc map[string]any) (int, any) {
	target, opType, id := parts[0], r.URL.Query().Get("op_type"), ""
	if len(parts) == 3 {
		id = parts[2]
		if opType == "" {
			opType = "index"
		}
	} else {
		s.seq++
		id, opType = fmt.Sprintf("estest-%d", s.seq), "create"
	}
	if err := s.write(target, id, doc, opType, r.URL.Query().Get("pipeline")); err != nil {
		return err.status, errBody(err.typ, err.reason, err.status)
	}
	return http.StatusCreated, map[string]any{"_index": target, "_id": id, "result": "created"}
}

// resolve returns the indices and data streams a name stands for: itself,
// or the indices holding it as an alias; a comma-separated list or
// wildcards resolve each part. The caller holds s.mu.
func (s *Server) resolve(name string) []string {
	var out []string
	for _, part := range strings.Split(name, ",") {
		for _, n := range sortedKeys(s.indices) {
			if simpleMatch(part, n) || s.indices[n].aliases[part] {
				out = append(out, n)
			}
		}
		for _, n := range sortedKeys(s.dataStreams) {
			if simpleMatch(part, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// write indexes one document as a bulk item does (TransportBulkAction,
// IngestService, the index's mappings), returning the item's error:
//
//   - a data stream takes op_type create only ("only write ops with an
//     op_type of create are allowed in data streams",
//     TransportBulkAction.validateWriteIndex), and a missing data stream whose template creates data
//     streams is created by the write (auto-create, with the same template
//     rules as PUT /_data_stream);
//   - pipeline "" runs the index's index.default_pipeline, "_none" runs
//     none, any other name that pipeline (IngestService.resolvePipelines);
//   - a constant_keyword field takes the first value written and refuses
//     any other (ConstantKeywordFieldMapper);
//   - op_type create refuses an existing _id (version_conflict_engine_exception, 409).
//
// The caller holds s.mu.
func (s *Server) write(target, id string, doc map[string]any, opType, pipeline string) *esError {
	_, isDS := s.dataStreams[target]
	_, isIndex := s.indices[target]
	if !isDS && !isIndex {
		if _, tmpl := s.winner(target); tmpl != nil && tmpl["data_stream"] != nil {
			ds, err := s.createDataStream(target)
			if err != nil {
				return err
			}
			s.dataStreams[target], isDS = ds, true
		} else {
			ix, err := s.createIndex(target, map[string]any{})
			if err != nil {
				return err
			}
			s.indices[target], isIndex = ix, true
		}
	}
	if isDS && opType != "create" {
		return &esError{http.StatusBadRequest, "illegal_argument_exception",
			"only write ops with an op_type of create are allowed in data streams"}
	}
	settings, mappings := s.settingsAndMappings(target)
	doc = merge(nil, doc)
	if pipeline == "" {
		idx, _ := settings["index"].(map[string]any)
		pipeline, _ = idx["default_pipeline"].(string)
	}
	if pipeline != "" && pipeline != "_none" {
		if err := s.runPipeline(pipeline, doc); err != nil {
			return err
		}
	}
	if err := s.checkConstants(target, id, doc, mappings); err != nil {
		return err
	}
	if s.docs[target] == nil {
		s.docs[target] = map[string]map[string]any{}
	}
	if _, exists := s.docs[target][id]; exists && opType == "create" {
		return &esError{http.StatusConflict, "version_conflict_engine_exception",
			fmt.Sprintf("[%s]: version conflict, document already exists (current version [1])", id)}
	}
	s.docs[target][id] = doc
	return nil
}

// settingsAndMappings are an index's (as created) or a data stream's (its
// template's) settings and mappings. The caller holds s.mu.
func (s *Server) settingsAndMappings(target string) (settings, mappings map[string]any) {
	if ix, ok := s.indices[target]; ok {
		settings, _ = ix.body["settings"].(map[string]any)
		mappings, _ = ix.body["mappings"].(map[string]any)
		return settings, mappings
	}
	ds := s.dataStreams[target]
	tname, _ := ds["template"].(string)
	inner, _ := s.templates[tname]["template"].(map[string]any)
	settings, _ = inner["settings"].(map[string]any)
	mappings, _ = inner["mappings"].(map[string]any)
	return settings, mappings
}

// checkConstants applies ConstantKeywordFieldMapper: a constant_keyword
// field without a value in the mappings takes the first value indexed, and
// every other value is refused. The first values are kept per target (a
// data stream stands for its write index). The caller holds s.mu.
func (s *Server) checkConstants(target, id string, doc, mappings map[string]any) *esError {
	for _, f := range constantKeywords(mappings, "") {
		vals := values(doc, f)
		if len(vals) == 0 {
			continue
		}
		want := ""
		for _, d := range s.docs[target] {
			if v := values(d, f); len(v) > 0 {
				want = fmt.Sprint(v[0])
				break
			}
		}
		if got := fmt.Sprint(vals[0]); want != "" && got != want {
			return &esError{http.StatusBadRequest, "document_parsing_exception", fmt.Sprintf(
				"[1:1] failed to parse field [%s] of type [constant_keyword] in document with id '%s': [constant_keyword] field [%s] only accepts values that are equal to the value defined in the mappings [%s], but got [%s]",
				f, id, f, want, got)}
		}
	}
	return nil
}

// constantKeywords lists the constant_keyword fields of mappings.
func constantKeywords(mappings map[string]any, prefix string) []string {
	props, _ := mappings["properties"].(map[string]any)
	var out []string
	for _, name := range sortedKeys(props) {
		def, _ := props[name].(map[string]any)
		if def["type"] == "constant_keyword" {
			out = append(out, prefix+name)
		}
		if _, nested := def["properties"]; nested {
			out = append(out, constantKeywords(def, prefix+name+".")...)
		}
	}
	return out
}
