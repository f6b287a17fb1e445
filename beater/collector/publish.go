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
// logged, not published.
func (w *worker) publishPage(page *threatq.Page) {
	mark := w.tracker.begin(page.NextCursor)
	created := w.now().UTC()
	events := make([]beat.Event, 0, min(publishChunk, len(page.Indicators)))
	published := 0
	flush := func() {
		w.pub.PublishAll(events)
		published += len(events)
		clear(events) // the pipeline copied them; drop the references
		events = events[:0]
	}
	for i, raw := range page.Indicators {
		e, err := threat.Map(raw, w.settings, created)
		if err != nil {
			w.stats.rejected.Inc()
			w.log.Warnw("skipping element that is not a ThreatQ indicator", "collection", w.collection,
				"cursor", page.Cursor, "position", page.Position(i), "error", err)
			continue
		}
		if e.Filtered != "" {
			w.stats.filter(e.Filtered)
			continue
		}
		w.tracker.addID(mark, e.ID)
		events = append(events, beat.Event{
			Timestamp: e.Timestamp,
			Meta:      mapstr.M{"_id": e.ID},
			Fields:    e.Fields,
			Private:   mark,
		})
		if len(events) == publishChunk {
			flush()
		}
	}
	if len(events) > 0 {
		flush()
	}
	w.stats.fetched.Add(uint64(len(page.Indicators)))
	w.stats.published.Add(uint64(published))
	w.tracker.seal(mark)
}
