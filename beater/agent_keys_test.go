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
