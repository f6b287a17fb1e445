package threat

import (
	"slices"
	"strconv"
	"time"
)

// EventActionRetired is event.action of a tombstone. A tombstone has no
// event.category and event.type: it retires an indicator and is not one
// (Kibana's Intelligence page lists event.type: indicator and
// event.category: threat, and ECS expects no other type with that
// category).
const EventActionRetired = "indicator-retired"

// Retirement says which indicator a tombstone retires, why and when.
type Retirement struct {
	// Key is the indicator's key in the latest transform (Event.Key).
	Key Key
	// Value is the indicator's value (Event.Value), "" when not known. It
	// shows which value the tombstone retires; neither transform needs it:
	// the latest transform and the ES|QL lookup index's both key on Key, so
	// a tombstone without a value retires the indicator from both.
	Value string
	// Reason is threatq.ioc_expiration_reason: ReasonNotInCollection for an
	// indicator gone from its collection, or Filter.Reason of the curation
	// option that now drops it.
	Reason string
	// At is the retirement time: @timestamp, event.created and
	// threatq.ioc_expired_at.
	At time.Time
}

// Tombstone returns the event that retires an indicator from the active
// indicators (see Retirement).
//
// The latest transform keeps, per (threatq.id, threatq.indicator_key), the
// document ingested last (it sorts on event.ingested, which the ingest
// pipeline sets on arrival). The tombstone has the indicator's key fields,
// so once it is ingested after the indicator's last document it replaces
// that document in the alias; its threatq.ioc_expired_at is r.At, so the
// transform's retention policy then deletes it a minute later. The ES|QL
// lookup index's transform has the same key and retention, so the
// tombstone retires the indicator there too, with or without r.Value.
// The tombstone passes both transforms' source queries (input.type
// threatq, event.kind enrichment) and carries no threat.indicator.*, so no
// indicator-match rule can match it meanwhile. event.action is
// EventActionRetired.
//
// Its document id is "retired-id-<id>-<At in Unix ms>" (or
// "retired-key-<indicator_key>-<ms>"): unlike an indicator version's, it
// is new for every retirement, so it is never refused as a duplicate, while
// the same retirement sent twice (after a restart, with the same At) is one
// document.
func Tombstone(r Retirement, s Settings) Event {
	fields := envelope(s, r.At)
	event := fields["event"].(object)
	delete(event, "category")
	delete(event, "type")
	event["action"] = EventActionRetired
	tq := object{
		"ioc_expired_at":        formatTime(r.At),
		"ioc_expiration_reason": r.Reason,
	}
	r.Key.put(tq)
	if r.Value != "" {
		tq["indicator_value"] = r.Value
	}
	fields["threatq"] = tq
	tags := slices.DeleteFunc(eventTags(s.Tags, false), func(t string) bool { return t == TagPreserveOriginal })
	if len(tags) > 0 {
		fields["tags"] = tags
	}
	return Event{
		ID:        tombstoneID(r.Key, r.At),
		Timestamp: r.At,
		Fields:    fields,
		Key:       r.Key,
		Value:     r.Value,
		ExpiredAt: r.At,
	}
}

// tombstoneID is the document id of the tombstone retiring key at at.
func tombstoneID(key Key, at time.Time) string {
	b := make([]byte, 0, 64)
	if key.IndicatorKey != "" {
		b = append(b, "retired-key-"...)
		b = append(b, key.IndicatorKey...)
	} else {
		b = append(b, "retired-id-"...)
		b = strconv.AppendInt(b, key.ID, 10)
	}
	b = append(b, '-')
	b = strconv.AppendInt(b, at.UnixMilli(), 10)
	return string(b)
}

// RepublishID is the document id for an indicator version published again
// after a tombstone retired it (a curation option that dropped it no longer
// does): its own id (DocumentID) was indexed before the tombstone, so
// Elasticsearch would refuse it as a duplicate and the tombstone would stay
// the indicator's newest document. It is id followed by "-republished-" and
// at in Unix milliseconds.
func RepublishID(id string, at time.Time) string {
	return id + "-republished-" + strconv.FormatInt(at.UnixMilli(), 10)
}
