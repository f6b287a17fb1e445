package threat

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTombstoneReplacesTheIndicator: a tombstone carries the indicator's
// unique keys (the latest transform groups on threatq.id and
// threatq.indicator_key), so once ingested after the indicator it is the
// newest document of that group; it is expired at the retirement time, so
// the retention policy removes it from the alias a minute later; it passes
// the transform's source query; it has no indicator value, so no rule can
// match it meanwhile; and its document id is its own.
func TestTombstoneReplacesTheIndicator(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 123_000_000, time.UTC)
	s := Settings{Namespace: "prod", Tags: []string{"threatq-threat", TagPreserveOriginal}, Expiration: time.Hour}
	ind := mustMap(t, `{"id":336,"value":"198.51.100.7","type":{"name":"IP Address"},"updated_at":"2026-02-01 00:00:00"}`, s)

	ts := Tombstone(Retirement{Key: ind.Key, Reason: ReasonNotInCollection, At: at}, s)
	assert.Equal(t, ind.Key, ts.Key)
	assert.Equal(t, at, ts.Timestamp)
	assert.Equal(t, at, ts.ExpiredAt)
	assert.False(t, ts.ActiveAt(at))
	assert.Empty(t, ts.Filtered)
	assert.Equal(t, "retired-id-336-1772366400123", ts.ID)
	assert.NotEqual(t, ind.ID, ts.ID)
	assert.NotEqual(t, ts.ID, Tombstone(Retirement{Key: ind.Key, Reason: ReasonNotInCollection, At: at.Add(time.Millisecond)}, s).ID, "one id per retirement")

	tq := ts.Fields["threatq"].(object)
	assert.Equal(t, object{
		"id":                    int64(336),
		"ioc_expired_at":        "2026-03-01T12:00:00.123Z",
		"ioc_expiration_reason": ReasonNotInCollection,
	}, tq)
	// The transform's source query: input.type threatq, not a pipeline error.
	assert.Equal(t, "threatq", field(t, ts, "input.type"))
	assert.Equal(t, "enrichment", field(t, ts, "event.kind"))
	assert.Equal(t, "indicator-retired", field(t, ts, "event.action"))
	assert.Nil(t, field(t, ts, "event.type"), "not an indicator for Kibana's Intelligence page")
	assert.Nil(t, field(t, ts, "event.category"))
	assert.Equal(t, "prod", field(t, ts, "data_stream.namespace"))
	assert.Nil(t, field(t, ts, "threat.indicator"), "no value a rule could match")
	assert.Equal(t, []string{"threatq-threat"}, ts.Fields["tags"], "no event.original, so not its tag")

	byKey := Tombstone(Retirement{Key: Key{IndicatorKey: "802"}, Reason: FilterMinScore.Reason(), At: at}, Settings{})
	assert.Equal(t, object{
		"indicator_key":         "802",
		"ioc_expired_at":        "2026-03-01T12:00:00.123Z",
		"ioc_expiration_reason": FilterMinScore.Reason(),
	}, byKey.Fields["threatq"])
	assert.Equal(t, "retired-key-802-1772366400123", byKey.ID)
	assert.NotEqual(t, Tombstone(Retirement{Key: Key{ID: 802}, Reason: "r", At: at}, Settings{}).ID,
		Tombstone(Retirement{Key: Key{IndicatorKey: "802"}, Reason: "r", At: at}, Settings{}).ID)
	require.NotContains(t, byKey.Fields, "tags")
}

// TestTombstoneRetiresTheValue: with the indicator's value, the tombstone
// shows which value it retires; its key, not the value, is what retires the
// indicator in the alias and the ES|QL lookup index, so the document id
// does not depend on the value either.
func TestTombstoneRetiresTheValue(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ind := mustMap(t, `{"id":336,"value":"198.51.100.7","type":{"name":"IP Address"}}`, Settings{})
	assert.Equal(t, "198.51.100.7", ind.Value)
	ts := Tombstone(Retirement{Key: ind.Key, Value: ind.Value, Reason: ReasonNotInCollection, At: at}, Settings{})
	assert.Equal(t, object{
		"id":                    int64(336),
		"indicator_value":       "198.51.100.7",
		"ioc_expired_at":        "2026-03-01T12:00:00.000Z",
		"ioc_expiration_reason": ReasonNotInCollection,
	}, ts.Fields["threatq"])
	assert.Equal(t, "198.51.100.7", ts.Value)
	assert.Nil(t, field(t, ts, "threat.indicator"), "still no value a rule could match")
	assert.Equal(t, Tombstone(Retirement{Key: ind.Key, Reason: "r", At: at}, Settings{}).ID, ts.ID, "the id does not depend on the value")
	assert.Empty(t, mustMap(t, `{"id":1}`, Settings{}).Value)
}

// TestTombstoneFieldsAreFresh: events are changed in place by processors.
func TestTombstoneFieldsAreFresh(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	a := Tombstone(Retirement{Key: Key{ID: 1}, Reason: "r", At: at}, Settings{Tags: []string{"x"}})
	a.Fields["threatq"].(object)["id"] = int64(2)
	a.Fields["tags"].([]string)[0] = "y"
	b := Tombstone(Retirement{Key: Key{ID: 1}, Reason: "r", At: at}, Settings{Tags: []string{"x"}})
	assert.Equal(t, int64(1), b.Fields["threatq"].(object)["id"])
	assert.Equal(t, []string{"x"}, b.Fields["tags"])
}

func TestRepublishID(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ev := mustMap(t, `{"id":336,"updated_at":"2020-11-15 00:00:02"}`, Settings{})
	id := RepublishID(ev.ID, at)
	assert.Equal(t, "336-1605398402000-republished-1772366400000", id)
	assert.NotEqual(t, id, RepublishID(ev.ID, at.Add(time.Millisecond)))
	assert.NotEqual(t, id, Tombstone(Retirement{Key: ev.Key, Reason: "r", At: at}, Settings{}).ID)
}
