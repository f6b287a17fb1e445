package tests

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

// TestSecretsNeverLeak runs a sync with debug logging and the request tracer
// on, with short-lived tokens and a 401 in the middle, then searches the
// logs, the trace files and /stats for the client secret, every access
// token issued and the Basic credentials: none may appear.
func TestSecretsNeverLeak(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{ClientID: "tq-client", ClientSecret: secret, TokenTTL: 2 * time.Second})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(1500, 31, genStart))
	sim.InjectFault(threatqtest.Fault{Delay: 60 * time.Millisecond, Times: -1})

	statsAddr := freeAddr(t)
	host, port, _ := strings.Cut(statsAddr, ":")
	out := t.TempDir()
	cfg := fmt.Sprintf(`threatqbeat:
  url: %q
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
`, sim.URL(), secret, out, host, port)
	b := newBeat(t, cfg)
	cmd := b.command(timeout(t, 2*time.Minute), "run", "-e")
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
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
	needles := append([]string{secret, base64.StdEncoding.EncodeToString([]byte("tq-client:" + secret))}, sim.IssuedTokens()...)
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
