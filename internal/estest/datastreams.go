package estest

import (
	"net/http"
	"strings"
)

// dataStream serves /_data_stream/<name>.
func (s *Server) dataStream(m, name string) (int, any) {
	switch m {
	case http.MethodPut:
		if _, ok := s.dataStreams[name]; ok {
			return http.StatusBadRequest, errBody("resource_already_exists_exception", "data_stream ["+name+"] already exists", http.StatusBadRequest)
		}
		if _, ok := s.indices[name]; ok {
			return http.StatusBadRequest, errBody("resource_already_exists_exception", "index ["+name+"/estest-uuid] already exists", http.StatusBadRequest)
		}
		ds, err := s.createDataStream(name)
		if err != nil {
			return err.status, errBody(err.typ, err.reason, err.status)
		}
		s.dataStreams[name] = ds
		return http.StatusOK, ack
	case http.MethodGet:
		ds, ok := s.dataStreams[name]
		if !ok {
			return indexNotFound(name)
		}
		return http.StatusOK, map[string]any{"data_streams": []any{ds}}
	case http.MethodDelete:
		if _, ok := s.dataStreams[name]; !ok {
			return indexNotFound(name)
		}
		delete(s.dataStreams, name)
		delete(s.docs, name)
		return http.StatusOK, ack
	}
	return http.StatusMethodNotAllowed, errBody("method_not_allowed", m, http.StatusMethodNotAllowed)
}

// createDataStream finds the data stream's template as
// MetadataCreateDataStreamService.lookupTemplateForDataStream does (the
// winning template must exist and create data streams) and describes the
// data stream as GET /_data_stream does: its template, index mode,
// lifecycle and ILM policy.
func (s *Server) createDataStream(name string) (map[string]any, *esError) {
	tname, tmpl := s.winner(name)
	if tmpl == nil {
		return nil, &esError{http.StatusBadRequest, "illegal_argument_exception", "no matching index template found for data stream [" + name + "]"}
	}
	if _, ds := tmpl["data_stream"].(map[string]any); !ds {
		return nil, &esError{http.StatusBadRequest, "illegal_argument_exception",
			"matching index template [" + tname + "] for data stream [" + name + "] has no data stream template"}
	}
	ds := map[string]any{"name": name, "template": tname, "indices": []any{map[string]any{"index_name": ".ds-" + name + "-000001"}}}
	inner, _ := tmpl["template"].(map[string]any)
	if inner["lifecycle"] != nil {
		ds["lifecycle"] = inner["lifecycle"]
	}
	settings, _ := inner["settings"].(map[string]any)
	idx, _ := settings["index"].(map[string]any)
	if lc, _ := idx["lifecycle"].(map[string]any); lc["name"] != nil {
		ds["ilm_policy"] = lc["name"]
	}
	ds["index_mode"] = s.indexMode(name, settings)
	return ds, nil
}

// indexMode is the index.mode of a data stream's backing indices: the
// template's (index.mode or index: {mode}), else logsdb for a logs-*-*
// data stream when cluster.logsdb.enabled (LogsdbIndexModeSettingsProvider
// .getAdditionalIndexSettings), else standard.
func (s *Server) indexMode(name string, settings map[string]any) string {
	idx, _ := settings["index"].(map[string]any)
	for _, v := range []any{idx["mode"], settings["index.mode"], settings["mode"]} {
		if mode, ok := v.(string); ok && mode != "" {
			return strings.ToLower(mode)
		}
	}
	if s.logsdb && simpleMatch("logs-*-*", name) {
		return "logsdb"
	}
	return "standard"
}
