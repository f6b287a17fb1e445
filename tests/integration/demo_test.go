//go:build integration

package integration

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDemoSecondRunStartsFromAnEmptyOutput: a second demo in the same
// directory replaces the first one's events instead of adding to them,
// says so, and leaves other files alone.
func TestDemoSecondRunStartsFromAnEmptyOutput(t *testing.T) {
	dir := t.TempDir()
	if out, err := runIn(t, dir, "demo", "--indicators", "700").CombinedOutput(); err != nil {
		t.Fatalf("first demo: %v\n%s", err, out)
	}
	notes := filepath.Join(dir, "demo-output", "notes.txt")
	if err := os.WriteFile(notes, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runIn(t, dir, "demo", "--indicators", "700").CombinedOutput()
	if err != nil {
		t.Fatalf("second demo: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "removed 1 file(s) of an earlier demo from "+filepath.Join(dir, "demo-output")) {
		t.Errorf("the second demo does not say what it removed:\n%s", out)
	}
	// One demo of 700 indicators publishes them, the versions of those it
	// sets Whitelisted and the tombstones of those it deletes.
	var fetched, published, acked int
	var took string
	summary := string(out)[strings.LastIndex(string(out), "summary: "):]
	if _, err := fmt.Sscanf(summary, "summary: %d indicators fetched, %d events published, %d acknowledged in %s", &fetched, &published, &acked, &took); err != nil {
		t.Fatalf("no summary in the second demo's output: %v\n%s", err, out)
	}
	if fetched != 700+20 || published != 700+20+10 || acked != published {
		t.Fatalf("summary of a demo of 700 (20 set Whitelisted, 10 deleted): %q", summary)
	}
	if !strings.Contains(summary, "retired: 20 by a newer version (Whitelisted in ThreatQ, threatq.ioc_expiration_reason says why), 10 no longer in the collection (tombstones of the sweep)") {
		t.Errorf("the summary does not say what was retired and why:\n%s", summary)
	}
	if n := len(readNDJSON(t, filepath.Join(dir, "demo-output"))); n != published {
		t.Fatalf("demo-output holds %d events after two demos of %d", n, published)
	}
	retired := 0
	for _, e := range readNDJSON(t, filepath.Join(dir, "demo-output")) {
		if fmt.Sprint(e["threatq"].(map[string]any)["ioc_expiration_reason"]) == "Expiration set by threatqbeat when the indicator is no longer in the ThreatQ collection" {
			retired++
		}
	}
	if retired != 10 {
		t.Errorf("demo-output holds %d tombstones of deleted indicators, want 10", retired)
	}
	if _, err := os.Stat(notes); err != nil {
		t.Fatalf("the demo removed a file it did not write: %v", err)
	}
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestDemoWithUnreachableElasticsearch: with Elasticsearch down, the demo
// says that it cannot reach the output and why, keeps saying so, and on
// SIGTERM exits with a one-line reason (no help text, no libbeat
// "Exiting:" line).
func TestDemoWithUnreachableElasticsearch(t *testing.T) {
	hosts := fmt.Sprintf(`output.elasticsearch.hosts=["http://127.0.0.1:%d"]`, closedPort(t))
	logs := &syncBuffer{}
	cmd := runIn(t, t.TempDir(), "demo", "--indicators", "600", "-E", hosts)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	const unreachable = "cannot reach the elasticsearch output: "
	waitFor(t, 2*time.Minute, "the demo to say twice that Elasticsearch cannot be reached",
		func() bool { return strings.Count(logs.String(), unreachable) >= 2 }, logs)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-exited:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the demo did not exit after SIGTERM:\n%s", logs)
	}
	out := logs.String()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Fatalf("exit: %v, want status 1\n%s", err, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, unreachable) && !strings.Contains(line, "connection refused") {
			t.Errorf("the reason is not the output's error: %s", line)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; last != "Error: demo: stopped by SIGTERM with 0 of 600 events acknowledged by the output" {
		t.Errorf("last line %q", last)
	}
	for _, bad := range []string{"Usage:", "Exiting:", "Flags:", "panic"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q:\n%s", bad, out)
		}
	}
}

// TestDemoServeForTestThreatQAndRun follows the newcomer path after the
// demo: `demo --serve` starts the simulator alone and prints a
// configuration; with that configuration `test threatq` succeeds and `run`
// syncs every indicator; Ctrl-C stops the simulator.
func TestDemoServeForTestThreatQAndRun(t *testing.T) {
	home := t.TempDir()
	printed := &syncBuffer{}
	serve := runIn(t, home, "demo", "--serve", "--port", "0", "--indicators", "450")
	serve.Stdout, serve.Stderr = printed, printed
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- serve.Wait() }()
	t.Cleanup(func() { _ = serve.Process.Kill() })
	waitFor(t, time.Minute, "the simulator to start", func() bool { return strings.Contains(printed.String(), "Serving until Ctrl-C.") }, printed)

	// The configuration as printed, from "threatqbeat:" to the blank line.
	text := printed.String()
	start := strings.Index(text, "\nthreatqbeat:\n")
	if start < 0 {
		t.Fatalf("no configuration printed:\n%s", text)
	}
	config, _, _ := strings.Cut(text[start+1:], "\n\n")
	if err := os.WriteFile(filepath.Join(home, "threatqbeat.yml"), []byte(config+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"client_id: demo", "client_secret: demo-secret", "- id: demo-collection", "threatqbeat test threatq", "threatqbeat run -e"} {
		if !strings.Contains(text, want) {
			t.Errorf("demo --serve does not print %q", want)
		}
	}

	test := runIn(t, home, "--path.home", home, "test", "threatq")
	out, err := test.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "collection demo-collection: OK, 450 indicators in the collection") {
		t.Fatalf("test threatq against demo --serve: %v\n%s\nconfig:\n%s", err, out, config)
	}
	run := runIn(t, home, "--path.home", home, "run", "-e", "-E", "threatqbeat.run_once=true")
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("run against demo --serve: %v\n%s", err, tail(out))
	}
	if n := len(readNDJSON(t, filepath.Join(home, "threatq-output"))); n != 450 {
		t.Fatalf("run wrote %d events to ./threatq-output, want 450", n)
	}

	if err := serve.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("demo --serve after Ctrl-C: %v\n%s", err, printed)
		}
	case <-time.After(time.Minute):
		t.Fatal("demo --serve did not stop on Ctrl-C")
	}
	if !strings.Contains(printed.String(), "ThreatQ simulator stopped by Ctrl-C (SIGINT).") {
		t.Errorf("no stop message:\n%s", printed)
	}
}
