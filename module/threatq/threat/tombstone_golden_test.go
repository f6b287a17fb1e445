package threat

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// tombstoneCases returns the directories under testdata/tombstones.
func tombstoneCases(t testing.TB) []string {
	return caseDirs(t, filepath.Join("testdata", "tombstones", "*", "tombstone.json"))
}

// tombstoneInput is testdata/tombstones/<case>/tombstone.json: the
// arguments of Tombstone. Settings are the base ones overridden by the
// case's settings.json, as for indicators.
type tombstoneInput struct {
	Key    string    `json:"key"` // as Key.String writes it
	Value  string    `json:"value"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// tombstoneResult is the published document of a case's tombstone.
func tombstoneResult(t testing.TB, dir string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "tombstone.json"))
	require.NoError(t, err)
	var in tombstoneInput
	require.NoError(t, json.Unmarshal(b, &in), dir)
	key, err := ParseKey(in.Key)
	require.NoError(t, err, dir)
	return eventDoc(t, Tombstone(Retirement{Key: key, Value: in.Value, Reason: in.Reason, At: in.At}, loadSettings(t, dir)))
}

// TestGoldenTombstones compares each tombstone case with its expected.json
// (-update rewrites them).
func TestGoldenTombstones(t *testing.T) {
	for _, dir := range tombstoneCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			writeOrCompare(t, filepath.Join(dir, "expected.json"), tombstoneResult(t, dir))
		})
	}
}
