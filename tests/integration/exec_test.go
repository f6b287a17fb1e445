//go:build integration

package integration

import (
	osexec "os/exec"
	"testing"
	"time"
)

// runIn runs the binary with no config in dir.
func runIn(t *testing.T, dir string, args ...string) *osexec.Cmd {
	t.Helper()
	cmd := osexec.CommandContext(timeout(t, 2*time.Minute), binary, args...)
	cmd.Dir = dir
	return cmd
}
