//go:build integration

package integration

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

const secret = "s3cr3t-Client-Value-7f1e"

// Secrets of the url and token_url settings.
const (
	urlUser        = "tq-url-user-31a"
	urlPassword    = "url-pa55w0rd-9c2"
	tokenURLSecret = "tokenurl-s3cret-5e1"
)

// TestSecretsNeverLeak runs a sync with debug logging and the request tracer
// on, with short-lived tokens and a 401 in the middle, a user and password
// in url and a secret in token_url's query, then runs `test threatq` with
// the same settings (and once with an unreachable token endpoint). It
// searches every artefact (logs, trace files, /stats, the events, the
// cursor files, the command's output) for the client secret, every access
// token issued, the Basic credentials, the url's user and password and the
// token_url secret: none may appear.
func TestSecretsNeverLeak(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{ClientID: "tq-client", ClientSecret: secret, TokenTTL: 2 * time.Second})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(1500, 31, genStart))
	// Six pages are answered; the others wait until the test has read
	// /stats and revoked the tokens, so that the run always sees a 401 and
	// always serves /stats, however fast it would otherwise finish.
	held := make(chan struct{})
	sim.InjectFault(threatqtest.Fault{Delay: 60 * time.Millisecond, Times: 6})
	sim.InjectFault(threatqtest.Fault{Hold: held, Delay: 60 * time.Millisecond, Times: -1})

	statsAddr := freeAddr(t)
	host, port, _ := strings.Cut(statsAddr, ":")
	out := t.TempDir()
	userURL := strings.Replace(sim.URL(), "http://", "http://"+urlUser+":"+urlPassword+"@", 1)
	tokenURL := sim.TokenURL() + "?tenant_secret=" + tokenURLSecret
	cfg := fmt.Sprintf(`threatqbeat:
  url: %q
  token_url: %q
  client_id: tq-client
  client_secret: %q
  collections: [{id: col-e2e}]
  page_size: 100
  run_once: true
  tracer.enabled: true
output.file:
  path: %q
logging.level: debug
logging.to_files: true
http.enabled: true
http.host: %s
http.port: %s
`, userURL, tokenURL, secret, out, host, port)
	b := newBeat(t, cfg)
	cmd := b.command(timeout(t, 2*time.Minute), "run", "-e")
	stderr := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var stats []string
	revoked := false
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
poll:
	for {
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("run failed: %v\n%s", err, tail([]byte(stderr.String())))
			}
			break poll
		case <-tick.C:
			if s := get("http://" + statsAddr + "/stats"); s != "" {
				stats = append(stats, s)
			}
			if !revoked && len(sim.Stats().Cursors["col-e2e"]) > 5 {
				sim.RevokeTokens() // a 401 mid-run: the beat fetches a new token
				revoked = true
			}
			if revoked && len(stats) > 0 && held != nil {
				close(held)
				held = nil
			}
		}
	}
	if len(stats) == 0 {
		t.Fatal("/stats never answered")
	}
	st := sim.Stats()
	if st.TokensIssued < 2 || st.Unauthorized == 0 {
		t.Fatalf("tokens issued %d, 401s %d: the test did not exercise refreshes", st.TokensIssued, st.Unauthorized)
	}

	haystacks := map[string]string{"stderr": stderr.String(), "/stats": strings.Join(stats, "\n")}
	traces := 0
	_ = filepath.Walk(filepath.Join(b.home, "logs"), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := os.ReadFile(p)
			haystacks[p] = string(data)
			if strings.Contains(filepath.Base(p), "threatq-trace") {
				traces++
			}
		}
		return nil
	})
	if traces == 0 {
		t.Fatal("no trace file written")
	}
	events := 0
	for _, dir := range []string{out, filepath.Join(b.home, "data")} {
		_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				data, _ := os.ReadFile(p)
				haystacks[p] = string(data)
				events += strings.Count(string(data), `"threat":`)
			}
			return nil
		})
	}
	if events != 1500 {
		t.Fatalf("%d events written, want 1500", events)
	}
	if _, err := os.Stat(filepath.Join(b.home, "data", "threatq", "cursor-col-e2e.json")); err != nil {
		t.Fatalf("no cursor file: %v", err)
	}
	testOut, err := b.command(timeout(t, time.Minute), "test", "threatq").CombinedOutput()
	if err != nil || !strings.Contains(string(testOut), "collection col-e2e: OK") {
		t.Fatalf("test threatq: %v\n%s", err, testOut)
	}
	haystacks["test threatq"] = string(testOut)
	unreachable := strings.Replace(cfg, sim.TokenURL(), "http://"+freeAddr(t)+"/api/token", 1)
	if err := os.WriteFile(b.config, []byte(unreachable), 0o600); err != nil {
		t.Fatal(err)
	}
	testOut, err = b.command(timeout(t, time.Minute), "test", "threatq").CombinedOutput()
	if err == nil || !strings.Contains(string(testOut), "cannot reach ThreatQ") {
		t.Fatalf("test threatq with an unreachable token endpoint: %v\n%s", err, testOut)
	}
	haystacks["test threatq, token endpoint unreachable"] = string(testOut)

	needles := append([]string{secret, base64.StdEncoding.EncodeToString([]byte("tq-client:" + secret)), urlUser, urlPassword, tokenURLSecret}, sim.IssuedTokens()...)
	for where, text := range haystacks {
		for _, n := range needles {
			if strings.Contains(text, n) {
				t.Errorf("%s contains a secret (%.6s…)", where, n)
			}
		}
	}
	var traceText string
	for where, text := range haystacks {
		if strings.Contains(where, "threatq-trace") {
			traceText += text
		}
	}
	if !strings.Contains(traceText, "/api/token") || !strings.Contains(traceText, "[redacted]") {
		t.Fatal("token calls are not traced with redaction")
	}
	t.Logf("searched %d sources for %d secrets; %d tokens issued, %d 401s", len(haystacks), len(needles), st.TokensIssued, st.Unauthorized)
}

