package setup

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/internal/estest"
)

func lookupOptions() Options {
	o := DefaultOptions()
	o.LookupIndex = true
	return o
}

// TestSetupInstallsTheLookupIndex: with setup.lookup_index.enabled, setup
// installs the lookup index after the latest transform, with the exact
// bodies Build makes; a second setup only reads.
func TestSetupInstallsTheLookupIndex(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	inst, lines := newInstaller(t, es, lookupOptions())
	require.NoError(t, inst.Setup(All()))
	reqs := es.Requests()
	require.Equal(t, append(estest.FirstSetup.Requests(), estest.LookupFirstSetup.Requests()...), estest.Summary(reqs))
	l := inst.Assets().Lookup
	for path, want := range map[string]Body{
		"/_ingest/pipeline/" + LookupPipelineID:                       l.Pipeline,
		"/_index_template/" + LookupTemplateName:                      l.Template,
		"/" + LookupIndex:                                             l.Index,
		"/_transform/" + LookupTransformID + "?defer_validation=true": l.Transform,
	} {
		r, ok := estest.Find(reqs, http.MethodPut, path)
		require.True(t, ok, path)
		var got Body
		require.NoError(t, json.Unmarshal(r.Body, &got))
		require.Empty(t, cmp.Diff(want, got), "PUT %s", path)
	}
	require.Equal(t, "lookup", lookupBody(es.Index(LookupIndex), "settings", "index", "mode"))
	require.Equal(t, LookupTemplateName, es.IndexTemplate(LookupIndex))
	require.Empty(t, es.Aliases(LookupIndex), "LOOKUP JOIN names the index itself")
	require.Equal(t, "started", es.TransformState(LookupTransformID))
	require.Contains(t, *lines, "Transform logs-ti_threatq.lookup_ioc: version 2 installed and started, writing to the lookup index ti_threatq-lookup")

	es.Reset()
	again, _ := newInstaller(t, es, lookupOptions())
	require.NoError(t, again.Setup(All()))
	require.Equal(t, append(estest.SecondSetup.Requests(), estest.LookupSecondSetup.Requests()...), estest.Summary(es.Requests()))
}

// TestLookupIndexStepSelection: --transforms installs the lookup index
// only with setup.lookup_index.enabled; --lookup-index installs it alone.
func TestLookupIndexStepSelection(t *testing.T) {
	es := estest.New(estest.Options{})
	defer es.Close()
	inst, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, inst.Setup(Steps{Transforms: true}))
	require.Empty(t, es.TransformState(LookupTransformID))
	es.Reset()
	require.NoError(t, inst.Setup(Steps{LookupIndex: true}))
	require.Equal(t, estest.LookupFirstSetup.Requests(), estest.Summary(es.Requests()))
}

// TestLookupIndexHoldsTheActiveIndicatorsByValue: the lookup index holds
// one document per active indicator (each with a value of its own here;
// TestLookupIndexKeepsAValueAnActiveIndicatorHolds shares one), with the
// lookup fields only, including indicators older than the source's
// retention (restored from the alias), and no expired one.
func TestLookupIndexHoldsTheActiveIndicatorsByValue(t *testing.T) {
	es := estest.New(estest.Options{Now: func() time.Time { return upgradeClock }})
	defer es.Close()
	inst, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, inst.Setup(All()))
	day := 24 * time.Hour
	old := indicatorDoc(t, 1, "198.51.100.1", "default", 0, 20*day, 70*day) // in the alias only
	cur := indicatorDoc(t, 2, "198.51.100.2", "default", 0, 2*day, 70*day)
	curNew := indicatorDoc(t, 2, "198.51.100.2", "default", time.Hour, time.Hour, 70*day)
	gone := indicatorDoc(t, 3, "198.51.100.3", "default", 0, 2*day, -time.Hour)
	dest := Destination(inst.Assets().TransformVersion)
	es.SeedDocument(dest, "d1", asDestination(old))
	es.SeedDocument(DataStream("default"), "s2", cur)
	es.SeedDocument(DataStream("default"), "s2b", curNew)
	es.SeedDocument(DataStream("default"), "s3", gone)

	require.NoError(t, inst.Setup(Steps{LookupIndex: true}))
	byValue := map[string]Body{}
	for _, d := range es.Documents(LookupIndex) {
		byValue[lookupBody(d, "threat", "indicator", "name").(string)] = d
	}
	require.Len(t, byValue, 2)
	require.Contains(t, byValue, "198.51.100.1", "an indicator older than the source's retention")
	got := byValue["198.51.100.2"]
	require.Equal(t, "2026-03-01T13:00:00.000Z", lookupBody(got, "threat", "indicator", "modified_at"), "the newest version")
	require.Equal(t, Body{
		"name": "198.51.100.2", "type": "ipv4-addr", "confidence": "Medium", "modified_at": "2026-03-01T13:00:00.000Z",
		"reference": "https://threatq.example.com/indicators/2/details", "provider": []any{"Feed A"}, "marking": Body{"tlp": []any{"AMBER"}},
	}, got["threat"].(Body)["indicator"])
	require.ElementsMatch(t, []string{"threat", "threatq"}, keys(got))
	require.ElementsMatch(t, []string{"id", "type", "ioc_expired_at"}, keys(got["threatq"].(Body)))
}

func keys(b Body) []string {
	var out []string
	for k := range b {
		out = append(out, k)
	}
	return out
}

