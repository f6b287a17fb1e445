package collector

import (
	"errors"
	"sync"
	"time"

	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/module/threatq"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// change is one change to the record of active indicators that a page
// makes once the output acknowledged it (see tracker.completeWith): k is
// recorded active, or forgotten (del).
type change struct {
	key threat.Key
	del bool
}

func putChange(k threat.Key) change { return change{key: k} }
func delChange(k threat.Key) change { return change{key: k, del: true} }

// activeRecord is a collection's record shared by its worker, which reads
// it, and the acknowledgements, which change it: the worker asks which
// indicators are active, a sweep marks those it sees, and every completed
// page applies its changes and writes them to the file before its cursor
// is stored.
type activeRecord struct {
	mu  sync.Mutex
	rec *record
}

// openActive loads the record of active indicators of a collection whose
// stored cursor is cursor. A new collection's record starts empty, swept
// now: its first run publishes it in full. A collection synced before
// without a record (or with a damaged one, which is set aside) gets an
// empty record to be swept at the end of its next run, which publishes its
// active indicators again and so records them. Nil when the file cannot be
// read or written: the collection then runs without one (no tombstones).
func (r *Runner) openActive(id, cursor string, log *logp.Logger) *activeRecord {
	rec, found, err := r.store.openRecord(id)
	switch {
	case errors.Is(err, errDamagedRecord):
		aside, aerr := rec.setAside()
		if aerr != nil {
			log.Errorw("the record of active indicators is damaged and cannot be set aside; the collection runs without one (nothing is retired)", "error", err, "set_aside_error", aerr)
			return nil
		}
		log.Errorw("the record of active indicators is damaged; it was set aside and the next sweep rebuilds it", "error", err, "set_aside", aside)
	case err != nil:
		log.Errorw("cannot read the record of active indicators; the collection runs without one (nothing is retired)", "error", err)
		return nil
	case !found && (cursor == "" || cursor == threatq.StartCursor):
		rec.setSwept(r.opts.Now())
	case !found:
		log.Infow("no record of active indicators yet: the next sweep records them, publishing the collection's active indicators again")
	}
	if err := rec.flush(); err != nil {
		log.Errorw("cannot write the record of active indicators; the collection runs without one (nothing is retired)", "error", err)
		return nil
	}
	return &activeRecord{rec: rec}
}

// apply applies the changes of completed pages and writes them.
func (a *activeRecord) apply(done []*pageMark) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, m := range done {
		for _, c := range m.changes {
			if c.del {
				a.rec.del(c.key)
			} else {
				a.rec.put(c.key)
			}
		}
		if !m.sweptAt.IsZero() {
			a.rec.setSwept(m.sweptAt)
		}
		m.changes = nil
	}
	return a.rec.flush()
}

// has reports whether k is recorded active.
func (a *activeRecord) has(k threat.Key) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rec.set.has(k)
}

// Len is the number of indicators recorded active.
func (a *activeRecord) Len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rec.set.Len()
}

// sweptAt is when the last sweep completed; zero when none did.
func (a *activeRecord) sweptAt() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rec.sweptAt
}

// beginSweep clears the marks: from now on, an indicator is marked when
// the sweep sees it or it is recorded again.
func (a *activeRecord) beginSweep() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rec.set.clearMarks()
}

// see marks k and reports whether it is recorded.
func (a *activeRecord) see(k threat.Key) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rec.set.mark(k)
}

// unseen are the recorded indicators not marked since beginSweep.
func (a *activeRecord) unseen() []threat.Key {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rec.set.unmarked()
}
