//go:build integration

package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/threatqbeat/threatqbeat/deploy/packaging"
)

// linuxPackages are the .deb and .rpm built once from TestMain's binary,
// the way `go run mage.go package` builds them (packaging.Linux), with a
// fast compression level.
var linuxPackages struct {
	once     sync.Once
	deb, rpm string
	err      error
}

func buildLinuxPackages(t *testing.T) (deb, rpm string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the .deb and .rpm packages are built for Linux")
	}
	linuxPackages.once.Do(func() {
		out := filepath.Join(filepath.Dir(binary), "packages")
		o := packaging.LinuxOptions{Root: "../..", Binary: binary, Version: "9.9.9-test", Arch: runtime.GOARCH, OutDir: out, Compression: "gzip:1"}
		o.Format = "deb"
		if linuxPackages.deb, linuxPackages.err = packaging.Linux(o); linuxPackages.err != nil {
			return
		}
		o.Format = "rpm"
		linuxPackages.rpm, linuxPackages.err = packaging.Linux(o)
	})
	if linuxPackages.err != nil {
		t.Fatal(linuxPackages.err)
	}
	return linuxPackages.deb, linuxPackages.rpm
}

// packageTool returns the path of dpkg-deb or rpm. .ci/run installs both;
// a developer's machine without them skips the test, CI fails it.
func packageTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed: .ci/run installs it", name)
		}
		t.Skipf("%s is not installed (apt-get install %s)", name, map[string]string{"dpkg-deb": "dpkg", "rpm": "rpm"}[name])
	}
	return p
}

// packageEntry is one installed path: its permissions and whether the
// package marks it as a configuration file.
type packageEntry struct {
	mode   os.FileMode // permission bits and os.ModeDir
	config bool
}

// wantPackage is what both packages install, by path.
func wantPackage(t *testing.T, unit string) map[string]packageEntry {
	t.Helper()
	dir := func(m os.FileMode) packageEntry { return packageEntry{mode: os.ModeDir | m} }
	want := map[string]packageEntry{
		"/usr/share/threatqbeat":                     dir(0o755),
		"/usr/share/threatqbeat/bin":                 dir(0o755),
		"/usr/share/threatqbeat/bin/threatqbeat":     {mode: 0o755},
		"/usr/bin/threatqbeat":                       {mode: 0o755},
		"/etc/threatqbeat":                           dir(0o750),
		"/etc/threatqbeat/threatqbeat.yml":           {mode: 0o600, config: true},
		"/etc/threatqbeat/threatqbeat.reference.yml": {mode: 0o644, config: true},
		unit: {mode: 0o644},
		"/usr/share/threatqbeat/threatqbeat.spec.yml": {mode: 0o644},
		"/usr/share/threatqbeat/README.md":            {mode: 0o644},
		"/usr/share/threatqbeat/LICENSE":              {mode: 0o644},
		"/usr/share/threatqbeat/NOTICE":               {mode: 0o644},
		"/usr/share/threatqbeat/docs":                 dir(0o755),
		"/usr/share/threatqbeat/kibana":               dir(0o755),
		"/usr/share/threatqbeat/kibana/7":             dir(0o755),
		"/var/lib/threatqbeat":                        dir(0o750),
		"/var/log/threatqbeat":                        dir(0o750),
	}
	docs, _ := filepath.Glob("../../docs/*.md")
	for _, f := range docs {
		want["/usr/share/threatqbeat/docs/"+filepath.Base(f)] = packageEntry{mode: 0o644}
	}
	kibana, _ := filepath.Glob("../../_meta/kibana/7/*/*.json")
	for _, f := range kibana {
		rel, _ := filepath.Rel("../../_meta", f)
		want["/usr/share/threatqbeat/"+filepath.ToSlash(rel)] = packageEntry{mode: 0o644}
		want["/usr/share/threatqbeat/"+filepath.ToSlash(filepath.Dir(rel))] = dir(0o755)
	}
	if len(docs) < 5 || len(kibana) == 0 {
		t.Fatalf("docs %v, kibana %v", docs, kibana)
	}
	return want
}

