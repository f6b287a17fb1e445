//go:build integration

package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

func fileOutputConfig(url, out, extra string) string {
	return fmt.Sprintf(`threatqbeat:
  url: %q
  client_id: test
  client_secret: test
  collections: [{id: col-e2e}]
%s
output.file:
  path: %q
  filename: events
queue.mem.flush.timeout: 0s
logging.level: info
`, url, extra, out)
}

func TestRunSyncsEveryIndicatorToFileOutput(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{EmptyDataAsObject: true})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(3000, 42, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))

	out := t.TempDir()
	b := newBeat(t, fileOutputConfig(sim.URL(), out, "  run_once: true\n  page_size: 1000"))
	cmd := b.command(timeout(t, 2*time.Minute), "run", "-e")
	logs, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("threatqbeat run: %v\n%s", err, logs)
	}
	events := readNDJSON(t, out)
	if len(events) != 3000 {
		t.Fatalf("got %d events, want 3000", len(events))
	}
	ids := map[float64]bool{}
	for _, e := range events {
		id, _ := field(e, "threatq.id").(float64)
		if id == 0 || ids[id] {
			t.Fatalf("missing or duplicate threatq.id %v", field(e, "threatq.id"))
		}
		ids[id] = true
		if field(e, "event.dataset") != "ti_threatq.threat" || field(e, "@metadata._id") == nil {
			t.Fatalf("event without envelope: %v", e)
		}
	}
	cursor, err := os.ReadFile(filepath.Join(b.home, "data", "threatq", "cursor-col-e2e.json"))
	if err != nil {
		t.Fatalf("no cursor stored: %v", err)
	}
	if !strings.Contains(string(cursor), `"cursor"`) {
		t.Fatalf("cursor file: %s", cursor)
	}
	if st := sim.Stats(); st.TokenRequests != 1 {
		t.Fatalf("token requests = %d, want 1", st.TokenRequests)
	}
	if strings.Contains(string(logs), "test:test") || strings.Contains(string(logs), "dGVzdDp0ZXN0") {
		t.Fatal("credentials in the log")
	}
}

func TestRunStopsOnSIGTERM(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(500, 1, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))

	out := t.TempDir()
	b := newBeat(t, fileOutputConfig(sim.URL(), out, "  interval: 1h"))
	cmd := b.command(timeout(t, time.Minute), "run", "-e")
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cursor := filepath.Join(b.home, "data", "threatq", "cursor-col-e2e.json")
	if !assert.Eventually(t, func() bool { return fileExists(cursor) }, 30*time.Second, 20*time.Millisecond, "a stored cursor") {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("no cursor after 30 s\n%s", logs.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
	}
	if n := len(readNDJSON(t, out)); n != 500 {
		t.Fatalf("got %d events, want 500", n)
	}
}

func TestBadConfigRefusesToStart(t *testing.T) {
	b := newBeat(t, fileOutputConfig("https://threatq.example.com", t.TempDir(), "  ioc_expiration_duration: 90s"))
	out, err := b.command(timeout(t, time.Minute), "run", "-e").CombinedOutput()
	if err == nil {
		t.Fatal("threatqbeat started with an invalid ioc_expiration_duration")
	}
	if !strings.Contains(string(out), "threatqbeat.ioc_expiration_duration") {
		t.Fatalf("error does not name the key:\n%s", out)
	}
}

func TestDemoInEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	cmd := runIn(t, dir, "demo")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "summary: 3020 indicators fetched, 3030 events published, 3030 acknowledged") {
		t.Fatalf("demo summary missing:\n%s", out)
	}
	// 3000 indicators, the versions of the 20 set Whitelisted and the
	// tombstones of the 10 deleted.
	if n := len(readNDJSON(t, filepath.Join(dir, "demo-output"))); n != 3030 {
		t.Fatalf("demo wrote %d events, want 3030", n)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("demo left more than demo-output behind: %v", entries)
	}
}

func TestVersionNamesThreatqbeat(t *testing.T) {
	out, err := runIn(t, t.TempDir(), "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "threatqbeat version") {
		t.Fatalf("version: %v\n%s", err, out)
	}
}
