package threat

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/processors"
	_ "github.com/elastic/beats/v7/libbeat/processors/actions" // drop_fields, rename, add_fields, copy_fields
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/mapstr"
)

// TestProcessorsChangeNestedObjects runs libbeat processors that users
// configure on threatqbeat events over a mapped event: they read, move,
// add and drop fields inside the nested objects, which are plain maps (see
// object).
func TestProcessorsChangeNestedObjects(t *testing.T) {
	s := Settings{Expiration: 90 * 24 * time.Hour, URL: "https://threatq.example.com"}
	ev, err := Map([]byte(benchIndicator), s, fixedCreated)
	require.NoError(t, err)

	cfg, err := processors.NewPluginConfigFromList([]mapstr.M{
		{"drop_fields": mapstr.M{"fields": []string{"threatq.attributes.city", "threat.feed.dashboard_id"}}},
		{"rename": mapstr.M{"fields": []mapstr.M{{"from": "threatq.hash", "to": "threatq.md5"}}}},
		{"copy_fields": mapstr.M{"fields": []mapstr.M{{"from": "threat.indicator.ip", "to": "source.ip"}}}},
		{"add_fields": mapstr.M{"target": "labels", "fields": mapstr.M{"team": "soc"}}},
	})
	require.NoError(t, err)
	procs, err := processors.New(cfg, logp.NewNopLogger())
	require.NoError(t, err)

	// The same event with every object a mapstr.M, as libbeat's normalizer
	// would have built it, must come out the same.
	want, err := procs.Run(&beat.Event{Timestamp: ev.Timestamp, Fields: asMapstr(ev.Fields.Clone()).(mapstr.M)})
	require.NoError(t, err)
	out, err := procs.Run(&beat.Event{Timestamp: ev.Timestamp, Fields: ev.Fields})
	require.NoError(t, err)
	require.Equal(t, want.Fields, asMapstr(out.Fields))
	f := out.Fields
	get := func(key string) any {
		t.Helper()
		v, err := f.GetValue(key)
		if err != nil {
			return nil
		}
		return v
	}
	require.Nil(t, get("threatq.attributes.city"))
	require.Equal(t, []string{"MP"}, get("threatq.attributes.country"))
	require.Nil(t, get("threat.feed.dashboard_id"))
	require.Equal(t, FeedName, get("threat.feed.name"))
	require.Nil(t, get("threatq.hash"))
	require.Equal(t, "1ece659dcec98b1e1141160b55655c96", get("threatq.md5"))
	require.Equal(t, "89.160.20.156", get("source.ip"))
	require.Equal(t, "89.160.20.156", get("threat.indicator.ip"))
	require.Equal(t, "soc", get("labels.team"))
	require.Equal(t, labelTransformSource, get("labels.is_ioc_transform_source"))
}
