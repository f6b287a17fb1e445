//go:build integration

package integration

import (
	"bufio"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/deploy/packaging"
	"github.com/threatqbeat/threatqbeat/internal/estest"
)

// TestPackageDebInstallsWhatTheUnitUses installs the .deb into a throwaway
// root (dpkg -x) and checks that every path the systemd unit and the
// /usr/bin/threatqbeat wrapper use exists, that the unit's command line
// accepts the packaged configuration, and that `setup --dashboards` with
// the package's path.home and no directory setting imports every saved
// object (the dashboards are where libbeat looks: <path.home>/kibana).
func TestPackageDebInstallsWhatTheUnitUses(t *testing.T) {
	packageTool(t, "dpkg-deb")
	deb, _ := buildLinuxPackages(t)
	root := t.TempDir()
	if out, err := exec.Command("dpkg", "-x", deb, root).CombinedOutput(); err != nil {
		t.Fatalf("dpkg -x: %v\n%s", err, out)
	}
	env, execStart, rw := readUnit(t, filepath.Join(root, "lib/systemd/system/threatqbeat.service"))
	args := unitArgs(execStart, env)
	paths := append(slices.Clone(rw), args[0])
	for i, a := range args {
		if strings.HasPrefix(a, "--path.") || a == "-c" {
			paths = append(paths, args[i+1])
		}
	}
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("the unit uses %s, which the package does not install: %v", p, err)
		}
	}
	if st, err := os.Stat(filepath.Join(root, args[0])); err != nil || st.Mode()&0o111 == 0 {
		t.Fatalf("%s is not an executable: %v", args[0], err)
	}
	wrapper := readFile(t, filepath.Join(root, "usr/bin/threatqbeat"))
	if !strings.Contains(wrapper, env["BEAT_PATH_OPTS"]) || !strings.Contains(wrapper, "bin="+args[0]) {
		t.Errorf("/usr/bin/threatqbeat does not run %s with the unit's paths %q:\n%s", args[0], env["BEAT_PATH_OPTS"], wrapper)
	}

	for i, a := range args {
		if strings.HasPrefix(a, "/") {
			args[i] = filepath.Join(root, a)
		}
	}
	cmd := runIn(t, root, append(args[1:], "test", "config")...)
	cmd.Path, cmd.Args[0] = args[0], args[0]
	cmd.Env = append(os.Environ(), "THREATQ_CLIENT_SECRET=unit-test-secret")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "Config OK") {
		t.Fatalf("the unit's command line in the installed package: %v\n%s", err, out)
	}

	kb := &kibanaDouble{}
	srv := httptest.NewServer(kb)
	defer srv.Close()
	es := estest.New(estest.Options{})
	defer es.Close()
	home := filepath.Join(root, packaging.HomeDir)
	setup := exec.CommandContext(timeout(t, 2*time.Minute), filepath.Join(root, packaging.BinPath),
		"--path.home", home, "--path.config", filepath.Join(root, packaging.ConfigDir),
		"--path.data", t.TempDir(), "--path.logs", t.TempDir(),
		"setup", "--dashboards", "-E", "setup.kibana.host="+srv.URL, "-E", fmt.Sprintf("output.elasticsearch.hosts=[%q]", es.URL))
	setup.Env = append(os.Environ(), "THREATQ_CLIENT_SECRET=unit-test-secret")
	if out, err := setup.CombinedOutput(); err != nil || !strings.Contains(string(out), "Loaded dashboards") {
		t.Fatalf("setup --dashboards from the installed package: %v\n%s", err, out)
	}
	kb.mu.Lock()
	defer kb.mu.Unlock()
	imported := map[string]bool{}
	for _, o := range kb.imports {
		imported[fmt.Sprint(o["type"], "/", o["id"])] = true
	}
	for key := range savedObjectKeys(t) {
		if !imported[key] {
			t.Errorf("%s was not imported from %s/kibana", key, packaging.HomeDir)
		}
	}
}

// readUnit returns a unit's Environment="BEAT_*" settings, its ExecStart
// and its ReadWritePaths.
func readUnit(t *testing.T, path string) (env map[string]string, execStart string, rw []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env = map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, `Environment="BEAT_`):
			k, v, _ := strings.Cut(strings.Trim(strings.TrimPrefix(line, "Environment="), `"`), "=")
			env[k] = v
		case strings.HasPrefix(line, "ExecStart="):
			execStart = strings.TrimPrefix(line, "ExecStart=")
		case strings.HasPrefix(line, "ReadWritePaths="):
			rw = strings.Fields(strings.TrimPrefix(line, "ReadWritePaths="))
		}
	}
	if execStart == "" || len(rw) == 0 {
		t.Fatalf("%s: no ExecStart or ReadWritePaths", path)
	}
	return env, execStart, rw
}

// unitArgs expands the $VARIABLES of an ExecStart line.
func unitArgs(execStart string, env map[string]string) []string {
	var args []string
	for _, a := range strings.Fields(execStart) {
		if strings.HasPrefix(a, "$") {
			args = append(args, strings.Fields(env[strings.TrimPrefix(a, "$")])...)
		} else {
			args = append(args, a)
		}
	}
	return args
}
