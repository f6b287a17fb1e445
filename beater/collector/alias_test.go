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
// version.
func TestSweptAliasHoldsExactlyTheActiveIndicators(t *testing.T) {
	h := newSweepHarness(t, 600)
	first, _, err := h.run(nil, "", Options{})
	require.NoError(t, err)
	rec, _ := h.recorded()
	active := recordedIDs(t, rec)
	gone, whitelisted := active[7], active[8]
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

	kept, err = estest.Latest(a.Lookup.Transform, docs)
	require.NoError(t, err)
	lookup := afterRetention(t, kept, later, func(tq map[string]any) string { return fmt.Sprint(tq["indicator_value"]) })
	values := map[string]bool{}
	for _, v := range want {
		values[v] = true
	}
	for v := range lookup {
		require.True(t, values[v], "value %s in the lookup index is active", v)
	}
	// A value shared by two indicators (one value under two types) is the
	// one ingested last's: each value held by one indicator only is there.
	holders := map[string]int{}
	for _, raw := range h.indicators {
		e, err := threat.Map(raw, threat.Settings{}, now)
		require.NoError(t, err)
		holders[e.Value]++
	}
	unique := 0
	for v := range values {
		if holders[v] == 1 {
			unique++
			require.Contains(t, lookup, v, "active value %s in the lookup index", v)
		}
	}
	require.Greater(t, unique, len(values)*9/10)
	require.NotContains(t, lookup, rec[fmt.Sprintf("id:%d", gone)], "the tombstone retired the deleted indicator's value")
}

// idOf is threatq.id of a decoded document, as Key.String writes it
// without its prefix.
func idOf(tq map[string]any) string {
	if f, ok := tq["id"].(float64); ok {
		return fmt.Sprint(int64(f))
	}
	return fmt.Sprint(tq["id"])
}
