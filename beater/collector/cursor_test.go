package collector

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func fixedNow() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }

func TestCursorStoreRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "threatq")
	s, err := NewCursorStore(dir, fixedNow)
	require.NoError(t, err)

	got, err := s.Load("abc")
	require.NoError(t, err)
	require.Empty(t, got, "no file: start from the beginning")

	require.NoError(t, s.Save("abc", "AoE/MjAyMC0xMS0xNQ=="))
	require.NoError(t, s.Save("abc", "AoE/second"))
	got, err = s.Load("abc")
	require.NoError(t, err)
	require.Equal(t, "AoE/second", got)

	fi, err := os.Stat(s.Path("abc"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	di, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), di.Mode().Perm())

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary files left behind")
}

func TestCursorStoreCorruptFile(t *testing.T) {
	s, err := NewCursorStore(t.TempDir(), fixedNow)
	require.NoError(t, err)
	for name, content := range map[string]string{
		"garbage":          "\x00\x01not json",
		"truncated":        `{"version":1,"collection":"abc","cur`,
		"other collection": `{"version":1,"collection":"xyz","cursor":"c1"}`,
		"empty cursor":     `{"version":1,"collection":"abc","cursor":""}`,
		"future version":   `{"version":9,"collection":"abc","cursor":"c1"}`,
	} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(s.Path("abc"), []byte(content), 0o600))
			_, err := s.Load("abc")
			require.ErrorIs(t, err, ErrCorruptCursor)
			require.Contains(t, err.Error(), s.Path("abc"))
			require.Contains(t, err.Error(), "delete it")
		})
	}
}