// TestTracerOffDeletesOldTraces: with the tracer off, trace files left by an
// earlier run are deleted.
func TestTracerOffDeletesOldTraces(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(10, 1, genStart))
	out := t.TempDir()
	b := newBeat(t, fileOutputConfig(sim.URL(), out, "  run_once: true\n  tracer.enabled: true"))
	if logs, err := b.command(timeout(t, time.Minute), "run", "-e").CombinedOutput(); err != nil {
		t.Fatalf("run: %v\n%s", err, logs)
	}
	pattern := filepath.Join(b.home, "logs", "threatq-trace-*.ndjson")
	if files, _ := filepath.Glob(pattern); len(files) == 0 {
		t.Fatal("tracer on: no trace file")
	}
	if err := os.WriteFile(b.config, []byte(fileOutputConfig(sim.URL(), out, "  run_once: true")), 0o600); err != nil {
		t.Fatal(err)
	}
	if logs, err := b.command(timeout(t, time.Minute), "run", "-e").CombinedOutput(); err != nil {
		t.Fatalf("run: %v\n%s", err, logs)
	}
	if files, _ := filepath.Glob(pattern); len(files) != 0 {
		t.Fatalf("tracer off: old traces still there: %v", files)
	}
}

func TestTracerPathOutsideLogsIsRefused(t *testing.T) {
	b := newBeat(t, fileOutputConfig("https://threatq.example.com", t.TempDir(), "  tracer: {enabled: true, filename: ../../etc/trace}"))
	out, err := b.command(timeout(t, time.Minute), "run", "-e").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "inside the logs directory") {
		t.Fatalf("tracer path outside path.logs accepted: %v\n%s", err, tail(out))
	}
}

func get(url string) string {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
