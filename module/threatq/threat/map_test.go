package threat

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/elastic/elastic-agent-libs/mapstr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustMap(t *testing.T, raw string, s Settings) Event {
	t.Helper()
	ev, err := Map([]byte(raw), s, fixedCreated)
	require.NoError(t, err)
	return ev
}

func field(t *testing.T, ev Event, key string) any {
	t.Helper()
	v, err := ev.Fields.GetValue(key)
	if errors.Is(err, mapstr.ErrKeyNotFound) {
		return nil
	}
	require.NoError(t, err, key)
	return v
}

func TestMapRejects(t *testing.T) {
	for _, raw := range []string{
		``, `  `, `null`, `[]`, `[{"id":1}]`, `"x"`, `42`, `true`, `{`, `{"id":1,}`, `{}`,
		`{"id":null,"value":null}`, `{"value":""}`, `{"type":{"name":"IP Address"}}`, `{"id":"abc"}`,
	} {
		_, err := Map([]byte(raw), Settings{}, fixedCreated)
		require.Error(t, err, "%q", raw)
		assert.ErrorIs(t, err, ErrNotIndicator, "%q", raw)
	}
	for _, raw := range []string{`{"id":1}`, `{"indicator_id":1}`, `{"value":"x"}`, ` {"id":"1"} `} {
		_, err := Map([]byte(raw), Settings{}, fixedCreated)
		assert.NoError(t, err, "%q", raw)
	}
}

func TestMapTimestamp(t *testing.T) {
	ev := mustMap(t, `{"id":1,"updated_at":"2020-11-15 00:00:02"}`, Settings{})
	assert.Equal(t, time.Date(2020, 11, 15, 0, 0, 2, 0, time.UTC), ev.Timestamp)
	assert.Equal(t, "1-1605398402000", ev.ID)
	assert.NotContains(t, ev.Fields, "@timestamp")

	ev = mustMap(t, `{"id":1}`, Settings{})
	assert.Equal(t, fixedCreated, ev.Timestamp, "fetch time when updated_at is absent")
	assert.Equal(t, "2024-05-06T07:08:09.123Z", field(t, ev, "event.created"))
}

func TestMapDuplicateFields(t *testing.T) {
	raw := `{"id":1,"updated_at":"2020-11-15 00:00:02","score":9,"description":"d"}`
	ev := mustMap(t, raw, Settings{})
	for _, k := range []string{"threatq.updated_at", "threatq.score", "threatq.description"} {
		assert.Nil(t, field(t, ev, k), "%s without the tag", k)
	}
	assert.Equal(t, "High", field(t, ev, "threat.indicator.confidence"))
	assert.Equal(t, "d", field(t, ev, "threat.indicator.description"))

	ev = mustMap(t, raw, Settings{Tags: []string{TagPreserveDuplicates}})
	assert.Equal(t, "2020-11-15T00:00:02.000Z", field(t, ev, "threatq.updated_at"))
	assert.Equal(t, int64(9), field(t, ev, "threatq.score"))
	assert.Equal(t, "d", field(t, ev, "threatq.description"))
}

func TestMapEventOriginal(t *testing.T) {
	raw := "{\n  \"value\": \"a b\",\n  \"id\": 1,\n  \"x\": [1, 2.50, \"\\u00e9\"]\n}\n"
	ev := mustMap(t, raw, Settings{Tags: []string{"a"}})
	assert.Nil(t, field(t, ev, "event.original"), "not preserved by default")
	assert.Equal(t, []string{"a"}, ev.Fields["tags"])

	ev = mustMap(t, raw, Settings{Tags: []string{"a"}, PreserveOriginalEvent: true})
	assert.Equal(t, `{"value":"a b","id":1,"x":[1,2.50,"\u00e9"]}`, field(t, ev, "event.original"), "compact, as received")
	assert.Equal(t, []string{"a", TagPreserveOriginal}, ev.Fields["tags"])

	ev = mustMap(t, raw, Settings{Tags: []string{TagPreserveOriginal}, PreserveOriginalEvent: true})
	assert.Equal(t, []string{TagPreserveOriginal}, ev.Fields["tags"], "no duplicate tag")
	assert.NotNil(t, field(t, ev, "event.original"))
}

