package estest

import "net/http"

// transform serves /_transform/<id>[/_start|_stop|_stats|_schedule_now] as the
// transform plugin's transport actions answer: TransportPutTransformAction
// refuses an existing id (409), TransportDeleteTransformAction a running
// transform without force, TransportStartTransformAction a started one
// (after creating a missing destination), TransportStopTransformAction a
// failed one without force; an unknown id is a 404
// resource_not_found_exception (TransformMessages.UNKNOWN_TRANSFORM).
func (s *Server) transform(r *http.Request, parts []string, doc map[string]any) (int, any) {
	id, m := parts[0], r.Method
	t, exists := s.transforms[id]
	missing := func() (int, any) {
		return http.StatusNotFound, errBody("resource_not_found_exception", "Transform with id ["+id+"] could not be found", http.StatusNotFound)
	}
	if len(parts) == 1 {
		switch m {
		case http.MethodPut:
			if exists {
				return http.StatusConflict, errBody("resource_already_exists_exception", "Transform with id ["+id+"] already exists", http.StatusConflict)
			}
			s.transforms[id] = &transform{body: doc, state: "stopped"}
			return http.StatusOK, ack
		case http.MethodGet:
			if !exists {
				return missing()
			}
			out := map[string]any{"id": id, "version": s.opts.Version, "create_time": 1767225600000}
			for k, v := range t.body {
				out[k] = v
			}
			return http.StatusOK, map[string]any{"count": 1, "transforms": []any{out}}
		case http.MethodDelete:
			if !exists {
				return missing()
			}
			if (t.state == "started" || t.state == "indexing") && r.URL.Query().Get("force") != "true" {
				return http.StatusConflict, errBody("status_exception", "Cannot delete transform ["+id+"] as the task is running. Stop the task first", http.StatusConflict)
			}
			delete(s.transforms, id)
			return http.StatusOK, ack
		}
	}
	if len(parts) == 2 {
		if !exists {
			return missing()
		}
		switch {
		case parts[1] == "_start" && m == http.MethodPost:
			if t.state == "started" || t.state == "indexing" {
				return http.StatusConflict, errBody("status_exception", "Cannot start transform ["+id+"] as it is already started", http.StatusConflict)
			}
			dest, _ := t.body["dest"].(map[string]any)
			name, _ := dest["index"].(string)
			if _, ok := s.indices[name]; !ok {
				// TransformIndex.createDestinationIndex: the transform creates
				// a missing destination, with its dest.aliases, through the
				// create index service, so templates apply (and may refuse).
				ix, err := s.createIndex(name, map[string]any{})
				if err != nil {
					return err.status, errBody(err.typ, err.reason, err.status)
				}
				as, _ := dest["aliases"].([]any)
				for _, a := range as {
					am, _ := a.(map[string]any)
					if n, _ := am["alias"].(string); n != "" {
						ix.aliases[n] = true
					}
				}
				s.indices[name] = ix
			}
			t.state = "started"
			// The first checkpoint starts as the transform does.
			if err := s.checkpoint(t); err != nil {
				t.state = "failed"
			}
			return http.StatusOK, ack
		case parts[1] == "_schedule_now" && m == http.MethodPost:
			if t.state == "started" || t.state == "indexing" {
				if err := s.checkpoint(t); err != nil {
					return err.status, errBody(err.typ, err.reason, err.status)
				}
			}
			return http.StatusOK, ack
		case parts[1] == "_stop" && m == http.MethodPost:
			if t.state == "failed" && r.URL.Query().Get("force") != "true" {
				return http.StatusConflict, errBody("status_exception", "Unable to stop transform ["+id+"] as it is in a failed state. Use force stop to stop the transform.", http.StatusConflict)
			}
			t.state = "stopped"
			return http.StatusOK, ack
		case parts[1] == "_stats" && m == http.MethodGet:
			return http.StatusOK, map[string]any{"count": 1, "transforms": []any{map[string]any{"id": id, "state": t.state,
				"checkpointing": map[string]any{"last": map[string]any{"checkpoint": t.checkpoint}}}}}
		}
	}
	return http.StatusBadRequest, errBody("estest_unsupported", "the test double does not serve "+m+" "+r.URL.Path, http.StatusBadRequest)
}

// Summary renders the recorded requests as "METHOD /path" lines.
