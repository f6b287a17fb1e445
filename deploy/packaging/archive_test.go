package packaging

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestTreeFilesLeaveOutGoSource: a tree ships its pages and assets, not
// the Go package that checks them (docs/doc.go, docs/*_test.go).
func TestTreeFilesLeaveOutGoSource(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"docs/a.md", "docs/doc.go", "docs/commands_test.go", "docs/img/b.png", "docs/img/c.md"} {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := treeFiles(root, File{Source: "docs", Name: "doc", Mode: 0o644})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Name)
	}
	want := []string{"doc/a.md", "doc/img/b.png", "doc/img/c.md"}
	if !slices.Equal(got, want) {
		t.Fatalf("tree files %v, want %v", got, want)
	}
}
