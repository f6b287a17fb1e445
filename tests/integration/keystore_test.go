//go:build integration

package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// keystoreAdd is one `keystore add` of a value given on standard input.
type keystoreAdd struct {
	value string
	args  []string
}

// keystoreSync syncs n indicators with a beat whose configuration refers
// to the client secret as ${THREATQ_CLIENT_SECRET}, after creating the
// keystore and running adds. ThreatQ accepts only secret. It returns the
// beat's log.
func keystoreSync(t *testing.T, secret string, n int, adds ...keystoreAdd) string {
	t.Helper()
	sim := threatqtest.New(threatqtest.Options{ClientID: "ks-client", ClientSecret: secret})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(n, 5, genStart))

	out := t.TempDir()
	b := newBeat(t, fmt.Sprintf(`threatqbeat:
  url: %q
  client_id: ks-client
  client_secret: ${THREATQ_CLIENT_SECRET}
  collections: [{id: col-e2e}]
  run_once: true
output.file:
  path: %q
`, sim.URL(), out))
	ctx := timeout(t, time.Minute)
	if o, err := b.command(ctx, "keystore", "create").CombinedOutput(); err != nil {
		t.Fatalf("keystore create: %v\n%s", err, o)
	}
	for _, add := range adds {
		cmd := b.command(ctx, add.args...)
		cmd.Stdin = strings.NewReader(add.value)
		if o, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(add.args, " "), err, o)
		}
	}
	logs, err := b.command(ctx, "run", "-e").CombinedOutput()
	if err != nil {
		t.Fatalf("run: %v\n%s", err, tail(logs))
	}
	if got := len(readNDJSON(t, out)); got != n {
		t.Fatalf("got %d events, want %d", got, n)
	}
	return string(logs)
}

// TestClientSecretFromKeystore: the secret lives in the beat's keystore and
// the config refers to it as ${THREATQ_CLIENT_SECRET}.
func TestClientSecretFromKeystore(t *testing.T) {
	const secret = "keystore-only-secret-91"
	logs := keystoreSync(t, secret, 120,
		keystoreAdd{secret, []string{"keystore", "add", "THREATQ_CLIENT_SECRET", "--stdin"}})
	if strings.Contains(logs, secret) {
		t.Fatal("the keystore secret appears in the log")
	}
}

// TestKeystoreSecretCanBeReplaced replaces the client secret in the
// keystore with `keystore add --force`, as docs/troubleshooting.md shows,
// and syncs with the new one.
func TestKeystoreSecretCanBeReplaced(t *testing.T) {
	const secret = "the-rotated-secret"
	keystoreSync(t, secret, 50,
		keystoreAdd{"the-old-secret", []string{"keystore", "add", "THREATQ_CLIENT_SECRET", "--stdin"}},
		keystoreAdd{secret, []string{"keystore", "add", "THREATQ_CLIENT_SECRET", "--force", "--stdin"}})
}

// TestKeystoreAddWithoutTerminal: `keystore add` from a script (standard
// input a pipe) never panics: it says to pass the value with --stdin, for a
// new key and for an existing one, and --stdin works.
func TestKeystoreAddWithoutTerminal(t *testing.T) {
	b := newBeat(t, "output.console.enabled: true\n")
	ctx := timeout(t, time.Minute)
	run := func(stdin string, args ...string) (string, error) {
		cmd := b.command(ctx, args...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	noPanic := func(out string) {
		t.Helper()
		for _, bad := range []string{"panic", "goroutine ", "inappropriate ioctl", "Usage:"} {
			if strings.Contains(out, bad) {
				t.Fatalf("output contains %q:\n%s", bad, out)
			}
		}
	}
	if out, err := run("", "keystore", "create"); err != nil {
		t.Fatalf("keystore create: %v\n%s", err, out)
	}
	out, err := run("", "keystore", "add", "THREATQ_CLIENT_SECRET")
	noPanic(out)
	if err == nil || !strings.Contains(out, "standard input is not a terminal") || !strings.Contains(out, "keystore add THREATQ_CLIENT_SECRET --stdin") {
		t.Fatalf("keystore add of a new key without a terminal: %v\n%s", err, out)
	}
	if out, err := run("first", "keystore", "add", "THREATQ_CLIENT_SECRET", "--stdin"); err != nil {
		t.Fatalf("keystore add --stdin: %v\n%s", err, out)
	}
	out, err = run("y\n", "keystore", "add", "THREATQ_CLIENT_SECRET")
	noPanic(out)
	if err == nil || !strings.Contains(out, "--stdin") {
		t.Fatalf("keystore add of an existing key without a terminal: %v\n%s", err, out)
	}
	out, err = run("", "keystore", "create")
	noPanic(out)
	if err == nil || !strings.Contains(out, "--force") {
		t.Fatalf("keystore create over an existing keystore without a terminal: %v\n%s", err, out)
	}
	out, err = run("", "keystore", "list")
	if err != nil || !strings.Contains(out, "THREATQ_CLIENT_SECRET") {
		t.Fatalf("keystore list: %v\n%s", err, out)
	}
}
