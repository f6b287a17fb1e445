package collector

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCursorStoreRemovesLeftoverTempFiles: temporary files a crash left
// between writing and renaming are removed when the store opens; other
// files stay.
func TestCursorStoreRemovesLeftoverTempFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{".cursor-123.tmp", ".cursor-abc.tmp", "cursor-c1.json", "notes.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("{}"), 0o600))
	}
	_, err := NewCursorStore(dir, fixedNow)
	require.NoError(t, err)
	left, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	hidden, err := filepath.Glob(filepath.Join(dir, ".*"))
	require.NoError(t, err)
	require.ElementsMatch(t, []string{filepath.Join(dir, "cursor-c1.json"), filepath.Join(dir, "notes.txt")}, append(left, hidden...))
}

// TestCursorStoreKeepsInvalidUTF8 stores a cursor that is not valid UTF-8
// and reads back the same bytes; the file stays valid JSON.
func TestCursorStoreKeepsInvalidUTF8(t *testing.T) {
	s, err := NewCursorStore(t.TempDir(), fixedNow)
	require.NoError(t, err)
	for _, cursor := range []string{"A\xffB", "\xc3", "ok\u00e9\xe9", "plain"} {
		require.NoError(t, s.Save("c1", cursor))
		got, err := s.Load("c1")
		require.NoError(t, err)
		require.Equal(t, []byte(cursor), []byte(got), "%q", cursor)
		b, err := os.ReadFile(s.Path("c1"))
		require.NoError(t, err)
		require.True(t, json.Valid(b), "%s", b)
	}
}