func TestMapBadFieldsKeepEvent(t *testing.T) {
	raw := `{"id":1,"value":"1.2.3.4","type":{"name":"IP Address"},"created_at":"bad","score":"x","sources":[null]}`
	ev := mustMap(t, raw, Settings{})
	assert.Equal(t, "enrichment", field(t, ev, "event.kind"))
	msgs := field(t, ev, "error.message").([]string)
	require.Len(t, msgs, 3)
	assert.Contains(t, msgs[0], "created_at")
	assert.Contains(t, msgs[1], "score")
	assert.Contains(t, msgs[2], "sources[0]")
	assert.Equal(t, "1.2.3.4", field(t, ev, "threat.indicator.ip"))
	assert.Nil(t, field(t, ev, "threatq.created_at"))
	assert.Nil(t, field(t, ev, "threat.indicator.first_seen"))

	ev = mustMap(t, `{"id":1,"value":"x","type":{"name":"Mutex"}}`, Settings{})
	assert.Nil(t, field(t, ev, "error"), "an unknown type is not an error")
	assert.Nil(t, field(t, ev, "threat.indicator"), "no threat.indicator.* for an unknown type")
	assert.Equal(t, "x", field(t, ev, "threatq.indicator_value"))
}

func TestMapRelatedHashOrder(t *testing.T) {
	ev := mustMap(t, `{"id":1,"hash":"aaa","value":"bbb","type":{"name":"MD5"}}`, Settings{})
	assert.Equal(t, []string{"aaa", "bbb"}, field(t, ev, "related.hash"))
	ev = mustMap(t, `{"id":1,"hash":"aaa","value":"aaa","type":{"name":"SHA-1"}}`, Settings{})
	assert.Equal(t, []string{"aaa"}, field(t, ev, "related.hash"), "no duplicates")
}

func TestMapReference(t *testing.T) {
	raw := `{"id":42,"value":"x"}`
	assert.Nil(t, field(t, mustMap(t, raw, Settings{}), "threat.indicator.reference"), "no URL, no reference")
	assert.Equal(t, "https://tq.example/indicators/42/details",
		field(t, mustMap(t, raw, Settings{URL: "https://tq.example/"}), "threat.indicator.reference"))
	assert.Equal(t, "https://tq.example/x?id=42",
		field(t, mustMap(t, raw, Settings{URL: "https://tq.example", ReferencePath: "/x?id={id}"}), "threat.indicator.reference"))
}

func TestMapEnvelope(t *testing.T) {
	ev := mustMap(t, `{"id":1}`, Settings{Namespace: "prod"})
	for k, want := range map[string]any{
		"event.kind": "enrichment", "event.category": []string{"threat"}, "event.type": []string{"indicator"},
		"event.module": "ti_threatq", "event.dataset": "ti_threatq.threat",
		"data_stream.type": "logs", "data_stream.dataset": "ti_threatq.threat", "data_stream.namespace": "prod",
		"threat.feed.name": "ThreatQuotient", "threat.feed.dashboard_id": "ti_threatq-a05fd810-78f1-11ec-a97c-7db1518ab848",
		"labels.is_ioc_transform_source": "true", "ecs.version": "8.17.0", "input.type": "threatq",
	} {
		assert.Equal(t, want, field(t, ev, k), k)
	}
	assert.Equal(t, "default", field(t, mustMap(t, `{"id":1}`, Settings{}), "data_stream.namespace"))
}

// Events must not share maps or slices with each other or with Settings:
// processors change events in place.
func TestMapEventsDoNotShareState(t *testing.T) {
	s := Settings{Tags: make([]string, 1, 8), PreserveOriginalEvent: true}
	s.Tags[0] = "t"
	a := mustMap(t, `{"id":1}`, s)
	b := mustMap(t, `{"id":1}`, s)
	a.Fields["tags"].([]string)[0] = "changed"
	a.Fields["event"].(object)["category"].([]string)[0] = "changed"
	assert.Equal(t, "t", s.Tags[0])
	assert.Equal(t, "t", b.Fields["tags"].([]string)[0])
	assert.Equal(t, []string{"threat"}, field(t, b, "event.category"))
}

func TestMapNoEmptyValues(t *testing.T) {
	raw := `{"id":1,"value":"","class":"","hash":null,"description":"","adversaries":[],"attributes":[],"sources":[],
		"tags":[null],"created_at":"","uuid":null,"status":{"name":""},"type":null}`
	ev := mustMap(t, raw, Settings{})
	b, err := json.Marshal(ev.Fields)
	require.NoError(t, err)
	for _, empty := range []string{`""`, `null`, `[]`, `{}`} {
		assert.False(t, bytes.Contains(b, []byte(empty)), "found %s in %s", empty, b)
	}
	assert.Equal(t, object{"id": int64(1)}, ev.Fields["threatq"])
}
