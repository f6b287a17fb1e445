package beater

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// An Agent input refuses keys that no setting has, naming the closest
// known one, as test config and run do for the threatqbeat: section; the
// keys an Agent input carries besides (id, index, processors) are known.
func TestAgentInputRefusesUnknownKeys(t *testing.T) {
	h := newAgentHarness(t)
	_, err := h.a.factory.parse(h.unit("s1", []string{"c1"}, map[string]any{"intervall": "5m"}).Config)
	require.ErrorContains(t, err, "invalid ThreatQ input: unknown key intervall; did you mean interval?")

	_, err = h.a.factory.parse(h.unit("s1", nil, map[string]any{"collections": []any{map[string]any{"idd": "c1"}}}).Config)
	require.ErrorContains(t, err, "unknown key collections[0].idd; did you mean id?")

	_, err = h.a.factory.parse(h.unit("s1", []string{"c1"}, map[string]any{"pipeline": "p", "keep_null": true}).Config)
	require.NoError(t, err)
}

// An Agent input takes the indicator lifecycle options as the threatqbeat:
// section does, and names the key of an invalid one.
func TestAgentInputTakesTheLifecycleOptions(t *testing.T) {
	h := newAgentHarness(t)
	spec, err := h.a.factory.parse(h.unit("s1", []string{"c1"}, map[string]any{
		"sweep_interval": "6h", "deploy_statuses": []any{"Active"}, "min_score": 5, "max_tlp": "amber",
		"types": []any{"IP Address"}, "use_source_expiry": true, "ioc_expiration_by_type": map[string]any{"IP Address": "7d"},
	}).Config)
	require.NoError(t, err)
	require.Equal(t, "6h0m0s", spec.cfg.SweepInterval.String())
	s := spec.cfg.Settings(spec.cfg.Collections[0])
	require.Equal(t, []string{"Active"}, s.DeployStatuses)
	require.Equal(t, 5, s.Curation.MinScore)

	_, err = h.a.factory.parse(h.unit("s1", []string{"c1"}, map[string]any{"sweep_interval": "30s"}).Config)
	require.ErrorContains(t, err, "threatqbeat.sweep_interval must be 0 (no sweep) or at least 1m0s, got 30s")
}
