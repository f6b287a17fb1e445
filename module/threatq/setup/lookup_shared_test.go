package setup

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/internal/estest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// tombstoneDoc is the source document of the tombstone retiring key at
// upgradeClock - ago, as the source data stream holds it.
func tombstoneDoc(t *testing.T, key threat.Key, value string, ago time.Duration) Body {
	t.Helper()
	at := upgradeClock.Add(-ago)
	ev := threat.Tombstone(threat.Retirement{Key: key, Value: value, Reason: threat.ReasonNotInCollection, At: at}, threat.Settings{})
	data, err := json.Marshal(ev.Fields)
	require.NoError(t, err)
	var d Body
	require.NoError(t, json.Unmarshal(data, &d))
	d["@timestamp"] = at.Format(time.RFC3339Nano)
	d["event"].(Body)["ingested"] = at.Format(time.RFC3339Nano)
	return d
}

// TestLookupIndexKeepsAValueAnActiveIndicatorHolds: the lookup index has
// one document per active indicator, so a value that an active and an
// inactive indicator share stays joinable whichever was ingested last (here
// the inactive one, after the active one); a value two active indicators
// share has two documents (a join yields a row for each); a tombstone, with
// or without the value, removes its own indicator's document only; and no
// document without a join key is left.
func TestLookupIndexKeepsAValueAnActiveIndicatorHolds(t *testing.T) {
	es := estest.New(estest.Options{Now: func() time.Time { return upgradeClock }})
	defer es.Close()
	inst, _ := newInstaller(t, es, DefaultOptions())
	require.NoError(t, inst.Setup(All()))
	day := 24 * time.Hour
	for id, d := range map[string]Body{
		// 198.51.100.5: active 10; 11 expired an hour ago, ingested later.
		"a10": indicatorDoc(t, 10, "198.51.100.5", "default", 0, 2*day, 70*day),
		"a11": indicatorDoc(t, 11, "198.51.100.5", "default", time.Hour, day, -time.Hour),
		// 198.51.100.6: two active indicators.
		"b12": indicatorDoc(t, 12, "198.51.100.6", "default", 0, 2*day, 70*day),
		"b13": indicatorDoc(t, 13, "198.51.100.6", "default", time.Hour, day, 70*day),
		// 198.51.100.7: 14 retired by a tombstone that does not know its value.
		"c14":  indicatorDoc(t, 14, "198.51.100.7", "default", 0, 2*day, 70*day),
		"c14t": tombstoneDoc(t, threat.Key{ID: 14}, "", time.Hour),
		// 198.51.100.8: 15 retired by a tombstone with the value, 16 active.
		"d15":  indicatorDoc(t, 15, "198.51.100.8", "default", 0, 2*day, 70*day),
		"d16":  indicatorDoc(t, 16, "198.51.100.8", "default", 0, 2*day, 70*day),
		"d15t": tombstoneDoc(t, threat.Key{ID: 15}, "198.51.100.8", time.Hour),
	} {
		es.SeedDocument(DataStream("default"), id, d)
	}

	require.NoError(t, inst.Setup(Steps{LookupIndex: true}))
	holders := map[string][]float64{}
	for _, d := range es.Documents(LookupIndex) {
		name, ok := lookupBody(d, "threat", "indicator", "name").(string)
		require.True(t, ok, "every lookup document has a join key: %v", d)
		holders[name] = append(holders[name], lookupBody(d, "threatq", "id").(float64))
	}
	for _, ids := range holders {
		slices.Sort(ids)
	}
	require.Equal(t, map[string][]float64{
		"198.51.100.5": {10},
		"198.51.100.6": {12, 13},
		"198.51.100.8": {16},
	}, holders)
}
