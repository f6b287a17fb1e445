package docs_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDocsTestCommandsRunInCI: the README's Development section names the
// command of the unit tests and that of the end-to-end tests, and .ci/run
// and `mage test` run both, word for word, so that what a developer runs is
// what CI runs.
func TestDocsTestCommandsRunInCI(t *testing.T) {
	readme := readFile(t, "../README.md")
	start := strings.Index(readme, "\n## Development\n")
	if start < 0 {
		t.Fatal("README.md has no Development section")
	}
	section := readme[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var commands []string
	for _, m := range regexp.MustCompile("(?m)^\\| `(go test [^`]*)` \\|").FindAllStringSubmatch(section, -1) {
		commands = append(commands, m[1])
	}
	for _, want := range []string{"go test ./...", "go test -tags integration ./tests/integration/..."} {
		if !slices.Contains(commands, want) {
			t.Errorf("README.md's Development table does not show %q (it shows %q)", want, commands)
		}
	}

	ci := strings.Split(readFile(t, "../.ci/run"), "\n")
	for _, c := range commands {
		if !slices.Contains(ci, c) {
			t.Errorf(".ci/run does not run the README's %q on a line of its own", c)
		}
	}
	mage := readFile(t, "../magefile.go")
	for _, call := range []string{`sh.RunV("go", "test", "./...")`, `sh.RunV("go", "test", "-tags", "integration", "./tests/integration/...")`} {
		if !strings.Contains(mage, call) {
			t.Errorf("magefile.go's Test does not call %s", call)
		}
	}
}
