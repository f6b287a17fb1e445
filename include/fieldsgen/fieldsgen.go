// Package fieldsgen assembles threatqbeat's fields.yml from libbeat's field
// files (read from the module cache) and the project's own _meta files.
package fieldsgen

import (
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/elastic/beats/v7/libbeat/generator/fields"
)

// BeatsDir is the directory of the libbeat module in the module cache.
func BeatsDir() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/elastic/beats/v7").Output()
	if err != nil {
		return "", fmt.Errorf("locate github.com/elastic/beats/v7: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Generate writes the complete fields.yml of the beat rooted at repo.
func Generate(repo string, w io.Writer) error {
	beats, err := BeatsDir()
	if err != nil {
		return err
	}
	paths, err := filepath.Glob(filepath.Join(repo, "module", "*", "*", "_meta", "fields.yml"))
	if err != nil {
		return err
	}
	mods, err := filepath.Glob(filepath.Join(repo, "module", "*", "_meta", "fields.yml"))
	if err != nil {
		return err
	}
	sort.Strings(paths)
	sort.Strings(mods)
	var files []*fields.YmlFile
	for _, p := range append(mods, paths...) {
		f, err := fields.NewYmlFile(p, indentFor(p, mods))
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		files = append(files, f)
	}
	if err := fields.Generate(beats, repo, files, w); err != nil {
		return fmt.Errorf("generate fields.yml: %w", err)
	}
	return nil
}

// indentFor nests a dataset's fields (a plain list) under the fields of its
// module's section; module files stay at the top level.
func indentFor(path string, modules []string) int {
	for _, m := range modules {
		if m == path {
			return 0
		}
	}
	return 4
}
