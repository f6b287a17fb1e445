package beater

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/elastic/elastic-agent-libs/logp"
)

// An Agent input refuses keys that no setting has, naming the closest
// known one, as test config and run do for the threatqbeat: section; the
// keys an Agent input carries besides (id, index, processors) are known.
func TestAgentInputRefusesUnknownKeys(t *testing.T) {
	h := newAgentHarness(t)
	_, err := parseAgentInput(h.unit("s1", []string{"c1"}, map[string]any{"intervall": "5m"}), logp.NewNopLogger())
	require.ErrorContains(t, err, "invalid ThreatQ input: unknown key intervall; did you mean interval?")

	_, err = parseAgentInput(h.unit("s1", nil, map[string]any{"collections": []any{map[string]any{"idd": "c1"}}}), logp.NewNopLogger())
	require.ErrorContains(t, err, "unknown key collections[0].idd; did you mean id?")

	_, err = parseAgentInput(h.unit("s1", []string{"c1"}, map[string]any{"pipeline": "p", "keep_null": true}), logp.NewNopLogger())
	require.NoError(t, err)
}
