package collector

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/elastic/beats/v7/libbeat/common/diagnostics"

	"github.com/threatqbeat/threatqbeat/module/threatq"
)

// inputDiagnostics is the content of a runner's diagnostics file. It holds
// no secret: client_secret and the TLS key are never part of it, and url
// and token_url are shown as threatq.RedactURL shows them.
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
	Sweep       string                  `json:"sweep_interval"`
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
	// RecordFile holds the indicators recorded active (Active of them),
	// which the last complete sweep (LastSweep) compared with the
	// collection.
	RecordFile string    `json:"record_file"`
	Active     int       `json:"active_indicators"`
	LastSweep  time.Time `json:"last_sweep,omitzero"`
}

// Diagnostics is the runner's file in its Elastic Agent unit's diagnostics
// (diagnostics.DiagnosticReporter): collections, cursors, counters and
// last errors.
func (r *Runner) Diagnostics() []diagnostics.DiagnosticSetup {
	name := "threatq-input-" + r.opts.Name
	return []diagnostics.DiagnosticSetup{{
		Name:        name,
		Description: "state of the ThreatQ input " + r.opts.ID + ": collections, cursors, counters, last errors",
		Filename:    name + ".json",
		ContentType: "application/json",
		Callback: func() []byte {
			b, err := json.MarshalIndent(r.diagnostics(), "", "  ")
			if err != nil {
				return []byte(err.Error())
			}
			return b
		},
	}}
}

func (r *Runner) diagnostics() inputDiagnostics {
	c := r.cfg
	d := inputDiagnostics{
		ID: r.opts.ID, Unit: r.opts.Unit, State: "running",
		URL: threatq.RedactURL(c.URL), TokenURL: threatq.RedactURL(c.TokenEndpoint()), ClientID: c.ClientID,
		Index: r.opts.Index, Namespace: c.DataStream.Namespace,
		Interval: c.Interval.String(), PageSize: c.PageSize, Sweep: c.SweepInterval.String(),
	}
	r.healthMu.Lock()
	failed, keys := r.health.snapshot(), map[string]string{}
	for _, col := range c.Collections {
		keys[col.ID] = r.key(col.ID)
	}
	r.healthMu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	d.Started = r.started.UTC()
	if r.stopped || isClosed(r.done) {
		d.State = "stopped"
	}
	for _, col := range c.Collections {
		cd := collectionDiagnostics{ID: col.ID, CursorFile: r.store.Path(col.ID), LastError: failed[keys[col.ID]], RecordFile: r.store.recordPath(col.ID)}
		cur, err := r.store.Load(col.ID)
		cd.Cursor = cur
		if err != nil {
			cd.CursorErr = err.Error()
		}
		if st, ok := r.stats[col.ID]; ok {
			cd.Counts = st.counts()
			cd.Total = st.total.Get()
			if a := st.active.Load(); a != nil {
				cd.Active, cd.LastSweep = a.Len(), a.sweptAt()
			}
		}
		d.Collections = append(d.Collections, cd)
	}
	sort.Slice(d.Collections, func(i, j int) bool { return d.Collections[i].ID < d.Collections[j].ID })
	return d
}

// isClosed reports a closed channel (false for nil).
func isClosed(ch chan struct{}) bool {
	if ch == nil {
		return false
	}
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
