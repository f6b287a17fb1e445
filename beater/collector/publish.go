package collector

import (
	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/threatqbeat/threatqbeat/module/threatq"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// publishChunk is how many mapped events are handed to the pipeline at
// once: a page of 10 000 indicators is not held as 10 000 events.
const publishChunk = 500

// publishPage maps and publishes every indicator of a page, publishChunk
// events at a time. Elements that are not indicators are counted and
// logged, not published. An indicator a curation option drops is not
// published; if it is recorded active, a tombstone retires it. Once the
// output acknowledged the page, the record holds the indicators it
// published active and forgets those it published inactive or retired.
func (w *worker) publishPage(page *threatq.Page) {
	mark := w.tracker.begin(page.NextCursor)
	created := w.now().UTC()
	b := w.batch(mark)
	for i, raw := range page.Indicators {
		e, err := threat.Map(raw, w.settings, created)
		if err != nil {
			w.stats.rejected.Inc()
			w.log.Warnw("skipping element that is not a ThreatQ indicator", "collection", w.collection,
				"cursor", page.Cursor, "position", page.Position(i), "error", err)
			continue
		}
		switch {
		case e.Filtered != "":
			w.stats.filter(e.Filtered)
			if w.recorded(e.Key) {
				b.retire(threat.Retirement{Key: e.Key, Value: e.Value, Reason: e.Filtered.Reason(), At: created})
			}
			continue
		case e.ActiveAt(created):
			mark.changes = append(mark.changes, putChange(e.Key))
		default:
			if w.recorded(e.Key) {
				w.stats.retiredInactive.Inc()
			}
			mark.changes = append(mark.changes, delChange(e.Key))
		}
		b.add(e, e.ID)
	}
	b.flush()
	w.stats.fetched.Add(uint64(len(page.Indicators)))
	w.tracker.seal(mark)
}

// recorded reports whether k is recorded active. Only a filtered or an
// inactive indicator asks: an active one, nearly every indicator of a page,
// is recorded whatever the answer.
func (w *worker) recorded(k threat.Key) bool {
	return w.active != nil && w.active.has(k)
}

// batch hands events of one page to the pipeline publishChunk at a time.
type batch struct {
	w      *worker
	mark   *pageMark
	events []beat.Event
}

func (w *worker) batch(mark *pageMark) *batch {
	return &batch{w: w, mark: mark, events: make([]beat.Event, 0, publishChunk)}
}

// add publishes e with document id id.
func (b *batch) add(e threat.Event, id string) {
	b.w.tracker.addID(b.mark, id)
	b.events = append(b.events, beat.Event{
		Timestamp: e.Timestamp,
		Meta:      mapstr.M{"_id": id},
		Fields:    e.Fields,
		Private:   b.mark,
	})
	if len(b.events) == publishChunk {
		b.flush()
	}
}

// retire publishes the tombstone of r and forgets r.Key once it is
// acknowledged.
func (b *batch) retire(r threat.Retirement) {
	e := threat.Tombstone(r, b.w.settings)
	b.mark.changes = append(b.mark.changes, delChange(r.Key))
	b.w.stats.tombstone(r.Reason)
	b.add(e, e.ID)
}

// flush hands the events gathered to the pipeline.
func (b *batch) flush() {
	if len(b.events) == 0 {
		return
	}
	b.w.pub.PublishAll(b.events)
	b.w.stats.published.Add(uint64(len(b.events)))
	clear(b.events) // the pipeline copied them; drop the references
	b.events = b.events[:0]
}
