package collector

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/monitoring"
)

// outputDroppedMetric is libbeat's count of events the output dropped:
// events Elasticsearch refused for good (a 413 for a single event, a
// mapping error or another non-retryable per-item status without a dead
// letter index) and events that could not be encoded.
const outputDroppedMetric = "libbeat.output.events.dropped"

// maxLoggedIDs bounds the indicator ids one drop line lists.
const maxLoggedIDs = 1024

// dropPollEvery is how often the watch looks at the counter between
// acknowledgements, so that a drop recorded after the last one is seen.
const dropPollEvery = time.Second

// OutputDropped reads outputDroppedMetric from the beat's stats registry.
func OutputDropped(reg *monitoring.Registry) func() uint64 {
	return uintMetric(reg, outputDroppedMetric)
}

// uintMetric reads the counter name of reg. It looks the counter up each
// time: libbeat replaces the output's counters when the output is reloaded.
func uintMetric(reg *monitoring.Registry, name string) func() uint64 {
	return func() uint64 {
		if v, ok := reg.Get(name).(*monitoring.Uint); ok {
			return v.Get()
		}
		return 0
	}
}

// DropWatch turns rises of libbeat's output.events.dropped into
// per-collection accounting. libbeat completes a dropped event exactly like
// a delivered one (Batch.Drop and Batch.ACK both acknowledge it to the
// pipeline client), so no client can tell which of its events were
// dropped. The watch compares the counter at every acknowledgement (which
// libbeat delivers one at a time, in order) and blames a rise on the
// events of that acknowledgement and of the one before it: libbeat counts
// a per-item refusal just before acknowledging the batch, and a 413 for a
// single event just after. A rise seen by the periodic poll is blamed on
// the last acknowledgement. The dropped events are among the events
// blamed; the acknowledgement is per batch, so that is as precise as
// libbeat allows.
type DropWatch struct {
	dropped func() uint64
	active  func() uint64 // nil: settle does not wait
	log     *logp.Logger

	mu   sync.Mutex
	seen uint64
	last *ackedEvents // the latest acknowledgement, not yet blamed
}

// ackedEvents is one acknowledgement of a collection's events.
type ackedEvents struct {
	sink *dropSink
	ids  []string // document ids, in publish order
}

// NewDropWatch watches the counter dropped returns; nil when there is no
// counter (the methods of a nil watch do nothing). active, if not nil,
// reads the events the output holds and has not completed yet
// (OutputActive), which settle waits for.
func NewDropWatch(dropped, active func() uint64, log *logp.Logger) *DropWatch {
	if dropped == nil {
		return nil
	}
	return &DropWatch{dropped: dropped, active: active, log: log, seen: dropped()}
}

// acked is told about every acknowledgement of s's events.
func (w *DropWatch) acked(s *dropSink, ids []string) {
	if w != nil {
		w.check(&ackedEvents{sink: s, ids: ids})
	}
}

// poll looks at the counter outside an acknowledgement.
func (w *DropWatch) poll() {
	if w != nil {
		w.check(nil)
	}
}

// Run polls every dropPollEvery until ctx ends.
func (w *DropWatch) Run(ctx context.Context) { w.runEvery(ctx, dropPollEvery) }

func (w *DropWatch) runEvery(ctx context.Context, every time.Duration) {
	if w == nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.poll()
		}
	}
}

func (w *DropWatch) check(cur *ackedEvents) {
	w.mu.Lock()
	now := w.dropped()
	if now < w.seen {
		w.seen = now // a reloaded output counts from zero again
	}
	n := now - w.seen
	w.seen = now
	if n == 0 {
		if cur != nil {
			w.last = cur
		}
		w.mu.Unlock()
		return
	}
	var suspects []*ackedEvents
	for _, a := range []*ackedEvents{w.last, cur} {
		if a != nil {
			suspects = append(suspects, a)
		}
	}
	w.last = nil
	w.mu.Unlock()
	w.blame(n, suspects)
}

// blame reports n dropped events to every collection among the suspects,
// with the ids of its suspected events.
func (w *DropWatch) blame(n uint64, suspects []*ackedEvents) {
	var sinks []*dropSink
	ids := map[*dropSink][]string{}
	for _, a := range suspects {
		if _, ok := ids[a.sink]; !ok {
			sinks = append(sinks, a.sink)
		}
		ids[a.sink] = append(ids[a.sink], a.ids...)
	}
	if len(sinks) == 0 {
		w.log.Errorw("the output dropped events that threatqbeat cannot attribute to a collection; see the output's errors in this log",
			"dropped", n)
		return
	}
	for _, s := range sinks {
		var others []string
		for _, o := range sinks {
			if o != s {
				others = append(others, o.collection)
			}
		}
		s.dropped(n, ids[s], others)
	}
}

// dropSink is where a collection's drops are counted, logged and turned
// into health.
type dropSink struct {
	collection string
	log        *logp.Logger
	stats      *collectionStats
	// onDrop is told, after every drop, how many events were dropped since
	// the last run verdict.
	onDrop func(pending uint64)

	mu      sync.Mutex
	pending uint64
}

// dropped records n dropped events among the given document ids (others:
// collections the same drop may belong to instead).
func (s *dropSink) dropped(n uint64, docIDs []string, others []string) {
	s.stats.dropped.Add(n)
	s.mu.Lock()
	s.pending += n
	pending := s.pending
	s.mu.Unlock()
	fields := []any{"collection", s.collection, "dropped", n, "indicator_ids", indicatorIDs(docIDs), "candidates", len(docIDs)}
	if len(others) > 0 {
		fields = append(fields, "or_collections", others)
	}
	s.log.Errorw(fmt.Sprintf("the output dropped %d event(s) of collection %s: they are not stored, yet acknowledged, so the cursor moved past them. "+
		"The dropped events are among the indicators listed (libbeat acknowledges per batch); the output's log says why (e.g. 413 Request Entity Too Large, a mapping error)",
		n, s.collection), fields...)
	if s.onDrop != nil {
		s.onDrop(pending)
	}
}

// take returns the drops since the last call and starts counting again: a
// run's verdict takes them.
func (s *dropSink) take() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.pending
	s.pending = 0
	return n
}

// dropError is the health message of a collection whose events were
// dropped.
func dropError(n uint64) error {
	return fmt.Errorf("the output dropped %d event(s) since the last clean run: they are missing from the output (the error log lists their indicator ids)", n)
}

// indicatorIDs turns document ids (<threatq.id>-<updated_at ms>, or
// sha256-<hash> for an indicator without id or updated_at) into indicator
// ids, at most maxLoggedIDs of them.
func indicatorIDs(docIDs []string) []string {
	out := make([]string, 0, min(len(docIDs), maxLoggedIDs))
	for _, id := range docIDs {
		if len(out) == maxLoggedIDs {
			out = append(out, fmt.Sprintf("… and %d more", len(docIDs)-maxLoggedIDs))
			break
		}
		if !strings.HasPrefix(id, "sha256-") {
			id, _, _ = strings.Cut(id, "-")
		}
		out = append(out, id)
	}
	return out
}
