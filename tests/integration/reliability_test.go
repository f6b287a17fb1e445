//go:build integration

package integration

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

var genStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func TestGroupWritableConfigIsRefused(t *testing.T) {
	b := newBeat(t, fileOutputConfig("https://threatq.example.com", t.TempDir(), ""))
	if err := os.Chmod(b.config, 0o664); err != nil {
		t.Fatal(err)
	}
	out, err := b.command(timeout(t, time.Minute), "run", "-e").CombinedOutput()
	if err == nil {
		t.Fatal("started with a group-writable config")
	}
	if !strings.Contains(string(out), "can only be writable by the owner") {
		t.Fatalf("no strict.perms message:\n%s", out)
	}
}

func writeCA(t *testing.T, sim *threatqtest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: sim.Certificate().Raw})
	if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTLSVerification(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{TLS: true})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(50, 3, genStart))

	t.Run("self-signed refused by default", func(t *testing.T) {
		out := t.TempDir()
		b := newBeat(t, fileOutputConfig(sim.URL(), out, "  run_once: true\n  retry: {max_attempts: 1}"))
		logs, err := b.command(timeout(t, time.Minute), "run", "-e").CombinedOutput()
		if err == nil {
			t.Fatalf("synced from a server with an untrusted certificate:\n%s", logs)
		}
		if !strings.Contains(string(logs), "certificate") {
			t.Fatalf("error does not mention the certificate:\n%s", logs)
		}
		if n := len(readNDJSON(t, out)); n != 0 {
			t.Fatalf("%d events from an untrusted server", n)
		}
	})
	t.Run("trusted with certificate_authorities", func(t *testing.T) {
		out := t.TempDir()
		extra := "  run_once: true\n  ssl.certificate_authorities: [" + writeCA(t, sim) + "]"
		b := newBeat(t, fileOutputConfig(sim.URL(), out, extra))
		if logs, err := b.command(timeout(t, time.Minute), "run", "-e").CombinedOutput(); err != nil {
			t.Fatalf("run: %v\n%s", err, logs)
		}
		if n := len(readNDJSON(t, out)); n != 50 {
			t.Fatalf("got %d events, want 50", n)
		}
	})
	t.Run("verification_mode none warns", func(t *testing.T) {
		out := t.TempDir()
		b := newBeat(t, fileOutputConfig(sim.URL(), out, "  run_once: true\n  ssl.verification_mode: none"))
		logs, err := b.command(timeout(t, time.Minute), "run", "-e").CombinedOutput()
		if err != nil {
			t.Fatalf("run: %v\n%s", err, logs)
		}
		if !strings.Contains(string(logs), "verification_mode is none") {
			t.Fatalf("no warning about disabled verification:\n%s", logs)
		}
	})
}

// TestKillDuringSyncLosesNothing kills the beat with SIGKILL in the middle of
// a sync and restarts it: every indicator arrives, and what is sent again is
// exactly what came after the stored (acknowledged) cursor. The simulator
// answers the first ten pages and holds every later request; the kill comes
// once the beat asks for the eleventh page and has stored the cursor of
// everything before it, so it always lands mid-sync at a known point,
// however fast or slow the machine.
func TestKillDuringSyncLosesNothing(t *testing.T) {
	const total, pageSize, answered = 3000, 100, 10
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(total, 8, genStart))
	held := make(chan struct{})
	defer close(held)
	sim.InjectFault(threatqtest.Fault{Times: answered})       // answered normally
	sim.InjectFault(threatqtest.Fault{Hold: held, Times: -1}) // until the kill ends the request

	out := t.TempDir()
	b := newBeat(t, fileOutputConfig(sim.URL(), out, "  page_size: 100\n  interval: 1h"))
	cmd := b.command(timeout(t, 2*time.Minute), "run", "-e")
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cursorFile := filepath.Join(b.home, "data", "threatq", "cursor-col-e2e.json")
	waitFor(t, time.Minute, fmt.Sprintf("the request of page %d and the cursor of the pages before it stored", answered+1), func() bool {
		marks := sim.Stats().Cursors["col-e2e"]
		return len(marks) > answered && storedCursor(cursorFile) == marks[answered]
	}, logs)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	firstRun := len(readNDJSON(t, out))
	if firstRun >= total {
		t.Fatalf("the sync finished before the kill (%d events)", firstRun)
	}
	stored := readCursor(t, cursorFile)
	requested := len(sim.Stats().Cursors["col-e2e"])

	sim.ClearFaults()
	rb := &beatCmd{home: b.home, config: b.config}
	if err := os.WriteFile(b.config, []byte(fileOutputConfig(sim.URL(), out, "  page_size: 100\n  run_once: true")), 0o600); err != nil {
		t.Fatal(err)
	}
	if logs, err := rb.command(timeout(t, 2*time.Minute), "run", "-e").CombinedOutput(); err != nil {
		t.Fatalf("restart: %v\n%s", err, logs)
	}

	marks := sim.Stats().Cursors["col-e2e"]
	if marks[requested] != stored {
		t.Fatalf("restart asked for cursor %q, want the stored %q (no full re-download)", marks[requested], stored)
	}
	acked := -1
	for i, m := range marks[:requested] {
		if m == stored {
			acked = i * pageSize // pages before the stored cursor were acknowledged
			break                // a held request retried after a timeout repeats its mark
		}
	}
	if acked < 0 {
		t.Fatalf("stored cursor %q was never requested", stored)
	}
	events := readNDJSON(t, out)
	seen := map[float64]int{}
	for _, e := range events {
		id, _ := field(e, "threatq.id").(float64)
		seen[id]++
	}
	if len(seen) != total {
		t.Fatalf("%d distinct indicators delivered, want %d", len(seen), total)
	}
	dups := len(events) - total
	if want := firstRun - acked; dups != want {
		t.Fatalf("%d indicators sent twice, want %d (the events after the acknowledged cursor)", dups, want)
	}
	t.Logf("first run wrote %d events, %d acknowledged before the kill, %d sent again", firstRun, acked, dups)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func readCursor(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Cursor string }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("cursor file %s: %v", path, err)
	}
	return f.Cursor
}

// storedCursor is the cursor in the file at path, "" while there is none.
func storedCursor(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	var f struct{ Cursor string }
	if json.Unmarshal(b, &f) != nil {
		return ""
	}
	return f.Cursor
}

// TestShortLivedTokensAreRefreshedBeforeExpiry: with tokens valid for one
// second, the beat replaces them before they expire and the sync completes
// without a single 401.
func TestShortLivedTokensAreRefreshedBeforeExpiry(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{TokenTTL: time.Second})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(2500, 14, genStart))
	sim.InjectFault(threatqtest.Fault{Delay: 100 * time.Millisecond, Times: -1}) // ~2.5 s in all

	out := t.TempDir()
	b := newBeat(t, fileOutputConfig(sim.URL(), out, "  run_once: true\n  page_size: 100"))
	if logs, err := b.command(timeout(t, 2*time.Minute), "run", "-e").CombinedOutput(); err != nil {
		t.Fatalf("run: %v\n%s", err, tail(logs))
	}
	if n := len(readNDJSON(t, out)); n != 2500 {
		t.Fatalf("got %d events, want 2500", n)
	}
	st := sim.Stats()
	if st.TokensIssued < 2 {
		t.Fatalf("%d tokens issued: no refresh happened", st.TokensIssued)
	}
	if st.Unauthorized != 0 {
		t.Fatalf("%d requests were refused with 401: tokens must be refreshed before they expire", st.Unauthorized)
	}
	t.Logf("%d tokens issued, 0 refused", st.TokensIssued)
}
