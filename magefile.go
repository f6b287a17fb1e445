//go:build mage

// Build targets of threatqbeat. Run them with "go run mage.go <target>"
// (no mage install needed) or "mage <target>".
package main

// The doc comments of this file must not contain backquotes: mage copies
// them into raw string literals of the program it generates.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	"github.com/elastic/beats/v7/libbeat/version"

	"github.com/threatqbeat/threatqbeat/deploy/packaging"
)

// Default is the target run without arguments.
var Default = Build

// buildEnv is the environment of every build: without cgo. The binary is
// then static, 40 MB smaller, and does not link Go's plugin package
// (libbeat's --plugin loader needs cgo), which lowers its resident memory
// (docs/benchmarks.md, "Resident memory"). threatqbeat uses no C code; DNS
// and user look-ups use Go's own resolvers.
var buildEnv = map[string]string{"CGO_ENABLED": "0"}

// Build compiles ./threatqbeat with the commit and build time stamped in.
func Build() error {
	return sh.RunWithV(buildEnv, "go", "build", "-ldflags", stampFlags(), "-o", "threatqbeat", ".")
}

// stampFlags are the linker flags that stamp the commit and build time.
func stampFlags() string {
	commit, _ := sh.Output("git", "rev-parse", "HEAD")
	return fmt.Sprintf("-X github.com/elastic/beats/v7/libbeat/version.commit=%s -X github.com/elastic/beats/v7/libbeat/version.buildTime=%s",
		commit, time.Now().UTC().Format(time.RFC3339))
}

// Update regenerates include/fields.yml from the fields.yml files.
func Update() error {
	return sh.RunV("go", "run", "./tools/genfields")
}

// Fmt formats every Go file.
func Fmt() error {
	return sh.RunV("gofmt", "-w", ".")
}

// Check fails on unformatted code, vet findings or stale generated files.
func Check() error {
	out, err := sh.Output("gofmt", "-l", ".")
	if err != nil {
		return err
	}
	if out != "" {
		return fmt.Errorf("gofmt would change:\n%s", out)
	}
	if err := sh.RunV("go", "vet", "./..."); err != nil {
		return err
	}
	if err := sh.RunV("go", "vet", "-tags", "integration", "./..."); err != nil {
		return err
	}
	return checkGenerated()
}

// checkGenerated compares include/fields.yml with a fresh generation.
func checkGenerated() error {
	tmp, err := os.CreateTemp("", "fields-*.yml")
	if err != nil {
		return err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := sh.Run("go", "run", "./tools/genfields", "-out", tmp.Name()); err != nil {
		return err
	}
	want, err := os.ReadFile(tmp.Name())
	if err != nil {
		return err
	}
	got, err := os.ReadFile("include/fields.yml")
	if err != nil {
		return err
	}
	if !bytes.Equal(want, got) {
		return errors.New("include/fields.yml is stale: run `go run mage.go update`")
	}
	return nil
}

// Test runs every test: the README's test command, then the end-to-end
// tests of tests/integration (build tag integration).
func Test() error {
	mg.Deps(Check)
	if err := sh.RunV("go", "test", "./..."); err != nil {
		return err
	}
	return sh.RunV("go", "test", "-tags", "integration", "./tests/integration/...")
}

// Demo runs the demo against the built-in simulator.
func Demo() error {
	cmd := exec.Command("go", "run", ".", "demo")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// Package builds build/threatqbeat-<version>-<os>-<arch>.tar.gz: the binary
// (stripped, commit stamped) for GOOS/GOARCH (default: this machine), the
// configuration files, the Elastic Agent spec, the systemd unit, the Kibana
// saved objects, README, docs, LICENSE and NOTICE. For Linux it also builds
// the .deb and .rpm packages (build/threatqbeat-<version>-<arch>.deb and
// .rpm, see docs/service.md). It refuses a NOTICE that does not match the
// linked modules.
func Package() error {
	if err := checkNotice(); err != nil {
		return err
	}
	goos, goarch := goEnv("GOOS"), goEnv("GOARCH")
	bin := filepath.Join("build", "bin", goos+"-"+goarch, "threatqbeat")
	if goos == "windows" {
		bin += ".exe"
	}
	env := map[string]string{"GOOS": goos, "GOARCH": goarch, "CGO_ENABLED": buildEnv["CGO_ENABLED"]}
	if err := sh.RunWithV(env, "go", "build", "-ldflags", "-s -w "+stampFlags(), "-o", bin, "."); err != nil {
		return err
	}
	path, err := packaging.Archive(packaging.Options{
		Root: ".", Binary: bin, Version: version.GetDefaultVersion(), OS: goos, Arch: goarch, OutDir: "build",
	})
	if err != nil {
		return err
	}
	entries, err := packaging.Contents(path)
	if err != nil {
		return err
	}
	fmt.Println(path)
	for _, e := range entries {
		fmt.Printf("  %04o %10d %s\n", e.Mode, e.Size, e.Name)
	}
	if goos != "linux" {
		return nil
	}
	for _, format := range []string{"deb", "rpm"} {
		path, err := packaging.Linux(packaging.LinuxOptions{
			Root: ".", Binary: bin, Version: version.GetDefaultVersion(), Arch: goarch, Format: format, OutDir: "build",
		})
		if err != nil {
			return err
		}
		fmt.Println(path)
	}
	return nil
}

// Notice rewrites NOTICE from the modules linked into the binary.
func Notice() error {
	text, err := renderNotice()
	if err != nil {
		return err
	}
	return os.WriteFile("NOTICE", []byte(text), 0o644)
}

func renderNotice() (string, error) {
	def, err := packaging.Modules(".")
	if err != nil {
		return "", err
	}
	noagent, err := packaging.Modules(".", "noagent")
	if err != nil {
		return "", err
	}
	return packaging.RenderNotice(def, noagent), nil
}

// checkNotice fails when NOTICE differs from a fresh rendering.
func checkNotice() error {
	want, err := renderNotice()
	if err != nil {
		return err
	}
	got, err := os.ReadFile("NOTICE")
	if err != nil {
		return err
	}
	if string(got) != want {
		return errors.New("NOTICE does not match the linked modules: run `go run mage.go notice`")
	}
	return nil
}

// goEnv is a go env setting (GOOS, GOARCH), honouring the environment.
func goEnv(key string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	v, _ := sh.Output("go", "env", key)
	return v
}
