//go:build mage

// Build targets of threatqbeat. Run them with `go run mage.go <target>`
// (no mage install needed) or `mage <target>`.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"
)

// Default is the target run without arguments.
var Default = Build

// Build compiles ./threatqbeat with the commit and build time stamped in.
func Build() error {
	commit, _ := sh.Output("git", "rev-parse", "HEAD")
	ldflags := fmt.Sprintf("-X github.com/elastic/beats/v7/libbeat/version.commit=%s -X github.com/elastic/beats/v7/libbeat/version.buildTime=%s",
		commit, time.Now().UTC().Format(time.RFC3339))
	return sh.RunV("go", "build", "-ldflags", ldflags, "-o", "threatqbeat", ".")
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

// Test runs every test (the README's test command).
func Test() error {
	mg.Deps(Check)
	return sh.RunV("go", "test", "./...")
}

// Demo runs the demo against the built-in simulator.
func Demo() error {
	cmd := exec.Command("go", "run", ".", "demo")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}
