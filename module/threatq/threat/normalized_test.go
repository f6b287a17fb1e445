package threat

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/common"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestEventsAreAlreadyNormalized checks that Map builds only the types
// libbeat's event normalization produces (objects, strings, []string,
// int64, ...): libbeat's normalizer returns an equal event for every golden
// case and for generated indicators. threatqbeat turns the normalization
// off (cmd/settings.go), because it copied every event for nothing. The one
// difference allowed is deliberate: nested objects (and the objects of
// threatq.truncated's list) are plain maps, which the normalizer turns into
// mapstr.M (see object).
func TestEventsAreAlreadyNormalized(t *testing.T) {
	conv := common.NewGenericEventConverter(false, logp.NewNopLogger())
	check := func(t *testing.T, ev Event) {
		t.Helper()
		require.Equal(t, asMapstr(ev.Fields), conv.Convert(ev.Fields.Clone()))
	}
	for _, dir := range goldenCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, "indicator.json"))
			require.NoError(t, err)
			ev, err := Map(raw, loadSettings(t, dir), fixedCreated)
			if err == nil {
				check(t, ev)
			}
		})
	}
	t.Run("generated", func(t *testing.T) {
		s := Settings{Expiration: time.Hour, PreserveOriginalEvent: true, URL: "https://tq.example", Tags: []string{TagPreserveDuplicates}}
		for _, raw := range threatqtest.Generate(500, 11, fixedCreated) {
			ev, err := Map(raw, s, fixedCreated)
			require.NoError(t, err)
			check(t, ev)
		}
	})
}

// asMapstr returns v with every nested object as mapstr.M, as the
// normalizer writes them; leaves are kept as they are.
func asMapstr(v any) any {
	var in map[string]any
	switch m := v.(type) {
	case mapstr.M:
		in = m
	case map[string]any:
		in = m
	case []map[string]any: // threatq.truncated
		out := make([]mapstr.M, len(m))
		for i, e := range m {
			out[i] = asMapstr(e).(mapstr.M)
		}
		return out
	default:
		return v
	}
	out := make(mapstr.M, len(in))
	for k, x := range in {
		out[k] = asMapstr(x)
	}
	return out
}
