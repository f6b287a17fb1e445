package docs_test

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// docCommandTests maps every threatqbeat command that README.md and
// docs/*.md show in a shell block to the end-to-end test of
// tests/integration that runs it (in its body or in a helper it calls). The
// key is the command's signature (see commandSignature). TestDocsCommandsAreTested
// fails when a page shows a command missing here, and when the test named
// here does not exist or does not pass the command's words and flags to the
// binary.
var docCommandTests = map[string]string{
	"threatqbeat demo":                                       "TestDemoInEmptyDirectory",
	"threatqbeat demo --serve":                               "TestDemoServeForTestThreatQAndRun",
	"threatqbeat keystore create":                            "TestClientSecretFromKeystore",
	"threatqbeat keystore add THREATQ_CLIENT_SECRET":         "TestClientSecretFromKeystore",
	"threatqbeat keystore add THREATQ_CLIENT_SECRET --force": "TestKeystoreSecretCanBeReplaced",
	"threatqbeat test config":                                "TestDocsConfigPassesTestConfig",
	"threatqbeat test threatq":                               "TestThreatQTestGoodCredentials",
	"threatqbeat test output":                                "TestTestOutputChecksElasticsearch",
	"threatqbeat run":                                        "TestRunSyncsEveryIndicatorToFileOutput",
	"threatqbeat setup":                                      "TestSetupInstallsEverythingThenChangesNothing",
	"threatqbeat setup -E -E output.elasticsearch.api_key= output.elasticsearch.hosts=": "TestSetupFromTheCommandLineWithAPIKey",
	"threatqbeat setup --transforms":                                                      "TestSetupUpgradesTheTransform",
	"threatqbeat setup --index-management":                                                "TestSetupFlagsSelectSteps",
	"threatqbeat setup --pipelines":                                                       "TestSetupFlagsSelectSteps",
	"threatqbeat setup --index-management --transforms":                                   "TestSetupFlagsSelectSteps",
	"threatqbeat setup --lookup-index":                                                    "TestSetupFlagsSelectSteps",
	"threatqbeat setup --dashboards -E -E setup.dashboards.directory= setup.kibana.host=": "TestSetupDashboardsImportsIntoKibana",
	"threatqbeat export template":                                                         "TestExportWithoutElasticsearch",
	"threatqbeat export ilm-policy":                                                       "TestExportWithoutElasticsearch",
	"threatqbeat export pipeline":                                                         "TestExportWithoutElasticsearch",
	"threatqbeat export transform":                                                        "TestExportWithoutElasticsearch",
	"threatqbeat export lookup-index":                                                     "TestExportWithoutElasticsearch",
	"threatqbeat export index-pattern":                                                    "TestExportIndexPatternPrintsTheDashboardsDataViews",
	"threatqbeat export transform --dir":                                                  "TestExportWithoutElasticsearch",
	"threatqbeat version":                                                                 "TestVersionNamesThreatqbeat",
}

// docCommand is one threatqbeat command shown in a page.
type docCommand struct {
	where string // file:line
	text  string
}

// shellFence reports whether a code fence opens a shell block.
func shellFence(line string) bool {
	info := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "```"))
	return slices.Contains([]string{"sh", "shell", "bash", "console", "powershell", "ps1", "cmd"}, strings.ToLower(info))
}

// docCommands extracts the threatqbeat commands of the shell blocks of
// README.md and docs/*.md (pages not written yet are simply absent).
func docCommands(t *testing.T) []docCommand {
	t.Helper()
	files, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{"../README.md"}, files...)
	var out []docCommand
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, commandsIn(filepath.Base(f), data)...)
	}
	return out
}

