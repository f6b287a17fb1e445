package setup

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/internal/estest"
)

// upgradeClock is "now" in the upgrade tests: nine days after t0, so
// anything ingested at t0 is past the source's 5-6 days of retention.
var upgradeClock = t0.Add(9 * 24 * time.Hour)

// indicatorDoc is threatqbeat's source document of an IP indicator,
// ingested ago before upgradeClock, expiring in expires (negative: expired).
func indicatorDoc(t *testing.T, id int, value, ns string, updated, ago, expires time.Duration) Body {
	t.Helper()
	d := sourceDoc(t, ioc(int(updated/time.Minute), map[string]any{"id": id, "value": value,
		"sources": []any{map[string]any{"name": "Feed A", "tlp_name": "AMBER"}}}), 0)
	d["threat"].(Body)["indicator"].(Body)["reference"] = fmt.Sprintf("https://threatq.example.com/indicators/%d/details", id)
	d["event"].(Body)["ingested"] = upgradeClock.Add(-ago).Format(time.RFC3339Nano)
	d["threatq"].(Body)["ioc_expired_at"] = upgradeClock.Add(expires).Format(time.RFC3339Nano)
	d["data_stream"].(Body)["namespace"] = ns
	return d
}

// asDestination is a source document as the old transform wrote it.
func asDestination(d Body) Body {
	var c Body
	data, _ := json.Marshal(d)
	_ = json.Unmarshal(data, &c)
	c["labels"].(Body)["is_ioc_transform_source"] = "false"
	return c
}

// installedVersion1 is a cluster running the previous transform version
// for a while: its destination, behind the alias, holds indicators of two
// namespaces; the source data stream has lost (ILM) everything ingested
// more than 5-6 days ago.
func installedVersion1(t *testing.T) *estest.Server {
	t.Helper()
	es := estest.New(estest.Options{Now: func() time.Time { return upgradeClock }})
	t.Cleanup(es.Close)
	inst, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, inst.Setup(Steps{Pipelines: true, IndexManagement: true}))
	old := build(t, DefaultOptions(), testEnv())
	v1 := Body{}
	for k, v := range old.Transform {
		v1[k] = v
	}
	v1["dest"] = Body{"index": Destination("1"), "pipeline": DestinationPipelineID}
	v1["latest"] = Body{"unique_key": []any{"threatq.id"}, "sort": "event.ingested"} // another unique_key: other _ids
	v1["_meta"] = Body{"managed_by": ManagedBy, "version": float64(1)}
	es.SeedTransform(TransformID, v1, "started")
	es.SeedIndex(Destination("1"), old.Destination, Alias)
	return es
}

// aliasShows renders the alias as value@modified_at, sorted.
func aliasShows(es *estest.Server, index string) []string {
	var out []string
	for _, d := range es.Documents(index) {
		ti := d["threat"].(Body)["indicator"].(Body)
		tq := d["threatq"].(Body)
		out = append(out, tq["indicator_value"].(string)+"@"+ti["modified_at"].(string))
	}
	slices.Sort(out)
	return out
}

