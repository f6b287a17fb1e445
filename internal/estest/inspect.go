package estest

import (
	"fmt"
	"slices"
)

// Indices returns the index names, sorted.
func (s *Server) Indices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.indices)
}

// Index returns an index as created (its settings and mappings merged with
// those of the template it matched), or nil.
func (s *Server) Index(name string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ix, ok := s.indices[name]; ok {
		return ix.body
	}
	return nil
}

// IndexTemplate returns the composable template an index took its
// settings and mappings from ("" for none, or an unknown index).
func (s *Server) IndexTemplate(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ix, ok := s.indices[name]; ok {
		return ix.template
	}
	return ""
}

// Aliases returns the aliases of an index, sorted.
func (s *Server) Aliases(name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ix, ok := s.indices[name]
	if !ok {
		return nil
	}
	return sortedKeys(ix.aliases)
}

// TransformState returns a transform's state ("" when absent).
func (s *Server) TransformState(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.transforms[id]; ok {
		return t.state
	}
	return ""
}

// DataStreams returns the data stream names, sorted.
func (s *Server) DataStreams() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.dataStreams)
}

// DataStream returns a data stream as GET /_data_stream reports it (name,
// template, index_mode, ilm_policy or lifecycle), or nil.
func (s *Server) DataStream(name string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dataStreams[name]
}

// Templates returns the composable index template names, built-in ones
// included, sorted.
func (s *Server) Templates() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.templates)
}

// Summary renders the recorded requests as "METHOD /path" lines.
func Summary(reqs []Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.String()
	}
	return out
}

// Find returns the first recorded request with method and path (query
// included), or false.
func Find(reqs []Request, method, p string) (Request, bool) {
	i := slices.IndexFunc(reqs, func(r Request) bool { return r.Method == method && r.Path == p })
	if i < 0 {
		return Request{}, false
	}
	return reqs[i], true
}

// String helps debugging: the stored object names.
func (s *Server) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("policies=%v templates=%v pipelines=%v data_streams=%v indices=%v transforms=%v",
		sortedKeys(s.policies), sortedKeys(s.templates), sortedKeys(s.pipelines), sortedKeys(s.dataStreams), sortedKeys(s.indices), sortedKeys(s.transforms))
}
