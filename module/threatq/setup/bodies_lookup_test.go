package setup

import (
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGoldenLookupBodies(t *testing.T) {
	l := build(t, DefaultOptions(), testEnv()).Lookup
	golden(t, "lookup-transform", l.Transform)
	golden(t, "lookup-pipeline", l.Pipeline)
	golden(t, "lookup-index", l.Index)
	golden(t, "lookup-template", l.Template)
}

// TestLookupBodies: the lookup index is a one-shard lookup index whose
// mappings hold exactly the fields the pipeline keeps, typed as fields.yml
// types them; the transform is the latest transform's source query, unique
// key (one document per indicator, so an inactive indicator never removes
// a value an active one shares) and retention, into the lookup index.
func TestLookupBodies(t *testing.T) {
	a := build(t, DefaultOptions(), testEnv())
	l := a.Lookup
	require.Equal(t, "2", l.Version)
	require.Equal(t, "lookup", lookupBody(l.Index, "settings", "index", "mode"))
	require.Equal(t, float64(1), lookupBody(l.Index, "settings", "index", "number_of_shards"))
	require.Equal(t, false, lookupBody(l.Index, "mappings", "dynamic"))
	require.Equal(t, ManagedBy, lookupBody(l.Index, "mappings", "_meta", "managed_by"))
	require.Equal(t, Body{"type": "keyword"}, lookupBody(l.Index, "mappings", "properties", "threat", "properties", "indicator", "properties", "name"))
	require.Equal(t, []string{LookupJoinKey, "threat.indicator.type", "threat.indicator.confidence", "threat.indicator.provider",
		"threat.indicator.marking.tlp", "threat.indicator.reference", "threat.indicator.modified_at", "threatq.type", "threatq.id", "threatq.ioc_expired_at"}, l.Fields)
	for _, f := range l.Fields[1:] {
		got, ok := mappingOf(l.Index, f)
		require.True(t, ok, f)
		want, _ := mappingOf(a.Destination, f)
		require.Equal(t, want, got, f)
	}
	require.Equal(t, []any{LookupIndex}, lookupBody(l.Template, "index_patterns"))
	require.Equal(t, l.Index["settings"], lookupBody(l.Template, "template", "settings"))
	require.Equal(t, l.Index["mappings"], lookupBody(l.Template, "template", "mappings"))

	tr, latest := l.Transform, a.Transform
	require.Equal(t, LookupIndex, lookupBody(tr, "dest", "index"))
	require.Equal(t, LookupPipelineID, lookupBody(tr, "dest", "pipeline"))
	require.Nil(t, lookupBody(tr, "dest", "aliases"), "a lookup join takes no alias before 9.1: the index has a fixed name")
	require.Equal(t, []any{"threatq.id", "threatq.indicator_key"}, lookupBody(tr, "latest", "unique_key"))
	for _, same := range [][]string{
		{"source"}, {"latest"},
		{"sync"}, {"frequency"}, {"retention_policy"}, {"settings"},
	} {
		require.Equal(t, lookupBody(latest, same...), lookupBody(tr, same...), "%v is the latest transform's", same)
	}
	// A tombstone without a value passes the source query: the join key
	// is set only when there is a value, instead of failing the document.
	require.Equal(t, Body{"tag": "set_join_key", "field": LookupJoinKey, "copy_from": "threatq.indicator_value", "ignore_empty_value": true},
		lookupBody(l.Pipeline, "processors", "0", "set"))
}

func TestKeptFields(t *testing.T) {
	_, err := keptFields(Body{"processors": []any{Body{"remove": Body{"keep": []any{"threatq.id"}}}}})
	require.ErrorContains(t, err, "must start with the join key")
	_, err = keptFields(Body{"processors": []any{Body{"set": Body{}}}})
	require.ErrorContains(t, err, "no remove processor")
	_, err = buildLookup(Body{"mappings": Body{"properties": Body{}}})
	require.ErrorContains(t, err, "which fields.yml does not define")
}

// TestLookupIndexName: ti_threatq-lookup is a valid index name
// (MetadataCreateIndexService.validateIndexOrAliasName: lowercase, none of
// \/*?"<>| ,#:, not starting with _ - +, at most 255 bytes), matches none
// of the built-in data stream templates' patterns (a plain index could not
// be created under one whose template wins), and is outside logs-ti_*,
// which Kibana Security reads as indicator documents.
func TestLookupIndexName(t *testing.T) {
	n := LookupIndex
	require.Equal(t, strings.ToLower(n), n)
	require.False(t, strings.ContainsAny(n, "\\/*?\"<>| ,#:"))
	require.False(t, strings.ContainsAny(n[:1], "_-+."))
	require.LessOrEqual(t, len(n), 255)
	for _, p := range []string{"logs-*-*", "metrics-*-*", "synthetics-*-*", "traces-*-*", "logs-ti_*", "profiling-*", ".*"} {
		ok, err := path.Match(p, n)
		require.NoError(t, err)
		require.False(t, ok, "%s matches %s", n, p)
	}
}
