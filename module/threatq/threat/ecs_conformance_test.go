package threat

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/include/fieldsgen/ecs"
)

// ecsErrors validates a published document against the vendored ECS
// version: ECS types, array normalization, allowed and expected values, and
// the event.category/event.type pairs (ecs.Schema.Validate).
func ecsErrors(t *testing.T, schema *ecs.Schema, doc map[string]any) []error {
	t.Helper()
	doc = cloneDoc(t, doc)
	delete(doc, "@metadata")
	return schema.Validate(doc)
}

func loadECS(t *testing.T) *ecs.Schema {
	t.Helper()
	s, err := ecs.Load()
	require.NoError(t, err)
	return s
}

// TestEventsClaimTheVendoredECSVersion: the ecs.version every event carries
// is the version fields.yml and these tests are generated from.
func TestEventsClaimTheVendoredECSVersion(t *testing.T) {
	require.Equal(t, ecs.Version, ECSVersion)
}

// TestGoldenEventsConformToECS validates the document of every golden case
// (the mapping's output, which TestGolden compares with expected.json) and
// of every tombstone case against ECS 8.17.
func TestGoldenEventsConformToECS(t *testing.T) {
	schema := loadECS(t)
	checked := 0
	results := map[string]any{}
	for _, dir := range goldenCases(t) {
		results[dir] = goldenResult(t, dir)
	}
	for _, dir := range tombstoneCases(t) {
		results[dir] = tombstoneResult(t, dir)
	}
	for dir, result := range results {
		doc, ok := result.(map[string]any)
		if filtered, isFiltered := doc["document"].(map[string]any); isFiltered {
			doc = filtered // not published, but what the mapping makes of it
		}
		if !ok || doc["event"] == nil {
			continue // a rejected input
		}
		checked++
		for _, err := range ecsErrors(t, schema, doc) {
			t.Errorf("%s: %v", filepath.Base(dir), err)
		}
	}
	require.Greater(t, checked, 30, "golden events checked")
}

// TestParityEventsConformToECS validates what the mapping makes of every
// line of Elastic's ti_threatq pipeline-test inputs (the parity cases),
// mapped as TestParity maps them.
func TestParityEventsConformToECS(t *testing.T) {
	peer := findPeerDir(t)
	schema := loadECS(t)
	settings := Settings{
		Tags:                  []string{TagPreserveOriginal, TagPreserveDuplicates},
		PreserveOriginalEvent: true,
	}
	for _, log := range []string{"test-threatq-no-preserve-ndjson.log", "test-threatq-sample-ndjson.log"} {
		raw, err := os.ReadFile(filepath.Join(peer, log))
		require.NoError(t, err)
		lines := bytes.Split(bytes.TrimRight(raw, "\n"), []byte("\n"))
		require.NotEmpty(t, lines)
		for i, line := range lines {
			ev, err := Map(line, settings, fixedCreated)
			require.NoError(t, err, "%s record %d", log, i+1)
			for _, err := range ecsErrors(t, schema, eventDoc(t, ev)) {
				t.Errorf("%s record %d: %v", log, i+1, err)
			}
		}
	}
}

// TestECSConformanceCatchesBadEvents shows that the check the golden and
// parity events pass fails on deliberately wrong events: a real golden
// document with one field set to a value ECS does not allow.
func TestECSConformanceCatchesBadEvents(t *testing.T) {
	schema := loadECS(t)
	base, ok := goldenResult(t, filepath.Join("testdata", "type_url_parsable")).(map[string]any)
	require.True(t, ok)
	require.Empty(t, ecsErrors(t, schema, base), "the base event must conform")
	cases := []struct {
		name, path, value, want string
	}{
		{"kind outside ECS", "event.kind", `"indicator"`, `event.kind: "indicator" is not one of ECS's values`},
		{"kind made up", "event.kind", `"ioc"`, `event.kind: "ioc" is not one of ECS's values`},
		{"category outside ECS", "event.category", `["threat_intel"]`, `event.category: "threat_intel" is not one of ECS's values`},
		{"category as a string", "event.category", `"threat"`, `event.category: ECS normalizes this field to an array`},
		{"type not paired with threat", "event.type", `["info"]`, `event.type: "info" is not an expected type of event.category "threat"`},
		{"category not paired with indicator", "event.category", `["network"]`, `event.type: "indicator" is not an expected type of event.category "network"`},
		{"indicator type outside ECS", "threat.indicator.type", `"ip-address"`, `threat.indicator.type: "ip-address" is not one of ECS's values`},
		{"TLP with prefix", "threat.indicator.marking.tlp", `"TLP:AMBER"`, `threat.indicator.marking.tlp: "TLP:AMBER"`},
		{"TLP lower case", "threat.indicator.marking.tlp", `["amber"]`, `threat.indicator.marking.tlp: "amber"`},
		{"confidence as a score", "threat.indicator.confidence", `"8"`, `threat.indicator.confidence: "8" is not one of ECS's values`},
		{"confidence as a number", "threat.indicator.confidence", `8`, `threat.indicator.confidence: ECS type keyword, got float64 8`},
		{"ip not an address", "threat.indicator.ip", `"evil.example.com"`, `threat.indicator.ip: ECS type ip`},
		{"port as a string", "threat.indicator.url.port", `"8443"`, `threat.indicator.url.port: ECS type long`},
		{"date in ThreatQ's format", "threat.indicator.first_seen", `"2021-10-01 18:36:03"`, `threat.indicator.first_seen: ECS type date`},
		{"related.ip not an address", "related.ip", `["x"]`, `related.ip: ECS type ip`},
		{"feed name not a string", "threat.feed.name", `{"name":"ThreatQuotient"}`, `threat.feed.name: ECS type keyword, got an object`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := cloneDoc(t, base)
			setJSON(t, doc, c.path, c.value)
			errs := ecsErrors(t, schema, doc)
			for _, err := range errs {
				if strings.Contains(err.Error(), c.want) {
					return
				}
			}
			t.Errorf("%s = %s: want an error containing %q, got %v", c.path, c.value, c.want, errs)
		})
	}
}

func cloneDoc(t *testing.T, doc map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// setJSON sets a dotted path of nested objects to a JSON value.
func setJSON(t *testing.T, doc map[string]any, path, value string) {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(value), &v))
	setPath(doc, strings.Split(path, "."), v)
}