// checkPackage compares a package's listing with want: every path with
// its mode and configuration mark, and nothing else under the threatqbeat
// directories.
func checkPackage(t *testing.T, got, want map[string]packageEntry) {
	t.Helper()
	for p, w := range want {
		g, ok := got[p]
		if !ok {
			t.Errorf("the package lacks %s", p)
			continue
		}
		if g != w {
			t.Errorf("%s: mode %v config %v, want mode %v config %v", p, g.mode, g.config, w.mode, w.config)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok && strings.Contains(p, "threatqbeat") {
			t.Errorf("unexpected entry %s", p)
		}
	}
}

// TestPackageDebContents lists the .deb with dpkg-deb: layout, modes,
// configuration files, and the scripts that create the service user.
func TestPackageDebContents(t *testing.T) {
	dpkgDeb := packageTool(t, "dpkg-deb")
	deb, _ := buildLinuxPackages(t)
	out, err := exec.Command(dpkgDeb, "-c", deb).CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb -c: %v\n%s", err, out)
	}
	got := map[string]packageEntry{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		// drwxr-x--- root/root 0 2026-01-01 00:00 ./etc/threatqbeat/
		f := strings.Fields(line)
		if len(f) < 6 {
			t.Fatalf("dpkg-deb -c line %q", line)
		}
		p := strings.TrimSuffix(strings.TrimPrefix(f[5], "."), "/")
		got[p] = packageEntry{mode: parsePerm(t, f[0])}
	}
	conf, err := exec.Command(dpkgDeb, "-f", deb, "Package", "Version", "Architecture").CombinedOutput()
	if err != nil || !strings.Contains(string(conf), "Package: threatqbeat") || !strings.Contains(string(conf), "Architecture: "+runtime.GOARCH) {
		t.Fatalf("control fields: %v\n%s", err, conf)
	}
	ctrl := t.TempDir()
	if out, err := exec.Command(dpkgDeb, "-e", deb, ctrl).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -e: %v\n%s", err, out)
	}
	conffiles, err := os.ReadFile(filepath.Join(ctrl, "conffiles"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range strings.Fields(string(conffiles)) {
		e := got[c]
		e.config = true
		got[c] = e
	}
	checkPackage(t, got, wantPackage(t, "/lib/systemd/system/threatqbeat.service"))
	checkScripts(t, map[string]string{
		"preinstall": readFile(t, filepath.Join(ctrl, "preinst")), "postinstall": readFile(t, filepath.Join(ctrl, "postinst")),
		"preremove": readFile(t, filepath.Join(ctrl, "prerm")), "postremove": readFile(t, filepath.Join(ctrl, "postrm")),
	})
}

// TestPackageRpmContents lists the .rpm with the rpm tool (rpm -qlp
// --dump): the same layout, modes and configuration files, and scripts.
func TestPackageRpmContents(t *testing.T) {
	rpmTool := packageTool(t, "rpm")
	_, rpm := buildLinuxPackages(t)
	out, err := exec.Command(rpmTool, "-qlp", "--dump", rpm).CombinedOutput()
	if err != nil {
		t.Fatalf("rpm -qlp --dump: %v\n%s", err, out)
	}
	got := map[string]packageEntry{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		// path size mtime digest mode owner group isconfig isdoc rdev symlink
		f := strings.Fields(line)
		if len(f) < 10 {
			t.Fatalf("rpm --dump line %q", line)
		}
		var mode uint32
		if _, err := fmt.Sscanf(f[4], "%o", &mode); err != nil {
			t.Fatalf("mode in %q: %v", line, err)
		}
		m := os.FileMode(mode & 0o777)
		if mode&0o170000 == 0o040000 {
			m |= os.ModeDir
		}
		got[f[0]] = packageEntry{mode: m, config: f[7] == "1"}
	}
	checkPackage(t, got, wantPackage(t, "/usr/lib/systemd/system/threatqbeat.service"))
	scripts, err := exec.Command(rpmTool, "-qp", "--scripts", rpm).CombinedOutput()
	if err != nil {
		t.Fatalf("rpm --scripts: %v\n%s", err, scripts)
	}
	checkScripts(t, map[string]string{"preinstall": string(scripts), "postinstall": string(scripts), "preremove": string(scripts), "postremove": string(scripts)})
}

// checkScripts: the package scripts create the system user and hand it
// its directories and configuration file, and stop the service on removal.
func checkScripts(t *testing.T, s map[string]string) {
	t.Helper()
	for script, want := range map[string][]string{
		"preinstall":  {"useradd --system", "groupadd --system threatqbeat"},
		"postinstall": {"chown threatqbeat:threatqbeat /etc/threatqbeat/threatqbeat.yml", "chmod 0600 /etc/threatqbeat/threatqbeat.yml", "chown threatqbeat:threatqbeat /var/lib/threatqbeat /var/log/threatqbeat"},
		"preremove":   {"systemctl disable --now threatqbeat.service"},
		"postremove":  {"systemctl daemon-reload"},
	} {
		for _, w := range want {
			if !strings.Contains(s[script], w) {
				t.Errorf("%s script lacks %q", script, w)
			}
		}
	}
}

func parsePerm(t *testing.T, s string) os.FileMode {
	t.Helper()
	if len(s) != 10 {
		t.Fatalf("permissions %q", s)
	}
	var m os.FileMode
	for i, c := range s[1:] {
		if c != '-' {
			m |= 1 << (8 - i)
		}
	}
	if s[0] == 'd' {
		m |= os.ModeDir
	}
	return m
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