// TestUpgradeKeepsIndicatorsOlderThanTheSourceRetention: an upgrade
// rebuilds the alias from the source data stream, which keeps 5-6 days;
// an active indicator ThreatQ last sent 20 days ago is only in the old
// destination. Setup copies the old destination's active indicators back
// into their namespaces' source data streams before deleting it, so the
// new transform finds them: every active indicator is in the alias after
// the upgrade, in its newest version, and no expired one comes back.
func TestUpgradeKeepsIndicatorsOlderThanTheSourceRetention(t *testing.T) {
	es := installedVersion1(t)
	day := 24 * time.Hour
	old := indicatorDoc(t, 1, "198.51.100.1", "default", 0, 20*day, 70*day)                  // only in the old destination
	prod := indicatorDoc(t, 2, "198.51.100.2", "prod", 0, 12*day, 70*day)                    // another namespace
	b := indicatorDoc(t, 3, "198.51.100.3", "default", 0, 2*day, 70*day)                     // in both
	bNew := indicatorDoc(t, 3, "198.51.100.3", "default", time.Hour, 10*time.Minute, 80*day) // newer, not yet copied by the stopped transform
	expired := indicatorDoc(t, 4, "198.51.100.4", "default", 0, 30*day, -10*time.Minute)
	es.SeedDocument(Destination("1"), "d1", asDestination(old))
	es.SeedDocument(Destination("1"), "d2", asDestination(prod))
	es.SeedDocument(Destination("1"), "d3", asDestination(b))
	es.SeedDocument(Destination("1"), "d4", asDestination(expired))
	es.SeedDocument(DataStream("default"), "s3", b)
	es.SeedDocument(DataStream("default"), "s3b", bNew)
	es.Reset()

	inst, lines := newInstaller(t, es, DefaultOptions())
	require.NoError(t, inst.Setup(Steps{Transforms: true}))
	want := estest.TransformUpgrade.Requests()
	i := slices.Index(want, "POST /_reindex?refresh=true&wait_for_completion=true")
	want = slices.Insert(want, i, want[i]) // two namespaces: two reindexes
	require.Equal(t, want, estest.Summary(es.Requests()))

	require.Equal(t, []string{
		"198.51.100.1@2026-03-01T12:00:00.000Z",
		"198.51.100.2@2026-03-01T12:00:00.000Z",
		"198.51.100.3@2026-03-01T13:00:00.000Z", // the newest version, not the restored copy
	}, aliasShows(es, Alias))
	require.Equal(t, []string{Destination("2")}, es.Indices(), "the old destination is deleted")
	require.Contains(t, *lines, "Restored 2 active indicators of logs-ti_threatq_latest.dest_threat-1 into logs-ti_threatq.threat-default")
	require.Contains(t, *lines, "Restored 1 active indicators of logs-ti_threatq_latest.dest_threat-1 into logs-ti_threatq.threat-prod")

	// The copies kept event.ingested and left out the destination's label,
	// and the prod data stream was created by the restore.
	restored := es.Documents(DataStream("default"))["d1"]
	require.Equal(t, old["event"].(Body)["ingested"], restored["event"].(Body)["ingested"])
	require.Nil(t, restored["labels"].(Body)["is_ioc_transform_source"])
	require.Equal(t, TemplateName, es.DataStream(DataStream("prod"))["template"])

	// Upgrading again restores the same copies: conflicts, nothing lost.
	es.Reset()
	again, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, again.Setup(Steps{Transforms: true}))
	require.Equal(t, estest.SecondSetup.Requests()[4:], estest.Summary(es.Requests()))
}

// TestRestoreFailureStopsTheUpgrade: a copy Elasticsearch refuses stops
// setup before the old destination is deleted, so the next setup can try
// again with nothing lost.
func TestRestoreFailureStopsTheUpgrade(t *testing.T) {
	es := installedVersion1(t)
	es.SeedDocument(Destination("1"), "d1", asDestination(indicatorDoc(t, 1, "198.51.100.1", "default", 0, 20*24*time.Hour, time.Hour)))
	es.Fail(http.MethodPost, "/_reindex", http.StatusOK, `{"created":0,"failures":[{"index":"logs-ti_threatq.threat-default","id":"d1","status":403,"cause":{"type":"security_exception","reason":"action [indices:data/write/bulk[s]] is unauthorized"}}]}`)
	inst, _ := newInstaller(t, es, DefaultOptions())
	err := inst.Setup(Steps{Transforms: true})
	require.ErrorContains(t, err, "setup transforms: restore active indicators of logs-ti_threatq_latest.dest_threat-1 into logs-ti_threatq.threat-default: POST /_reindex: 1 documents not copied, first: action [indices:data/write/bulk[s]] is unauthorized")
	require.Contains(t, es.Indices(), Destination("1"))
	require.Equal(t, []string{Alias}, es.Aliases(Destination("1")))
}
