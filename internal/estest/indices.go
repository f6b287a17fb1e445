package estest

import (
	"fmt"
	"maps"
	"net/http"
)

// index serves /<name>: create, check, read and delete an index.
func (s *Server) index(m, name string, doc map[string]any) (int, any) {
	switch m {
	case http.MethodPut:
		ix, err := s.createIndex(name, doc)
		if err != nil {
			return err.status, errBody(err.typ, err.reason, err.status)
		}
		s.indices[name] = ix
		return http.StatusOK, map[string]any{"acknowledged": true, "shards_acknowledged": true, "index": name}
	case http.MethodHead, http.MethodGet:
		ix, ok := s.indices[name]
		if !ok {
			return indexNotFound(name)
		}
		body := maps.Clone(ix.body)
		aliases := map[string]any{}
		for a := range ix.aliases {
			aliases[a] = map[string]any{}
		}
		body["aliases"] = aliases
		return http.StatusOK, map[string]any{name: body}
	case http.MethodDelete:
		if _, ok := s.indices[name]; !ok {
			return indexNotFound(name)
		}
		delete(s.indices, name)
		delete(s.docs, name)
		return http.StatusOK, ack
	}
	return http.StatusMethodNotAllowed, errBody("method_not_allowed", m, http.StatusMethodNotAllowed)
}

// mapping serves GET /<name>/_mapping.
func (s *Server) mapping(name string) (int, any) {
	ix, ok := s.indices[name]
	if !ok {
		return indexNotFound(name)
	}
	mappings, _ := ix.body["mappings"].(map[string]any)
	if mappings == nil {
		mappings = map[string]any{}
	}
	return http.StatusOK, map[string]any{name: map[string]any{"mappings": mappings}}
}

func indexNotFound(name string) (int, any) {
	return http.StatusNotFound, errBody("index_not_found_exception", "no such index ["+name+"]", http.StatusNotFound)
}

// esError is an error answer: status, error type and reason.
type esError struct {
	status      int
	typ, reason string
}

// createIndex creates an index as MetadataCreateIndexService does: an
// existing name is refused (ResourceAlreadyExistsException, named with
// the index's uuid), as is an alias's or a data stream's name
// (InvalidIndexNameException); then the winning composable template
// applies, and one that creates data streams refuses the index
// (applyCreateIndexRequestWithV2Template). The request's settings and
// mappings are merged over the template's.
func (s *Server) createIndex(name string, doc map[string]any) (*index, *esError) {
	if _, ok := s.indices[name]; ok {
		return nil, &esError{http.StatusBadRequest, "resource_already_exists_exception", "index [" + name + "/estest-uuid] already exists"}
	}
	if _, ok := s.dataStreams[name]; ok {
		return nil, &esError{http.StatusBadRequest, "resource_already_exists_exception", "data stream [" + name + "] already exists"}
	}
	for _, ix := range s.indices {
		if ix.aliases[name] {
			return nil, &esError{http.StatusBadRequest, "invalid_index_name_exception", "Invalid index name [" + name + "], already exists as alias"}
		}
	}
	body := map[string]any{}
	tname, tmpl := s.winner(name)
	if tmpl != nil {
		if _, ds := tmpl["data_stream"].(map[string]any); ds {
			return nil, &esError{http.StatusBadRequest, "illegal_argument_exception", fmt.Sprintf(
				"cannot create index with name [%s], because it matches with template [%s] that creates data streams only, use create data stream api instead", name, tname)}
		}
		inner, _ := tmpl["template"].(map[string]any)
		for _, k := range []string{"settings", "mappings"} {
			if v, ok := inner[k].(map[string]any); ok {
				body[k] = merge(nil, v)
			}
		}
	}
	for _, k := range []string{"settings", "mappings"} {
		if v, ok := doc[k].(map[string]any); ok {
			base, _ := body[k].(map[string]any)
			body[k] = merge(base, v)
		}
	}
	if err := checkIndexMode(body); err != nil {
		return nil, err
	}
	ix := &index{body: body, aliases: map[string]bool{}, template: tname}
	inner, _ := tmpl["template"].(map[string]any)
	for _, src := range []any{inner["aliases"], doc["aliases"]} {
		if al, ok := src.(map[string]any); ok {
			for a := range al {
				ix.aliases[a] = true
			}
		}
	}
	return ix, nil
}

