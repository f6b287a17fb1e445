package setup

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/internal/estest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// These tests run the transform setup installs (latest.yml) over source
// documents made by threatqbeat's own mapping, with estest.Latest standing
// in for Elasticsearch's latest function (a composite aggregation with
// missing_bucket on every unique key, top hit by event.ingested).

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// ioc is a ThreatQ indicator: an IP address, updated at t0 plus minutes.
func ioc(minutes int, fields map[string]any) map[string]any {
	ind := map[string]any{
		"value": "198.51.100.7", "class": "network",
		"type":       map[string]any{"id": 15, "name": "IP Address", "class": "network"},
		"status":     map[string]any{"id": 1, "name": "Active"},
		"created_at": "2026-03-01 11:00:00",
		"updated_at": t0.Add(time.Duration(minutes) * time.Minute).Format(time.DateTime),
		"score":      5,
	}
	for k, v := range fields {
		if v == nil {
			delete(ind, k)
			continue
		}
		ind[k] = v
	}
	return ind
}

// sourceDoc is the document the source data stream holds for an
// indicator: threatqbeat's event, with @timestamp and the event.ingested
// the ingest pipeline sets.
func sourceDoc(t *testing.T, ind map[string]any, ingested int) map[string]any {
	t.Helper()
	raw, err := json.Marshal(ind)
	require.NoError(t, err)
	ev, err := threat.Map(raw, threat.Settings{Expiration: 90 * 24 * time.Hour}, t0)
	require.NoError(t, err)
	data, err := json.Marshal(ev.Fields)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	doc["@timestamp"] = ev.Timestamp.Format(time.RFC3339Nano)
	doc["event"].(map[string]any)["ingested"] = t0.Add(time.Duration(ingested) * time.Second).Format(time.RFC3339Nano)
	return doc
}

// pipelineFailed is doc as the ingest pipeline's on_failure handler leaves
// it.
func pipelineFailed(doc map[string]any) map[string]any {
	doc["event"].(map[string]any)["kind"] = "pipeline_error"
	doc["error"] = map[string]any{"message": []any{"Processor failed"}}
	return doc
}

// latest runs the installed transform over docs and returns what the
// alias shows: value@modified_at per document, sorted.
func latest(t *testing.T, docs ...map[string]any) []string {
	t.Helper()
	a := build(t, DefaultOptions(), testEnv())
	out, err := estest.Latest(a.Transform, docs)
	require.NoError(t, err)
	var got []string
	for _, d := range out {
		tq, _ := d["threatq"].(map[string]any)
		ti, _ := d["threat"].(map[string]any)["indicator"].(map[string]any)
		got = append(got, fmt.Sprintf("%v@%v", tq["indicator_value"], ti["modified_at"]))
	}
	slices.Sort(got)
	return got
}

// TestLatestKeepsAnUpdateWithADroppedField: an update the mapping had to
// drop a field of (error.message, event.kind still enrichment) is the
// indicator's newest version, and the alias shows it: here the update
// that expires the indicator.
func TestLatestKeepsAnUpdateWithADroppedField(t *testing.T) {
	v1 := sourceDoc(t, ioc(0, map[string]any{"id": 10}), 1)
	v2 := sourceDoc(t, ioc(5, map[string]any{"id": 10, "expired_at": "2026-03-01 12:05:00", "published_at": "yesterday"}), 2)
	require.NotNil(t, v2["error"], "the update must carry a field-level drop")
	require.Equal(t, "enrichment", v2["event"].(map[string]any)["kind"])
	require.Equal(t, []string{"198.51.100.7@2026-03-01T12:05:00.000Z"}, latest(t, v1, v2))
}

// TestLatestSkipsPipelineFailures: a document the ingest pipeline failed is
// not an indicator version; the previous one stays.
func TestLatestSkipsPipelineFailures(t *testing.T) {
	v1 := sourceDoc(t, ioc(0, map[string]any{"id": 11}), 1)
	v2 := pipelineFailed(sourceDoc(t, ioc(5, map[string]any{"id": 11}), 2))
	require.Equal(t, []string{"198.51.100.7@2026-03-01T12:00:00.000Z"}, latest(t, v1, v2))
	only := pipelineFailed(sourceDoc(t, ioc(0, map[string]any{"id": 12, "value": "198.51.100.12"}), 1))
	require.Empty(t, latest(t, only))
}

