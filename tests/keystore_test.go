package tests

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestClientSecretFromKeystore: the secret lives in the beat's keystore and
// the config refers to it as ${THREATQ_CLIENT_SECRET}.
func TestClientSecretFromKeystore(t *testing.T) {
	const secret = "keystore-only-secret-91"
	sim := threatqtest.New(threatqtest.Options{ClientID: "ks-client", ClientSecret: secret})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(120, 5, genStart))

	out := t.TempDir()
	cfg := fmt.Sprintf(`threatqbeat:
  url: %q
  client_id: ks-client
  client_secret: ${THREATQ_CLIENT_SECRET}
  collections: [{id: col-e2e}]
  run_once: true
output.file:
  path: %q
`, sim.URL(), out)
	b := newBeat(t, cfg)
	ctx := timeout(t, time.Minute)
	if o, err := b.command(ctx, "keystore", "create").CombinedOutput(); err != nil {
		t.Fatalf("keystore create: %v\n%s", err, o)
	}
	add := b.command(ctx, "keystore", "add", "THREATQ_CLIENT_SECRET", "--stdin")
	add.Stdin = strings.NewReader(secret)
	if o, err := add.CombinedOutput(); err != nil {
		t.Fatalf("keystore add: %v\n%s", err, o)
	}
	logs, err := b.command(ctx, "run", "-e").CombinedOutput()
	if err != nil {
		t.Fatalf("run: %v\n%s", err, tail(logs))
	}
	if n := len(readNDJSON(t, out)); n != 120 {
		t.Fatalf("got %d events, want 120", n)
	}
	if strings.Contains(string(logs), secret) {
		t.Fatal("the keystore secret appears in the log")
	}
}
