//go:build integration

package integration

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/threatqbeat/threatqbeat/deploy/packaging"
)

// markdownLink matches the target of an inline link or image: [text](target).
var markdownLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// relativeLinks returns the relative link targets of a Markdown page,
// without their #fragment; links to other sites and to the page's own
// anchors are left out.
func relativeLinks(page string) []string {
	var out []string
	for _, m := range markdownLink.FindAllStringSubmatch(page, -1) {
		target := m[1]
		if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") || strings.HasPrefix(target, "#") {
			continue
		}
		target, _, _ = strings.Cut(target, "#")
		out = append(out, target)
	}
	return out
}

// TestPackageArchiveLinksResolve extracts the release archive and follows
// every relative link of every Markdown page in it: README.md and the
// docs/ pages must point only at files the archive holds.
func TestPackageArchiveLinksResolve(t *testing.T) {
	o := packaging.Options{Root: "../..", Binary: binary, Version: "9.9.9-test", OS: runtime.GOOS, Arch: runtime.GOARCH, OutDir: t.TempDir()}
	path, err := packaging.Archive(o)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	extractMarkdown(t, path, dir)
	top := filepath.Join(dir, o.Name())
	pages, checked := 0, 0
	err = filepath.WalkDir(top, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		pages++
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(top, p)
		for _, link := range relativeLinks(string(body)) {
			checked++
			target := filepath.Join(filepath.Dir(p), filepath.FromSlash(link))
			if inside, _ := filepath.Rel(top, target); strings.HasPrefix(inside, "..") {
				t.Errorf("%s links to %s, outside the archive", rel, link)
				continue
			}
			if _, err := os.Stat(target); err != nil {
				if _, listed := os.Stat(target + ".listed"); listed == nil {
					continue // a file of the archive that is not Markdown
				}
				t.Errorf("%s links to %s, which the archive does not hold", rel, link)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 5 || checked < 20 {
		t.Fatalf("followed %d links in %d pages: the archive lacks its documentation", checked, pages)
	}
}

// extractMarkdown writes the archive's Markdown pages to dir, and an empty
// <name>.listed marker for each other entry, so that links to any entry
// can be checked without writing the binary.
func extractMarkdown(t *testing.T, path, dir string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, filepath.FromSlash(h.Name))
		if h.Typeflag == tar.TypeDir {
			if err := os.MkdirAll(name, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(h.Name, ".md") {
			name += ".listed"
		}
		out, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(h.Name, ".md") {
			_, err = io.Copy(out, tr)
		}
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestRelativeLinks(t *testing.T) {
	page := "See [a](docs/a.md), [b](b.md#x), [site](https://x.example/y.md), [top](#top), ![img](img/p.png) and [mail](mailto:x@example.com)."
	got := relativeLinks(page)
	if want := []string{"docs/a.md", "b.md", "img/p.png"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("relativeLinks = %v, want %v", got, want)
	}
}
