package beater

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq"
)

// inputDiagnostics is the content of an Agent input's diagnostics file. It
// holds no secret: client_secret and the TLS key are never part of it, and
// url and token_url are shown as threatq.RedactURL shows them.
type inputDiagnostics struct {
	ID          string                  `json:"id"`
	Unit        string                  `json:"unit_id"`
	State       string                  `json:"state"`
	Started     time.Time               `json:"started"`
	URL         string                  `json:"url"`
	TokenURL    string                  `json:"token_url"`
	ClientID    string                  `json:"client_id"`
	Index       string                  `json:"index,omitempty"`
	Namespace   string                  `json:"namespace"`
	Interval    string                  `json:"interval"`
	PageSize    int                     `json:"page_size"`
	Collections []collectionDiagnostics `json:"collections"`
}

type collectionDiagnostics struct {
	ID         string `json:"id"`
	CursorFile string `json:"cursor_file"`
	Cursor     string `json:"cursor,omitempty"`
	CursorErr  string `json:"cursor_error,omitempty"`
	Total      int64  `json:"collection_total"`
	Counts     Counts `json:"counts"`
	LastError  string `json:"last_error,omitempty"`
}

// registerDiagnostics adds the input's file to its unit's diagnostics
// (elastic-agent diagnostics, or the stub agent in tests).
func (a *agentInputs) registerDiagnostics(r *agentInput) {
	if r.spec.diag == nil {
		return
	}
	name := "threatq-input-" + r.spec.name
	r.spec.diag.Register(name, "state of the ThreatQ input "+r.spec.id+": collections, cursors, counters, last errors",
		name+".json", "application/json", func() []byte {
			b, err := json.MarshalIndent(r.diagnostics(), "", "  ")
			if err != nil {
				return []byte(err.Error())
			}
			return b
		})
}

func (r *agentInput) diagnostics() inputDiagnostics {
	s := r.spec
	d := inputDiagnostics{
		ID: s.id, Unit: s.unitID, State: "running", Started: r.started.UTC(),
		URL: threatq.RedactURL(s.cfg.URL), TokenURL: threatq.RedactURL(s.cfg.TokenEndpoint()), ClientID: s.cfg.ClientID,
		Index: s.index, Namespace: s.cfg.DataStream.Namespace,
		Interval: s.cfg.Interval.String(), PageSize: s.cfg.PageSize,
	}
	select {
	case <-r.done:
		d.State = "stopped"
	default:
	}
	failed := r.in.health.snapshot()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, col := range s.cfg.Collections {
		c := collectionDiagnostics{ID: col.ID, CursorFile: r.in.store.Path(col.ID), LastError: failed[r.in.key(col.ID)]}
		cur, err := r.in.store.Load(col.ID)
		c.Cursor = cur
		if err != nil {
			c.CursorErr = err.Error()
		}
		if st, ok := r.stats[col.ID]; ok {
			c.Counts = st.counts()
			c.Total = st.total.Get()
		}
		d.Collections = append(d.Collections, c)
	}
	sort.Slice(d.Collections, func(i, j int) bool { return d.Collections[i].ID < d.Collections[j].ID })
	return d
}