// commandsIn returns the threatqbeat commands of the shell blocks of one
// page: lines (joined over trailing backslashes) split at &&, || and ;,
// whose first word is threatqbeat (any path to it, sudo allowed),
// `go run .`, or a shell function the page defines around threatqbeat
// (`run() { sudo -u threatqbeat .../threatqbeat --path.home ... "$@"; }`).
func commandsIn(name string, page []byte) []docCommand {
	var out []docCommand
	wrappers := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(page))
	inFence, shell, lineNo, start := false, false, 0, 0
	pending := ""
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			shell = inFence && shellFence(line)
			pending = ""
			continue
		}
		if !shell {
			continue
		}
		if pending == "" {
			start = lineNo
		}
		text := strings.TrimSpace(line)
		if before, ok := strings.CutSuffix(text, `\`); ok {
			pending += before + " "
			continue
		}
		text, pending = pending+text, ""
		if i := strings.Index(text, " #"); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimPrefix(text, "$ ")
		if fn, body, ok := strings.Cut(text, "() {"); ok && !strings.ContainsAny(fn, " \t") {
			for _, w := range strings.Fields(body) {
				if strings.TrimSuffix(filepath.Base(w), ".exe") == "threatqbeat" {
					wrappers[fn] = true
				}
			}
			continue
		}
		text = strings.ReplaceAll(strings.ReplaceAll(text, "&&", ";"), "||", ";")
		for _, part := range strings.Split(text, ";") {
			words := strings.Fields(part)
			if len(words) > 0 && words[0] == "sudo" {
				words = words[1:]
			}
			switch {
			case len(words) > 0 && strings.TrimSuffix(filepath.Base(words[0]), ".exe") == "threatqbeat":
				words = words[1:]
			case len(words) > 2 && words[0] == "go" && words[1] == "run" && words[2] == ".":
				words = words[3:]
			case len(words) > 0 && wrappers[words[0]]:
				words = words[1:]
			default:
				continue
			}
			out = append(out, docCommand{where: fmt.Sprintf("%s:%d", name, start), text: strings.Join(append([]string{"threatqbeat"}, words...), " ")})
		}
	}
	return out
}

// globalValueFlags are libbeat's global flags that take a value and that
// every end-to-end test passes already (newBeat sets the home directory and
// the config file): a page may show them with any value.
var globalValueFlags = map[string]bool{
	"-c": true, "--c": true, "-path.home": true, "--path.home": true, "-path.config": true, "--path.config": true,
	"-path.data": true, "--path.data": true, "-path.logs": true, "--path.logs": true,
}

// commandSignature reduces a command to what a test must pass to the
// binary: the words before the first flag (subcommands and their
// arguments) in order, then the flags sorted, `-E key=value` kept as `-E`
// and `key=`. Values of flags (`--dir out`), `-e` (log to stderr) and the
// global path and config flags with their values are left out.
func commandSignature(cmd string) (sig string, checked []string) {
	words := strings.Fields(cmd)[1:]
	var lead, flags []string
	seenFlag := false
	for i := 0; i < len(words); i++ {
		w := strings.Trim(words[i], `"'`)
		key, _, hasValue := strings.Cut(w, "=")
		switch {
		case w == "-e":
		case globalValueFlags[key]:
			if !hasValue {
				i++ // the value
			}
		case strings.HasPrefix(w, "-"):
			flags = append(flags, key)
			seenFlag = true
		case hasValue:
			flags = append(flags, key+"=")
		case !seenFlag:
			lead = append(lead, w)
		}
	}
	sort.Strings(flags)
	checked = append(lead, flags...)
	return strings.Join(append([]string{"threatqbeat"}, checked...), " "), checked
}

// integrationTests is the package of the end-to-end tests, which run the
// binary.
const integrationTests = "../tests/integration"

// testLiterals returns the string literals in the body of every Test
// function of the end-to-end tests, by function name.
func testLiterals(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(integrationTests, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	// The string literals of every function, and the functions each calls.
	lits := map[string][]string{}
	calls := map[string][]string{}
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || fn.Body == nil {
				continue
			}
			name := fn.Name.Name
			lits[name] = []string{}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit:
					if s, err := strconv.Unquote(n.Value); err == nil && n.Kind == token.STRING {
						lits[name] = append(lits[name], s)
					}
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); ok {
						calls[name] = append(calls[name], id.Name)
					}
				}
				return true
			})
		}
	}
	// A test passes what its body holds and what the helpers it calls
	// directly hold (testThreatQ builds the command of the test threatq
	// tests).
	out := map[string][]string{}
	for name, l := range lits {
		if !strings.HasPrefix(name, "Test") {
			continue
		}
		all := slices.Clone(l)
		for _, callee := range calls[name] {
			all = append(all, lits[callee]...)
		}
		out[name] = all
	}
	return out
}

