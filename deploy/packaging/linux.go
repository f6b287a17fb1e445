package packaging

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
	"github.com/goreleaser/nfpm/v2/files"
	"github.com/goreleaser/nfpm/v2/rpm"
)

// The paths of an installed package, those of the Beats packages and of
// the systemd unit (deploy/systemd/threatqbeat.service).
const (
	HomeDir   = "/usr/share/threatqbeat"
	BinPath   = HomeDir + "/bin/threatqbeat"
	ConfigDir = "/etc/threatqbeat"
	DataDir   = "/var/lib/threatqbeat"
	LogsDir   = "/var/log/threatqbeat"
)

// LinuxOptions describe one .deb or .rpm package.
type LinuxOptions struct {
	// Root is the repository root, holding the shipped files.
	Root string
	// Binary is the built threatqbeat executable for linux/Arch.
	Binary string
	// Version and Arch (GOARCH) name the package.
	Version, Arch string
	// Format is "deb" or "rpm".
	Format string
	// OutDir receives the package.
	OutDir string
	// Compression overrides the format's default payload compression
	// (nfpm's syntax, e.g. "gzip:1"); "" keeps gzip at its default level.
	Compression string
	// ModTime is the time stamped on every entry (zero: now).
	ModTime time.Time
}

// Name is the package's file name, as the Beats packages name theirs:
// threatqbeat-<version>-amd64.deb, threatqbeat-<version>-x86_64.rpm.
func (o LinuxOptions) Name() string {
	arch := o.Arch
	if o.Format == "rpm" {
		arch = map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i386"}[o.Arch]
		if arch == "" {
			arch = o.Arch
		}
	}
	return fmt.Sprintf("threatqbeat-%s-%s.%s", o.Version, arch, o.Format)
}

// Linux writes OutDir/<Name> and returns its path. The package installs
// the binary in /usr/share/threatqbeat/bin with a /usr/bin/threatqbeat
// wrapper that passes the unit's paths, the configuration in
// /etc/threatqbeat (configuration files: an upgrade keeps local changes),
// the systemd unit, the Kibana saved objects and the documentation under
// /usr/share/threatqbeat, and empty /var/lib/threatqbeat and
// /var/log/threatqbeat; its scripts create the threatqbeat system user
// and give it those directories (deploy/linux/*.sh).
func Linux(o LinuxOptions) (string, error) {
	if o.Version == "" || o.Arch == "" {
		return "", errors.New("package: version and arch are required")
	}
	var packager nfpm.Packager
	switch o.Format {
	case "deb":
		packager = deb.Default
	case "rpm":
		packager = rpm.DefaultRPM
	default:
		return "", fmt.Errorf("package: unknown format %q (deb or rpm)", o.Format)
	}
	if o.ModTime.IsZero() {
		o.ModTime = time.Now()
	}
	contents, err := linuxContents(o)
	if err != nil {
		return "", err
	}
	script := func(name string) string { return filepath.Join(o.Root, "deploy", "linux", name) }
	info := nfpm.WithDefaults(&nfpm.Info{
		Name: "threatqbeat", Arch: o.Arch, Platform: "linux", Version: o.Version,
		Section: "net", Priority: "optional",
		Maintainer:  "threatqbeat <threatqbeat@users.noreply.github.com>",
		Vendor:      "threatqbeat",
		Homepage:    "https://github.com/threatqbeat/threatqbeat",
		License:     "Apache-2.0",
		Description: "Ships ThreatQ indicators of compromise to Elasticsearch as ECS threat indicator events",
		MTime:       o.ModTime,
		Overridables: nfpm.Overridables{
			Contents: contents,
			Scripts: nfpm.Scripts{
				PreInstall: script("preinstall.sh"), PostInstall: script("postinstall.sh"),
				PreRemove: script("preremove.sh"), PostRemove: script("postremove.sh"),
			},
			Deb: nfpm.Deb{Compression: o.Compression},
			RPM: nfpm.RPM{Compression: o.Compression, Group: "System Environment/Daemons"},
		},
	})
	if err := nfpm.PrepareForPackager(info, o.Format); err != nil {
		return "", fmt.Errorf("package %s: %w", o.Format, err)
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return "", fmt.Errorf("package: create %s: %w", o.OutDir, err)
	}
	path := filepath.Join(o.OutDir, o.Name())
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return "", fmt.Errorf("package: %w", err)
	}
	err = packager.Package(info, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("package %s: %w", o.Format, err)
	}
	return path, nil
}

// linuxContents lists what a package installs.
func linuxContents(o LinuxOptions) (files.Contents, error) {
	file := func(src, dst string, mode os.FileMode) *files.Content {
		return &files.Content{Source: src, Destination: dst, FileInfo: &files.ContentFileInfo{Mode: mode, MTime: o.ModTime}}
	}
	dir := func(dst string, mode os.FileMode) *files.Content {
		return &files.Content{Destination: dst, Type: files.TypeDir, FileInfo: &files.ContentFileInfo{Mode: mode, MTime: o.ModTime}}
	}
	config := func(src, dst string, mode os.FileMode) *files.Content {
		c := file(src, dst, mode)
		c.Type = files.TypeConfigNoReplace
		return c
	}
	root := func(p string) string { return filepath.Join(o.Root, p) }
	unit := "/lib/systemd/system/threatqbeat.service" // Debian's place; RPM's is /usr/lib
	if o.Format == "rpm" {
		unit = "/usr/lib/systemd/system/threatqbeat.service"
	}
	c := files.Contents{
		dir(HomeDir, 0o755), dir(HomeDir+"/bin", 0o755),
		file(o.Binary, BinPath, 0o755),
		file(root("deploy/linux/threatqbeat.sh"), "/usr/bin/threatqbeat", 0o755),
		dir(ConfigDir, 0o750),
		config(root("threatqbeat.yml"), ConfigDir+"/threatqbeat.yml", 0o600),
		config(root("threatqbeat.reference.yml"), ConfigDir+"/threatqbeat.reference.yml", 0o644),
		file(root("deploy/systemd/threatqbeat.service"), unit, 0o644),
		file(root("threatqbeat.spec.yml"), HomeDir+"/threatqbeat.spec.yml", 0o644),
		file(root("README.md"), HomeDir+"/README.md", 0o644),
		file(root("LICENSE"), HomeDir+"/LICENSE", 0o644),
		file(root("NOTICE"), HomeDir+"/NOTICE", 0o644),
		dir(DataDir, 0o750), dir(LogsDir, 0o750),
	}
	// The saved objects where setup --dashboards reads them by default
	// (<path.home>/kibana), and the documentation beside the README that
	// links to it, as in the archive.
	for _, tree := range Trees {
		list, err := treeFiles(o.Root, tree)
		if err != nil {
			return nil, err
		}
		dirs := map[string]bool{}
		for _, f := range list {
			for d := filepath.Dir(f.Name); d != "." && !dirs[d]; d = filepath.Dir(d) {
				dirs[d] = true
				c = append(c, dir(HomeDir+"/"+filepath.ToSlash(d), 0o755))
			}
			c = append(c, file(f.Source, HomeDir+"/"+f.Name, os.FileMode(f.Mode)))
		}
	}
	return c, nil
}
