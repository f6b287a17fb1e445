package beatertest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// StoredCursor reads the cursor stored for a collection in dir (a cursor
// file's "cursor"), "" when there is no file. It only reads: opening a
// collector.CursorStore would remove a temporary file a running collection
// is writing.
func StoredCursor(t *testing.T, dir, collection string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "cursor-"+collection+".json"))
	if os.IsNotExist(err) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cursor string `json:"cursor"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("cursor file of %s: %v", collection, err)
	}
	return f.Cursor
}
