package collector

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"

	"github.com/threatqbeat/threatqbeat/include"
	"github.com/threatqbeat/threatqbeat/internal/estest"
	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// sourceDocs are events as the source data stream holds them: with
// @timestamp, and event.ingested in publish order from ingested on, as the
// ingest pipeline sets it on arrival.
func sourceDocs(t *testing.T, events []beat.Event, ingested time.Time) []map[string]any {
	t.Helper()
	docs := make([]map[string]any, 0, len(events))
	for i, e := range events {
		b, err := json.Marshal(e.Fields)
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(b, &doc))
		doc["@timestamp"] = e.Timestamp.UTC().Format(time.RFC3339Nano)
		doc["event"].(map[string]any)["ingested"] = ingested.Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339Nano)
		docs = append(docs, doc)
	}
	return docs
}

// afterRetention is what a transform's destination holds at now: the
// documents its retention policy (threatq.ioc_expired_at older than a
// minute) does not delete, keyed by key.
func afterRetention(t *testing.T, kept []map[string]any, now time.Time, key func(tq map[string]any) string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, d := range kept {
		tq := d["threatq"].(map[string]any)
		if at, ok := tq["ioc_expired_at"].(string); ok {
			exp, err := time.Parse(time.RFC3339Nano, at)
			require.NoError(t, err)
			if exp.Before(now.Add(-time.Minute)) {
				continue
			}
		}
		k := key(tq)
		require.NotContains(t, out, k)
		out[k] = d
	}
	return out
}

// The documents threatqbeat publishes over two runs and a sweep — an
// indicator deleted in ThreatQ, one set Whitelisted — go through setup's
// latest and lookup transforms (estest.Latest stands in for
// Elasticsearch's latest function): the alias and the lookup index then
// hold exactly the indicators active in the collection, the deleted one's
// last document is its tombstone, and the Whitelisted one's is its new
// version. The Whitelisted indicator shares its value with an indicator
// that stays active: that value stays in the lookup index although the
// inactive indicator's document was ingested last.
func TestSweptAliasHoldsExactlyTheActiveIndicators(t *testing.T) {
	h := newSweepHarness(t, 600)
	first, _, err := h.run(nil, "", Options{})
	require.NoError(t, err)
	rec, _ := h.recorded()
	active := recordedIDs(t, rec)
	gone := active[7]
	values := h.activeValues(threat.Settings{})
	require.Equal(t, h.wantActive(threat.Settings{}), rec)
	whitelisted, sharer := sharedValue(t, rec, values)
	require.NotEqual(t, gone, whitelisted)
	require.NotEqual(t, gone, sharer)
	h.remove(gone)
	changed, err := threatqtest.WithStatus(h.indicators[whitelisted], "Whitelisted", sweepStart.Add(time.Hour))
	require.NoError(t, err)
	h.update(whitelisted, changed)
	now := sweepStart.Add(25 * time.Hour)
	h.clock.set(now)
	second, _, err := h.run(nil, "", Options{})
	require.NoError(t, err)
	require.Len(t, tombstones(t, second), 1)

	docs := append(sourceDocs(t, first, sweepStart), sourceDocs(t, second, now)...)
	opts := setup.DefaultOptions()
	opts.LookupIndex = true
	a, err := setup.Build(opts, setup.Env{Fields: []byte(include.Fields), BeatVersion: "9.4.0", ESVersion: "9.4.0", ElasticLicensed: true}, nil)
	require.NoError(t, err)

	// The transforms read a document 120 s after its ingest (sync delay),
	// and their retention deletes one a minute after its expiry.
	later := now.Add(3 * time.Minute)
	kept, err := estest.Latest(a.Transform, docs)
	require.NoError(t, err)
	alias := afterRetention(t, kept, later, func(tq map[string]any) string { return idOf(tq) })
	want := h.wantActive(threat.Settings{})
	for id, d := range alias {
		require.Contains(t, want, "id:"+id, "only active indicators in the alias: %v", d["threatq"])
	}
	require.Len(t, alias, len(want))
	for k := range want {
		key, _ := threat.ParseKey(k)
		d, ok := alias[fmt.Sprint(key.ID)]
		require.True(t, ok, "active indicator %s is in the alias", k)
		require.Contains(t, d["threat"], "indicator", "an indicator document, not a tombstone: %v", d)
	}
	for _, d := range kept {
		tq := d["threatq"].(map[string]any)
		switch idOf(tq) {
		case fmt.Sprint(gone):
			require.Equal(t, threat.EventActionRetired, d["event"].(map[string]any)["action"])
			require.Equal(t, threat.ReasonNotInCollection, tq["ioc_expiration_reason"])
		case fmt.Sprint(whitelisted):
			require.Equal(t, threat.ReasonStatusWhitelisted, tq["ioc_expiration_reason"])
			require.Equal(t, "Whitelisted", tq["status"])
		}
	}

	// The lookup index: one document per active indicator, whose values
	// are exactly the active indicators' values, every one of them,
	// including a value that several indicators share.
	kept, err = estest.Latest(a.Lookup.Transform, docs)
	require.NoError(t, err)
	lookup := afterRetention(t, kept, later, func(tq map[string]any) string { return idOf(tq) })
	require.Len(t, lookup, len(want))
	wantByKey := h.activeValues(threat.Settings{})
	lookupValues, wantValues := map[string]int{}, map[string]int{}
	for id, d := range lookup {
		tq := d["threatq"].(map[string]any)
		require.Equal(t, wantByKey["id:"+id], tq["indicator_value"], "the lookup document of active indicator %s has its value", id)
		lookupValues[tq["indicator_value"].(string)]++
	}
	for _, v := range wantByKey {
		wantValues[v]++
	}
	require.Equal(t, wantValues, lookupValues, "the lookup index holds exactly the active indicators' values")
	require.NotContains(t, lookup, fmt.Sprint(gone), "the tombstone retired the deleted indicator")
	require.NotContains(t, lookup, fmt.Sprint(whitelisted), "the Whitelisted version retired the indicator")
	require.Contains(t, lookup, fmt.Sprint(sharer), "the indicator sharing the Whitelisted one's value is still there")
	require.Equal(t, values[fmt.Sprintf("id:%d", whitelisted)], lookup[fmt.Sprint(sharer)]["threatq"].(map[string]any)["indicator_value"])
	// The simulator's data has values that two indicators hold (one value
	// under two types): each holder's document is there.
	holders := map[string]int{}
	for _, raw := range h.indicators {
		e, err := threat.Map(raw, threat.Settings{}, now)
		require.NoError(t, err)
		holders[e.Value]++
	}
	shared := 0
	for v := range lookupValues {
		if holders[v] > 1 {
			shared++
		}
	}
	require.Positive(t, shared, "the data has an active value more than one indicator holds")
}

// sharedValue returns two recorded active indicators with the same value
// (values, by key), by id, lowest first.
func sharedValue(t *testing.T, rec map[string]bool, values map[string]string) (int64, int64) {
	t.Helper()
	byValue := map[string]int64{}
	for _, id := range recordedIDs(t, rec) {
		v := values[fmt.Sprintf("id:%d", id)]
		if first, ok := byValue[v]; ok {
			return first, id
		}
		byValue[v] = id
	}
	t.Fatal("no two recorded active indicators share a value")
	return 0, 0
}

// idOf is threatq.id of a decoded document, as Key.String writes it
// without its prefix.
func idOf(tq map[string]any) string {
	if f, ok := tq["id"].(float64); ok {
		return fmt.Sprint(int64(f))
	}
	return fmt.Sprint(tq["id"])
}