// TestLookupIndexUpgrade: a lookup transform of another version (here
// version 1, keyed by value) is replaced and its index rebuilt in place,
// from the source with the alias's active indicators restored: a value no
// active indicator has any more leaves, an indicator older than the
// source's retention stays, and two active indicators with one value have a
// document each, under the new transform's key.
func TestLookupIndexUpgrade(t *testing.T) {
	es := estest.New(estest.Options{Now: func() time.Time { return upgradeClock }})
	defer es.Close()
	inst, _ := newInstaller(t, es, lookupOptions())
	require.NoError(t, inst.Setup(All()))
	es.SeedTransform(LookupTransformID, lookupVersion1(inst.Assets().Lookup.Transform), "started")
	es.SeedDocument(LookupIndex, "stale", Body{"threat": Body{"indicator": Body{"name": "192.0.2.99"}}})
	dest := Destination(inst.Assets().TransformVersion)
	es.SeedDocument(dest, "d1", asDestination(indicatorDoc(t, 1, "198.51.100.1", "default", 0, 20*24*time.Hour, 70*24*time.Hour)))
	es.SeedDocument(dest, "d2", asDestination(indicatorDoc(t, 2, "198.51.100.1", "default", 0, 20*24*time.Hour, 70*24*time.Hour)))
	es.Reset()

	again, lines := newInstaller(t, es, lookupOptions())
	require.NoError(t, again.Setup(Steps{LookupIndex: true}))
	require.Equal(t, estest.LookupUpgrade.Requests(), estest.Summary(es.Requests()))
	var names []string
	var ids []float64
	for _, d := range es.Documents(LookupIndex) {
		names = append(names, lookupBody(d, "threat", "indicator", "name").(string))
		ids = append(ids, lookupBody(d, "threatq", "id").(float64))
	}
	slices.Sort(names)
	slices.Sort(ids)
	require.Equal(t, []string{"198.51.100.1"}, slices.Compact(names))
	require.Equal(t, []float64{1, 2}, ids, "one document per indicator")
	require.Contains(t, *lines, "Lookup index ti_threatq-lookup: deleted, to be rebuilt")
	require.Contains(t, *lines, "Transform logs-ti_threatq.lookup_ioc: version 2 installed and started, writing to the lookup index ti_threatq-lookup")
	require.Equal(t, "started", es.TransformState(LookupTransformID))
	put, ok := estest.Find(es.Requests(), http.MethodPut, "/_transform/"+LookupTransformID+"?defer_validation=true")
	require.True(t, ok)
	var body Body
	require.NoError(t, json.Unmarshal(put.Body, &body))
	require.Equal(t, []any{"threatq.id", "threatq.indicator_key"}, lookupBody(body, "latest", "unique_key"))
}

// lookupVersion1 is the lookup transform as version 1 installed it: keyed
// by threatq.indicator_value, reading only documents that have one.
func lookupVersion1(current Body) Body {
	v1 := Body{}
	for k, v := range current {
		v1[k] = v
	}
	v1["source"] = Body{"index": []any{TemplatePattern}, "query": Body{"bool": Body{"filter": []any{
		Body{"term": Body{"input.type": "threatq"}}, Body{"exists": Body{"field": "threatq.indicator_value"}}}}}}
	v1["latest"] = Body{"unique_key": []any{"threatq.indicator_value"}, "sort": "event.ingested"}
	v1["_meta"] = Body{"managed_by": ManagedBy, "version": float64(1)}
	return v1
}

func TestLookupIndexRefusals(t *testing.T) {
	t.Run("someone else's index", func(t *testing.T) {
		es := estest.New(estest.Options{})
		defer es.Close()
		es.SeedIndex(LookupIndex, Body{"mappings": Body{"properties": Body{}}})
		inst, _ := newInstaller(t, es, DefaultOptions())
		err := inst.Setup(Steps{LookupIndex: true})
		require.ErrorContains(t, err, "setup lookup-index: check lookup index mappings ti_threatq-lookup: GET /ti_threatq-lookup/_mapping: the index exists but threatqbeat did not create it (mappings _meta.managed_by: none)")
		require.NotNil(t, es.Index(LookupIndex))
		require.Empty(t, es.TransformState(LookupTransformID))
	})
	t.Run("Elasticsearch before 8.18", func(t *testing.T) {
		es := estest.New(estest.Options{Version: "8.17.3"})
		defer es.Close()
		inst, _ := newInstaller(t, es, DefaultOptions())
		err := inst.Setup(Steps{LookupIndex: true})
		require.ErrorContains(t, err, "setup lookup-index: check Elasticsearch version ti_threatq-lookup: GET /: the ES|QL lookup index needs Elasticsearch 8.18 or later (index.mode lookup, LOOKUP JOIN), this cluster is 8.17.3")
		require.Empty(t, es.Requests())
	})
	t.Run("a lookup index of more than one shard", func(t *testing.T) {
		es := estest.New(estest.Options{})
		defer es.Close()
		inst, _ := newInstaller(t, es, DefaultOptions())
		inst.assets.Lookup.Index["settings"].(Body)["index"].(Body)["number_of_shards"] = float64(2)
		err := inst.Setup(Steps{LookupIndex: true})
		require.ErrorContains(t, err, "setup lookup-index: create lookup index ti_threatq-lookup: PUT /ti_threatq-lookup: 400 Bad Request: illegal_argument_exception: index with [lookup] mode must have [index.number_of_shards] set to 1 or unset; provided 2")
	})
}
