//go:build integration

package integration

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/threatqbeat/threatqbeat/deploy/packaging"
)

// TestPackageArchiveContents builds the release archive the way
// `go run mage.go package` does (packaging.Archive), from the binary built
// by TestMain, and lists it.
func TestPackageArchiveContents(t *testing.T) {
	o := packaging.Options{Root: "../..", Binary: binary, Version: "9.9.9-test", OS: runtime.GOOS, Arch: runtime.GOARCH, OutDir: t.TempDir()}
	path, err := packaging.Archive(o)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "threatqbeat-9.9.9-test-"+runtime.GOOS+"-"+runtime.GOARCH+".tar.gz" {
		t.Fatalf("archive name %s", path)
	}
	entries, err := packaging.Contents(path)
	if err != nil {
		t.Fatal(err)
	}
	top := o.Name() + "/"
	want := map[string]int64{
		top:                               0o755,
		top + "threatqbeat":               0o755,
		top + "threatqbeat.yml":           0o600,
		top + "threatqbeat.reference.yml": 0o644,
		top + "threatqbeat.spec.yml":      0o644,
		top + "threatqbeat.service":       0o644,
		top + "README.md":                 0o644,
		top + "LICENSE":                   0o644,
		top + "NOTICE":                    0o644,
		top + "docs/":                     0o755,
		top + "docs/agent.md":             0o644,
		top + "docs/service.md":           0o644,
	}
	// Every documentation page, which the README links to.
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil || len(docs) < 5 {
		t.Fatalf("docs/*.md: %v %v", docs, err)
	}
	for _, f := range docs {
		want[top+"docs/"+filepath.Base(f)] = 0o644
	}
	// The Kibana saved objects, where setup --dashboards reads them.
	kibana, err := filepath.Glob("../../_meta/kibana/7/*/*.json")
	if err != nil || len(kibana) == 0 {
		t.Fatalf("no saved objects under _meta/kibana: %v", err)
	}
	for _, f := range kibana {
		rel, _ := filepath.Rel("../../_meta", f)
		want[top+filepath.ToSlash(rel)] = 0o644
		for d := filepath.Dir(rel); d != "."; d = filepath.Dir(d) {
			want[top+filepath.ToSlash(d)+"/"] = 0o755
		}
	}
	var listing []string
	for _, e := range entries {
		listing = append(listing, e.Name)
		mode, ok := want[e.Name]
		if !ok {
			t.Errorf("unexpected entry %s", e.Name)
			continue
		}
		if e.Mode != mode {
			t.Errorf("%s: mode %04o, want %04o", e.Name, e.Mode, mode)
		}
		if !e.Dir && e.Size == 0 {
			t.Errorf("%s is empty", e.Name)
		}
		delete(want, e.Name)
	}
	for name := range want {
		t.Errorf("archive lacks %s", name)
	}
	t.Logf("%s:\n  %s", filepath.Base(path), strings.Join(listing, "\n  "))
	st, err := os.Stat(binary)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name == top+"threatqbeat" && e.Size != st.Size() {
			t.Fatalf("binary in the archive has %d bytes, the build %d", e.Size, st.Size())
		}
	}
}

// TestPackageSystemdUnit: the unit follows the Beats conventions and the
// binary accepts its command line (paths moved under a temporary root).
func TestPackageSystemdUnit(t *testing.T) {
	env, execStart, rw := readUnit(t, "../../deploy/systemd/threatqbeat.service")
	// docs/service.md: a 60 s stop limit, an unprivileged user and a
	// read-only view of the system but for the data and log directories.
	unit, err := os.ReadFile("../../deploy/systemd/threatqbeat.service")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(unit), "\n")
	for _, want := range []string{
		"Restart=always", "TimeoutStopSec=60s", "User=threatqbeat", "Group=threatqbeat", "NoNewPrivileges=yes",
		"ProtectSystem=strict", "ProtectHome=yes", "ReadWritePaths=/var/lib/threatqbeat /var/log/threatqbeat",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("the unit has no line %q", want)
		}
	}
	if !slices.Equal(rw, []string{"/var/lib/threatqbeat", "/var/log/threatqbeat"}) {
		t.Errorf("ReadWritePaths %v", rw)
	}
	args := unitArgs(execStart, env)
	if len(args) == 0 || args[0] != "/usr/share/threatqbeat/bin/threatqbeat" {
		t.Fatalf("ExecStart=%s", execStart)
	}
	args = args[1:]
	joined := strings.Join(args, " ")
	for _, want := range []string{
		"--environment systemd", "-c /etc/threatqbeat/threatqbeat.yml",
		"--path.home /usr/share/threatqbeat", "--path.config /etc/threatqbeat",
		"--path.data /var/lib/threatqbeat", "--path.logs /var/log/threatqbeat",
	} {
		if !strings.Contains(joined, want) {
			t.Fatalf("ExecStart lacks %q: %s", want, joined)
		}
	}

	// Run the same command line with the directories under a temporary root
	// and the shipped threatqbeat.yml installed as docs/service.md says.
	root := t.TempDir()
	for i, a := range args {
		if strings.HasPrefix(a, "/") {
			args[i] = filepath.Join(root, a)
		}
	}
	for _, d := range []string{"etc/threatqbeat", "var/lib/threatqbeat", "var/log/threatqbeat", "usr/share/threatqbeat"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := os.ReadFile("../../threatqbeat.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "etc/threatqbeat/threatqbeat.yml"), cfg, 0o640); err != nil {
		t.Fatal(err)
	}
	cmd := runIn(t, root, append(args, "test", "config")...)
	cmd.Env = append(os.Environ(), "THREATQ_CLIENT_SECRET=unit-test-secret")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Config OK") {
		t.Fatalf("the unit's command line with test config: %v\n%s", err, out)
	}
}
