//go:build integration

package integration

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// testThreatQSecret is the client secret the simulator accepts in the
// `test threatq` tests.
const testThreatQSecret = "tq-test-s3cr3t-41d7"

// testThreatQ runs `threatqbeat test threatq` and returns its stdout,
// stderr and exit code.
func testThreatQ(t *testing.T, url, secret string, collections ...string) (stdout, stderr string, code int) {
	t.Helper()
	cols := ""
	for _, c := range collections {
		cols += fmt.Sprintf("    - id: %s\n", c)
	}
	b := newBeat(t, fmt.Sprintf("threatqbeat:\n  url: %q\n  client_id: test\n  client_secret: %q\n  collections:\n%s", url, secret, cols))
	cmd := b.command(timeout(t, 2*time.Minute), "test", "threatq", "--timeout", "30s")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatal(err)
	}
	for _, s := range []string{out.String(), errOut.String()} {
		if strings.Contains(s, secret) {
			t.Fatalf("test threatq printed the client secret:\n%s", s)
		}
	}
	return out.String(), errOut.String(), code
}

func TestThreatQTestGoodCredentials(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{ClientSecret: testThreatQSecret})
	defer sim.Close()
	sim.SetCollection("c1", threatqtest.Generate(2500, 7, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	sim.SetCollection("c2", threatqtest.Generate(0, 7, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	out, errOut, code := testThreatQ(t, sim.URL(), testThreatQSecret, "c1", "c2")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"collection c1: OK, 2500 indicators in the collection, 1000 on the first page",
		"types on the first page: ",
		"collection c2: OK, empty",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	st := sim.Stats()
	if len(st.Cursors["c1"]) != 1 {
		t.Fatalf("fetched %d pages of c1, want 1", len(st.Cursors["c1"]))
	}
	// Sample types: at least one ThreatQ type with its count, e.g. "IP Address 120".
	line := out[strings.Index(out, "types on the first page: ")+len("types on the first page: "):]
	line = line[:strings.IndexByte(line, '\n')]
	if !strings.ContainsAny(line, "0123456789") || strings.Contains(line, "not an indicator") {
		t.Fatalf("sample types: %q", line)
	}
}

func TestThreatQTestBadCredentials(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{ClientSecret: testThreatQSecret})
	defer sim.Close()
	sim.SetCollection("c1", threatqtest.Generate(10, 7, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	out, errOut, code := testThreatQ(t, sim.URL(), "wrong-secret-7c1e", "c1")
	if code == 0 {
		t.Fatalf("bad credentials accepted:\n%s", out)
	}
	if !strings.Contains(errOut, "ThreatQ refused the credentials (check client_id, client_secret and token_url)") {
		t.Fatalf("reason missing:\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
}

func TestThreatQTestUnreachable(t *testing.T) {
	url := "http://" + freeAddr(t)
	out, errOut, code := testThreatQ(t, url, testThreatQSecret, "c1")
	if code == 0 {
		t.Fatalf("unreachable ThreatQ passed:\n%s", out)
	}
	if !strings.Contains(errOut, "cannot reach ThreatQ") || !strings.Contains(errOut, url) {
		t.Fatalf("reason missing:\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
}

func TestThreatQTestMissingCollection(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{ClientSecret: testThreatQSecret})
	defer sim.Close()
	sim.SetCollection("c1", threatqtest.Generate(10, 7, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	out, errOut, code := testThreatQ(t, sim.URL(), testThreatQSecret, "c1", "nosuchcollection")
	if code == 0 {
		t.Fatalf("a missing collection passed:\n%s", out)
	}
	if !strings.Contains(out, "collection c1: OK, 10 indicators") {
		t.Fatalf("the good collection is not reported:\n%s", out)
	}
	if !strings.Contains(out, "ThreatQ knows no such collection") || !strings.Contains(errOut, "1 of 2 collections failed: nosuchcollection") {
		t.Fatalf("reason missing:\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
}
