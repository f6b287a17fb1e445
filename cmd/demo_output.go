package cmd

import (
	"fmt"
	"os"
	"path/filepath"
)

// removeEarlierOutput deletes the NDJSON files an earlier demo wrote to
// dir (threatqbeat*.ndjson, as output.file names them), so that the
// directory holds this run's events only. Other files are left alone. It
// returns how many files it removed.
func removeEarlierOutput(dir string) (int, error) {
	files, err := filepath.Glob(filepath.Join(dir, Name+"*.ndjson"))
	if err != nil {
		return 0, fmt.Errorf("demo: list %s: %w", dir, err)
	}
	removed := 0
	for _, f := range files {
		if st, err := os.Lstat(f); err != nil || !st.Mode().IsRegular() {
			continue
		}
		if err := os.Remove(f); err != nil {
			return removed, fmt.Errorf("demo: remove the earlier output %s: %w", f, err)
		}
		removed++
	}
	return removed, nil
}
