package docs_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/threatqbeat/threatqbeat/deploy/packaging"
)

// shellLines returns the lines of the shell blocks of a page.
func shellLines(page string) []string {
	var out []string
	in := false
	for _, line := range strings.Split(page, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			in = !in && shellFence(line)
			continue
		}
		if in {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

// TestDocsBuildCommandsShareOneBuildCache: every command of README.md and
// docs/*.md that builds threatqbeat (go build, go run .) builds it without
// cgo, as magefile.go and the end-to-end tests do, so that they all reuse
// one build cache instead of compiling libbeat twice; and the README says
// what the first build costs.
func TestDocsBuildCommandsShareOneBuildCache(t *testing.T) {
	pages, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	builds := 0
	for _, p := range append([]string{"../README.md"}, pages...) {
		for _, line := range shellLines(readFile(t, p)) {
			if !strings.Contains(line, "go build") && !strings.Contains(line, "go run . ") && !strings.HasSuffix(line, "go run .") {
				continue
			}
			builds++
			if !strings.HasPrefix(line, "CGO_ENABLED=0 go ") {
				t.Errorf("%s: %q builds threatqbeat with Go's default cgo setting: write CGO_ENABLED=0 as magefile.go does", filepath.Base(p), line)
			}
		}
	}
	if builds == 0 {
		t.Fatal("README.md shows no build command")
	}
	if mage := readFile(t, "../magefile.go"); !strings.Contains(mage, `var buildEnv = map[string]string{"CGO_ENABLED": "0"}`) {
		t.Error("magefile.go no longer builds without cgo: change the documented commands with it")
	}
	if main := readFile(t, filepath.Join(integrationTests, "main_test.go")); !strings.Contains(main, `"CGO_ENABLED=0"`) {
		t.Error("TestMain no longer builds without cgo")
	}
	readme := readFile(t, "../README.md")
	if !regexp.MustCompile(`the first build takes \d+ to \d+ minutes and [\d.]+ GB of memory`).MatchString(readme) ||
		!strings.Contains(readme, "2-core machine") {
		t.Error("README.md does not state the first build's time and memory on a 2-core machine")
	}
}

// TestDocsReadmeChecksThreatQFirst: the README's steps against ThreatQ run
// `test threatq` before any other check.
func TestDocsReadmeChecksThreatQFirst(t *testing.T) {
	readme := readFile(t, "../README.md")
	start := strings.Index(readme, "## Running against ThreatQ")
	end := strings.Index(readme, "## Production install")
	if start < 0 || end < start {
		t.Fatal("README.md has no Running against ThreatQ section before Production install")
	}
	var tests []string
	for _, c := range commandsIn("README.md", []byte(readme[start:end])) {
		if sig, words := commandSignature(c.text); len(words) > 0 && words[0] == "test" {
			tests = append(tests, sig)
		}
	}
	if len(tests) == 0 || tests[0] != "threatqbeat test threatq" {
		t.Fatalf("the checks of the ThreatQ steps are %v: test threatq comes first", tests)
	}
}

// TestDocsDashboardsPathIsOneTruth: README.md, docs/configuration.md and
// docs/service.md say the same thing about where setup --dashboards reads
// the saved objects (<path.home>/kibana), the archive and the packages put
// them there (TestPackageDebInstallsWhatTheUnitUses imports them from the
// installed package), and the archive install steps copy them.
func TestDocsDashboardsPathIsOneTruth(t *testing.T) {
	for _, p := range []string{"../README.md", "configuration.md", "service.md"} {
		page := readFile(t, p)
		for _, want := range []string{"<path.home>/kibana", "/usr/share/threatqbeat/kibana"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s does not say %s", filepath.Base(p), want)
			}
		}
		if strings.Contains(page, "<path.home>/kibana/7") {
			t.Errorf("%s names <path.home>/kibana/7 as the directory: setup.dashboards.directory is <path.home>/kibana", filepath.Base(p))
		}
	}
	copied := false
	for _, line := range shellLines(readFile(t, "service.md")) {
		copied = copied || (strings.Contains(line, " kibana ") && strings.HasSuffix(line, " /usr/share/threatqbeat/"))
	}
	if !copied {
		t.Error("the archive install steps of docs/service.md do not copy kibana/ to /usr/share/threatqbeat/")
	}
	found := false
	for _, tree := range packaging.Trees {
		found = found || (tree.Source == "_meta/kibana" && tree.Name == "kibana")
	}
	if !found {
		t.Errorf("the archive does not hold _meta/kibana as kibana/: %v", packaging.Trees)
	}
	if _, err := os.Stat("../_meta/kibana/7"); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
