//go:build integration

package integration

import (
	"os"
	"strings"
	"testing"
	"time"
)

// readmeConfig returns the YAML block of README.md that configures
// threatqbeat and the Elasticsearch output.
func readmeConfig(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range strings.Split(string(data), "```yaml")[1:] {
		block, _, _ = strings.Cut(block, "```")
		if strings.Contains(block, "threatqbeat:") && strings.Contains(block, "output.elasticsearch:") {
			var lines []string
			for _, l := range strings.Split(strings.Trim(block, "\n"), "\n") {
				lines = append(lines, strings.TrimPrefix(l, "   "))
			}
			return strings.Join(lines, "\n") + "\n"
		}
	}
	t.Fatal("README.md has no YAML block with threatqbeat: and output.elasticsearch:")
	return ""
}

// TestDocsConfigPassesTestConfig runs `threatqbeat test config` on the
// configuration README.md shows, and checks that the command refuses a
// broken one.
func TestDocsConfigPassesTestConfig(t *testing.T) {
	cfg := readmeConfig(t)
	b := newBeat(t, cfg)
	cmd := b.command(timeout(t, time.Minute), "test", "config")
	cmd.Env = append(os.Environ(), "THREATQ_CLIENT_SECRET=s3cret", "ES_API_KEY=id:key")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Config OK") {
		t.Fatalf("test config on the README configuration: %v\n%s\n%s", err, out, cfg)
	}

	broken := newBeat(t, strings.Replace(cfg, "ioc_expiration_duration: 90d", "ioc_expiration_duration: 90s", 1))
	cmd = broken.command(timeout(t, time.Minute), "test", "config")
	cmd.Env = append(os.Environ(), "THREATQ_CLIENT_SECRET=s3cret", "ES_API_KEY=id:key")
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "threatqbeat.ioc_expiration_duration") {
		t.Fatalf("test config accepted an invalid ioc_expiration_duration or did not name it: %v\n%s", err, out)
	}
}
