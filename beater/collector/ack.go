package collector

import (
	"context"
	"sync"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/common/acker"
)

// tracker orders acknowledgements per page so that a collection's cursor
// only advances past a page once that page and every page before it are
// fully acknowledged. Pages are begun and sealed by the worker in publish
// order; acknowledgements arrive from the pipeline's ACK listener, which is
// acker.EventPrivateReporter: every event carries its page's mark.
//
// One rule covers every page, with events or without (every element
// rejected): a page completes when it is sealed and none of its events is
// outstanding, and the cursor moves to the last completed page that has
// no incomplete page before it.
//
// acker.LastEventPrivateReporter, with the cursor on each page's last
// event, is not used: it reports only the last event of an
// acknowledgement, and only when that event carries data, so a page
// without events (its cursor on no event) would need its own count of
// outstanding events, the dropped-event watch (drops.go) the document id
// of every acknowledged event, and run_once's wait a count of every
// acknowledgement: three listeners and the same sequencing as here.
type tracker struct {
	commit func(cursor string) // persists a cursor; called in order
	// onComplete, when set, is handed the completed pages, in order and
	// before their cursor is committed (see completeWith).
	onComplete func(done []*pageMark)
	onAck      func(n int) // told how many events were acknowledged
	// onAcked, when set, is told the document ids of every acknowledgement
	// (see reportIDs).
	onAcked func(ids []string)

	mu      sync.Mutex
	pending []*pageMark // begun, not yet completed, in publish order
	done    []*pageMark // completed, not yet persisted, in order
	seq     uint64      // sequence number of the last begun page
	acked   int64
	idle    chan struct{} // closed while nothing is pending
	isIdle  bool

	commitMu sync.Mutex
	stopped  bool // see stop
}

// pageMark travels as the private data of every event of one page.
type pageMark struct {
	seq       uint64
	cursor    string    // the cursor to store once the page is done; "" for none
	changes   []change  // to the record of active indicators, once the page is done
	sweptAt   time.Time // when set, the time of the sweep the page ends, recorded after changes
	remaining int       // events published and not yet acknowledged
	sealed    bool      // all events of the page were handed to the pipeline
	ids       []string  // document ids of the events, with reportIDs
	next      int       // index in ids of the next event to be acknowledged
}

func newTracker(commit func(cursor string), onAck func(n int)) *tracker {
	idle := make(chan struct{})
	close(idle)
	return &tracker{commit: commit, onAck: onAck, idle: idle, isIdle: true}
}

// completeWith hands fn every completed page, in order, before the cursor
// of the last is committed. Call it before the first page.
func (t *tracker) completeWith(fn func(done []*pageMark)) { t.onComplete = fn }

// reportIDs makes the tracker keep the document id of every event until it
// is acknowledged, and hand the ids of every acknowledgement to fn. Call it
// before the first page.
func (t *tracker) reportIDs(fn func(ids []string)) { t.onAcked = fn }

// begin registers a page whose completion moves the cursor to cursor ("":
// it moves no cursor, as the pages of a sweep).
func (t *tracker) begin(cursor string) *pageMark {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.isIdle {
		t.idle = make(chan struct{})
		t.isIdle = false
	}
	t.seq++
	m := &pageMark{seq: t.seq, cursor: cursor}
	t.pending = append(t.pending, m)
	return m
}

// add counts one event of the page about to be published.
func (t *tracker) add(m *pageMark) { t.addID(m, "") }

// addID is add for an event with document id id.
func (t *tracker) addID(m *pageMark, id string) {
	t.mu.Lock()
	m.remaining++
	if t.onAcked != nil {
		m.ids = append(m.ids, id)
	}
	t.mu.Unlock()
}

// seal says that every event of the page was published (or that the page
// had none to publish), so the page may complete.
func (t *tracker) seal(m *pageMark) {
	t.mu.Lock()
	m.sealed = true
	t.advanceLocked()
	t.mu.Unlock()
	t.persist()
}

// onACK is the pipeline's ACK callback (acker.EventPrivateReporter): the
// private data of the acknowledged events, in publish order.
func (t *tracker) onACK(_ int, privates []interface{}) {
	n := 0
	var ids []string
	if t.onAcked != nil {
		ids = make([]string, 0, len(privates))
	}
	t.mu.Lock()
	for _, p := range privates {
		if m, ok := p.(*pageMark); ok {
			if t.onAcked != nil && m.next < len(m.ids) {
				ids = append(ids, m.ids[m.next])
				m.next++
			}
			m.remaining--
			n++
		}
	}
	t.acked += int64(n)
	t.advanceLocked()
	t.mu.Unlock()
	if t.onAck != nil && n > 0 {
		t.onAck(n)
	}
	if t.onAcked != nil && n > 0 {
		t.onAcked(ids)
	}
	t.persist()
}

// advanceLocked moves the completed pages at the head of the queue to
// done.
func (t *tracker) advanceLocked() {
	for len(t.pending) > 0 && t.pending[0].sealed && t.pending[0].remaining <= 0 {
		t.done = append(t.done, t.pending[0])
		t.pending[0] = nil
		t.pending = t.pending[1:]
	}
}

// persist hands the completed pages to onComplete and commits the cursor
// of the last one that has one. seal and onACK race to get here: the
// first takes every page completed so far, in order, and the other finds
// none or later ones.
func (t *tracker) persist() {
	t.commitMu.Lock()
	defer t.commitMu.Unlock()
	t.mu.Lock()
	done := t.done
	t.done = nil
	t.mu.Unlock()
	if len(done) > 0 && !t.stopped {
		if t.onComplete != nil {
			t.onComplete(done)
		}
		for i := len(done) - 1; i >= 0; i-- {
			if done[i].cursor != "" {
				t.commit(done[i].cursor)
				break
			}
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.isIdle && len(t.pending) == 0 && len(t.done) == 0 {
		close(t.idle)
		t.isIdle = true
	}
}

// stop makes the tracker persist nothing more, once a commit in progress
// is done. libbeat's queue may acknowledge a closed client's events later
// (when shutdown_timeout ran out first); by then the collection's
// successor (a reconfigured input) may be writing the cursor file, and the
// pages of those events are fetched again from the cursor stored before.
func (t *tracker) stop() {
	t.commitMu.Lock()
	t.stopped = true
	t.commitMu.Unlock()
}

// Acked is the number of acknowledged events.
func (t *tracker) Acked() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.acked
}

// wait blocks until every begun page is committed or ctx ends.
func (t *tracker) wait(ctx context.Context) error {
	t.mu.Lock()
	idle := t.idle
	t.mu.Unlock()
	select {
	case <-idle: // preferred when ctx has ended too
		return nil
	default:
	}
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ackListener persists cursors from the pipeline's acknowledgements.
func ackListener(tr *tracker) beat.EventListener {
	return acker.EventPrivateReporter(tr.onACK)
}