// passes reports whether a test's literals hold one of a command's
// signature words: the word itself, a literal starting with key= for -E
// settings, or the word among a literal's space-separated words.
func passes(lits []string, word string) bool {
	for _, l := range lits {
		if l == word || strings.HasSuffix(word, "=") && strings.HasPrefix(l, word) || slices.Contains(strings.Fields(l), word) {
			return true
		}
	}
	return false
}

// untested returns the commands whose signature docCommandTests lacks.
func untested(cmds []docCommand) []docCommand {
	var out []docCommand
	for _, c := range cmds {
		if sig, _ := commandSignature(c.text); docCommandTests[sig] == "" {
			out = append(out, c)
		}
	}
	return out
}

func TestDocsCommandsAreTested(t *testing.T) {
	cmds := docCommands(t)
	if len(cmds) < 5 {
		t.Fatalf("found only %d threatqbeat commands in README.md and docs/*.md: %v", len(cmds), cmds)
	}
	for _, c := range untested(cmds) {
		sig, _ := commandSignature(c.text)
		t.Errorf("%s shows `%s` (signature %q), which no test is known to run: write an end-to-end test that runs it and add it to docCommandTests", c.where, c.text, sig)
	}
	lits := testLiterals(t)
	for sig, test := range docCommandTests {
		got, ok := lits[test]
		if !ok {
			t.Errorf("docCommandTests: %q names %s, which does not exist in %s", sig, test, integrationTests)
			continue
		}
		if again, _ := commandSignature(sig); again != sig {
			t.Errorf("docCommandTests: key %q is not a signature; write it as %q", sig, again)
		}
		_, words := commandSignature(sig)
		for _, w := range words {
			if !passes(got, w) {
				t.Errorf("docCommandTests: %s does not pass %q to threatqbeat, so it does not run `%s`", test, w, sig)
			}
		}
	}
}

func TestDocsCommandExtraction(t *testing.T) {
	page := "Text `threatqbeat inline` is not a command.\n\n" +
		"```sh\n" +
		"go run . demo      # comment\n" +
		"./threatqbeat test config && ./threatqbeat run -e\n" +
		"sudo /usr/share/threatqbeat/bin/threatqbeat setup --dashboards \\\n" +
		"  -E setup.kibana.host=https://k:5601\n" +
		"$ threatqbeat export transform --dir out\n" +
		"threatqbeat -c /etc/threatqbeat/threatqbeat.yml --path.data=/var/lib/threatqbeat run -e\n" +
		"systemctl start threatqbeat\n" +
		"run() { sudo -u threatqbeat /usr/share/threatqbeat/bin/threatqbeat \\\n" +
		"  --path.home /usr/share/threatqbeat \"$@\"; }\n" +
		"run test output\n" +
		"runner test output\n" +
		"threatqbeat export dashboard --id x\n" +
		"```\n\n" +
		"```yaml\nthreatqbeat:\n  url: x\n```\n"
	var got []string
	for _, c := range commandsIn("p.md", []byte(page)) {
		sig, _ := commandSignature(c.text)
		got = append(got, c.where+" "+sig)
	}
	want := []string{
		"p.md:4 threatqbeat demo",
		"p.md:5 threatqbeat test config",
		"p.md:5 threatqbeat run",
		"p.md:6 threatqbeat setup --dashboards -E setup.kibana.host=",
		"p.md:8 threatqbeat export transform --dir",
		"p.md:9 threatqbeat run",
		"p.md:13 threatqbeat test output",
		"p.md:15 threatqbeat export dashboard --id",
	}
	if !slices.Equal(got, want) {
		t.Errorf("extracted\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// An untested command is reported.
	if _, ok := docCommandTests["threatqbeat export dashboard"]; ok {
		t.Fatal("the untested example became a tested command; pick another")
	}
	var reported []string
	for _, c := range untested(commandsIn("p.md", []byte(page))) {
		reported = append(reported, c.where+" "+c.text)
	}
	if want := []string{
		"p.md:6 threatqbeat setup --dashboards -E setup.kibana.host=https://k:5601", // without setup.dashboards.directory
		"p.md:15 threatqbeat export dashboard --id x",
	}; !slices.Equal(reported, want) {
		t.Errorf("untested commands reported: %q, want %q", reported, want)
	}
}
