//go:build integration

package integration

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestReferenceAndDefaultConfigPassTestConfig: the binary accepts the
// shipped threatqbeat.yml and threatqbeat.reference.yml whole, libbeat's
// sections too (config's TestReferenceAndDefaultConfigLoad checks their
// threatqbeat: section against the code's defaults).
func TestReferenceAndDefaultConfigPassTestConfig(t *testing.T) {
	t.Setenv("THREATQ_CLIENT_SECRET", "reference-secret")
	t.Setenv("THREATQ_KEY_PASSPHRASE", "reference-passphrase")
	t.Setenv("PROXY_CREDENTIALS", "dXNlcjpwYXNz")
	t.Setenv("ES_PASSWORD", "reference-es-password")
	for _, name := range []string{"threatqbeat.yml", "threatqbeat.reference.yml"} {
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile("../../" + name)
			if err != nil {
				t.Fatal(err)
			}
			b := newBeat(t, string(body))
			out, err := b.command(timeout(t, time.Minute), "test", "config").CombinedOutput()
			if err != nil || !strings.Contains(string(out), "Config OK") {
				t.Fatalf("test config with %s: %v\n%s", name, err, out)
			}
		})
	}
}