// integrationDoc is a document of the Elastic ti_threatq integration in
// the same data stream: input.type httpjson, threatq.status and
// threatq.type as objects.
func integrationDoc(id, ingested int) map[string]any {
	return map[string]any{
		"@timestamp": "2026-03-01T12:00:00.000Z",
		"agent":      map[string]any{"type": "filebeat"},
		"input":      map[string]any{"type": "httpjson"},
		"event":      map[string]any{"kind": "enrichment", "ingested": t0.Add(time.Duration(ingested) * time.Second).Format(time.RFC3339Nano)},
		"threat":     map[string]any{"indicator": map[string]any{"ip": "198.51.100.7", "modified_at": "integration"}},
		"threatq": map[string]any{
			"id": id, "indicator_value": "198.51.100.7",
			"status": map[string]any{"id": "1", "name": "Active", "description": "Poses a threat"},
			"type":   map[string]any{"id": "15", "name": "IP Address", "class": "network"},
		},
	}
}

// TestLatestReadsOnlyThreatqbeatDocuments: the Elastic integration's
// documents in the same data streams never reach the destination, whose
// mappings could not take them.
func TestLatestReadsOnlyThreatqbeatDocuments(t *testing.T) {
	ours := sourceDoc(t, ioc(0, map[string]any{"id": 336}), 1)
	require.Equal(t, "threatq", ours["input"].(map[string]any)["type"])
	got := latest(t, ours, integrationDoc(336, 5), integrationDoc(999, 5))
	require.Equal(t, []string{"198.51.100.7@2026-03-01T12:00:00.000Z"}, got)

	// Why: the destination maps threatq.status and threatq.type as
	// keywords; Elasticsearch refuses an object there, and a refused
	// document fails the transform.
	props := build(t, DefaultOptions(), testEnv()).Destination["mappings"].(Body)["properties"].(Body)
	for _, f := range []string{"status", "type"} {
		require.Equal(t, "keyword", lookupBody(props, "threatq", "properties", f, "type"), "threatq.%s", f)
		_, isObject := integrationDoc(1, 1)["threatq"].(map[string]any)[f].(map[string]any)
		require.True(t, isObject)
	}
}

// TestLatestKeepsEveryIndicatorWithoutID: indicators without threatq.id
// (only indicator_id, or neither) each get their own document, the newest
// version of each; on the grouping by threatq.id alone they collapsed into
// one.
func TestLatestKeepsEveryIndicatorWithoutID(t *testing.T) {
	docs := []map[string]any{
		sourceDoc(t, ioc(0, map[string]any{"id": 20, "value": "198.51.100.20"}), 1),
		sourceDoc(t, ioc(1, map[string]any{"id": 20, "value": "198.51.100.20"}), 2),
		// Only indicator_id: two indicators, two versions each.
		sourceDoc(t, ioc(0, map[string]any{"id": nil, "indicator_id": 21, "value": "198.51.100.21"}), 3),
		sourceDoc(t, ioc(2, map[string]any{"id": nil, "indicator_id": 21, "value": "198.51.100.21"}), 4),
		sourceDoc(t, ioc(0, map[string]any{"id": nil, "indicator_id": 22, "value": "198.51.100.22"}), 5),
		sourceDoc(t, ioc(3, map[string]any{"id": nil, "indicator_id": 22, "value": "198.51.100.22"}), 6),
		// Neither: identified by type and value.
		sourceDoc(t, ioc(0, map[string]any{"id": nil, "value": "198.51.100.23"}), 7),
		sourceDoc(t, ioc(4, map[string]any{"id": nil, "value": "198.51.100.23"}), 8),
		sourceDoc(t, ioc(0, map[string]any{"id": nil, "value": "198.51.100.24"}), 9),
		sourceDoc(t, ioc(5, map[string]any{"id": nil, "value": "198.51.100.24"}), 10),
		sourceDoc(t, ioc(6, map[string]any{"id": nil, "value": "198.51.100.24", "type": map[string]any{"name": "CIDR Block"}}), 11),
	}
	for _, d := range docs[2:] {
		require.Nil(t, d["threatq"].(map[string]any)["id"], "test indicators without id")
	}
	require.Equal(t, []string{
		"198.51.100.20@2026-03-01T12:01:00.000Z",
		"198.51.100.21@2026-03-01T12:02:00.000Z",
		"198.51.100.22@2026-03-01T12:03:00.000Z",
		"198.51.100.23@2026-03-01T12:04:00.000Z",
		"198.51.100.24@2026-03-01T12:05:00.000Z",
		"198.51.100.24@2026-03-01T12:06:00.000Z",
	}, latest(t, docs...))

	// A document with neither key (written before threatqbeat set
	// indicator_key) is left out rather than collapsed with the others.
	old := sourceDoc(t, ioc(9, map[string]any{"id": nil, "value": "198.51.100.25"}), 12)
	delete(old["threatq"].(map[string]any), "indicator_key")
	require.Len(t, latest(t, append(docs, old)...), 6)
}