// merge returns a deep copy of base with over merged into it: objects
// merge key by key, anything else is replaced.
func merge(base, over map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if om, ok := v.(map[string]any); ok {
			bm, _ := out[k].(map[string]any)
			out[k] = merge(bm, om)
			continue
		}
		out[k] = v
	}
	return out
}

// alias answers GET /_alias/<name>: the indices holding it, or the 404
// body RestGetAliasesAction builds ({"error": "alias [x] missing"}).
func (s *Server) alias(name string) (int, any) {
	out := map[string]any{}
	for iname, ix := range s.indices {
		if ix.aliases[name] {
			out[iname] = map[string]any{"aliases": map[string]any{name: map[string]any{}}}
		}
	}
	if len(out) == 0 {
		return http.StatusNotFound, map[string]any{"error": "alias [" + name + "] missing", "status": http.StatusNotFound}
	}
	return http.StatusOK, out
}

// aliases applies add, remove and remove_index actions atomically, as
// MetadataIndexAliasesService does in one cluster state update: one naming
// a missing index changes nothing.
func (s *Server) aliases(doc map[string]any) (int, any) {
	actions, _ := doc["actions"].([]any)
	type op struct{ kind, index, alias string }
	var ops []op
	for _, a := range actions {
		am, _ := a.(map[string]any)
		for kind, v := range am {
			vm, _ := v.(map[string]any)
			o := op{kind: kind}
			o.index, _ = vm["index"].(string)
			o.alias, _ = vm["alias"].(string)
			if _, ok := s.indices[o.index]; !ok {
				return indexNotFound(o.index)
			}
			if kind != "add" && kind != "remove" && kind != "remove_index" {
				return http.StatusBadRequest, errBody("illegal_argument_exception", "unknown alias action ["+kind+"]", http.StatusBadRequest)
			}
			ops = append(ops, o)
		}
	}
	for _, o := range ops {
		switch o.kind {
		case "add":
			s.indices[o.index].aliases[o.alias] = true
		case "remove":
			delete(s.indices[o.index].aliases, o.alias)
		case "remove_index":
			delete(s.indices, o.index)
			delete(s.docs, o.index)
		}
	}
	return http.StatusOK, ack
}

// checkIndexMode applies IndexMode.LOOKUP to a new index's settings: a
// lookup index has one shard ("index with [lookup] mode must have
// [index.number_of_shards] set to 1 or unset; provided N",
// validateWithOtherSettings) and, unless set, auto_expand_replicas 0-all
// (LookupIndexModeIT.testBasic, testDoNotOverrideAutoExpandReplicas).
func checkIndexMode(body map[string]any) *esError {
	settings, _ := body["settings"].(map[string]any)
	idx, _ := settings["index"].(map[string]any)
	get := func(k string) any {
		if v, ok := idx[k]; ok {
			return v
		}
		return settings["index."+k]
	}
	if get("mode") != "lookup" {
		return nil
	}
	if n := get("number_of_shards"); n != nil && fmt.Sprint(n) != "1" {
		return &esError{http.StatusBadRequest, "illegal_argument_exception",
			fmt.Sprintf("index with [lookup] mode must have [index.number_of_shards] set to 1 or unset; provided %v", n)}
	}
	if get("auto_expand_replicas") == nil {
		if idx == nil {
			idx = map[string]any{}
			if settings == nil {
				settings = map[string]any{}
				body["settings"] = settings
			}
			settings["index"] = idx
		}
		idx["auto_expand_replicas"] = "0-all"
	}
	return nil
}
