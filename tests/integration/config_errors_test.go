//go:build integration

package integration

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestUnknownKeyRefusedByTestConfigAndRun: a misspelt key under
// threatqbeat: (here interval, and id in a collection entry) is refused by
// `test config` and `run` with its path and the closest known key, instead
// of running with the default.
func TestUnknownKeyRefusedByTestConfigAndRun(t *testing.T) {
	b := newBeat(t, `threatqbeat:
  url: http://127.0.0.1:1
  client_id: c
  client_secret: s
  collections: [{id: a}, {idd: b}]
  intervall: 5m
output.console.enabled: true
`)
	for _, args := range [][]string{{"test", "config"}, {"run", "-e"}, {"test", "threatq"}} {
		out, err := b.command(timeout(t, time.Minute), args...).CombinedOutput()
		if err == nil {
			t.Fatalf("%v accepted an unknown key:\n%s", args, out)
		}
		for _, want := range []string{
			"unknown key threatqbeat.intervall; did you mean interval?",
			"unknown key threatqbeat.collections[1].idd; did you mean id?",
		} {
			if !strings.Contains(string(out), want) {
				t.Errorf("%v does not say %q:\n%s", args, want, out)
			}
		}
	}
}

// TestUnresolvedSecretVariableIsExplained: ${THREATQ_CLIENT_SECRET} with
// no keystore entry and no environment variable of that name is reported
// as such, with the commands that define it.
func TestUnresolvedSecretVariableIsExplained(t *testing.T) {
	b := newBeat(t, `threatqbeat:
  url: http://127.0.0.1:1
  client_id: c
  client_secret: ${THREATQ_CLIENT_SECRET}
  collections: [{id: a}]
output.console.enabled: true
`)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "THREATQ_CLIENT_SECRET=") {
			env = append(env, kv)
		}
	}
	for _, args := range [][]string{{"test", "config"}, {"run", "-e"}} {
		cmd := b.command(timeout(t, time.Minute), args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		want := "threatqbeat.client_secret refers to ${THREATQ_CLIENT_SECRET}, which is defined neither in the keystore nor in the environment"
		if err == nil || !strings.Contains(string(out), want) || !strings.Contains(string(out), "threatqbeat keystore add THREATQ_CLIENT_SECRET") {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	// Defined in the environment, the same file passes.
	cmd := b.command(timeout(t, time.Minute), "test", "config")
	cmd.Env = append(env, "THREATQ_CLIENT_SECRET=from-env")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "Config OK") {
		t.Fatal(fmt.Errorf("test config with the variable set: %v\n%s", err, out))
	}
}
