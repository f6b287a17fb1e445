// Command hostile measures the peak RSS of the real threatqbeat binary
// against a hostile ThreatQ, in the same way as tests/bench: it starts the
// simulator in this process, runs the binary once (run_once: true) with
// several collections against it, and reports the process's peak RSS
// (getrusage ru_maxrss, which includes this process's RSS when the beat was
// started, so this process stays small).
//
// Modes:
//
//   - lying: every page answer announces a Content-Length of -claim bytes
//     (default 510 MB) and sends 30 bytes before closing the connection;
//     each request is retried (retry.max_attempts, default 5) before the
//     run of each collection fails.
//   - huge: every page holds one indicator whose value is a -claim byte
//     string (default 200 MB); the page is larger than max_page_bytes.
//
// Usage (from the repository root):
//
//	go run ./tests/hostile -mode lying -collections 3
//	go run ./tests/hostile -mode huge -collections 3
//	go run ./tests/hostile -binary ./threatqbeat -E threatqbeat.max_page_bytes=512MiB
//
// It is a measuring tool, not a test; docs/reliability.md records the
// figures.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	var (
		mode        = flag.String("mode", "lying", "lying (Content-Length lie) or huge (one enormous value)")
		collections = flag.Int("collections", 3, "collections synced at once")
		claim       = flag.Int64("claim", 0, "bytes announced (lying, default 510 MB) or of the value (huge, default 200 MB)")
		attempts    = flag.Int("attempts", 5, "threatqbeat.retry.max_attempts")
		binary      = flag.String("binary", "", "threatqbeat binary (default: build the working tree without cgo)")
		settings    multiFlag
	)
	flag.Var(&settings, "E", "setting handed to the beat (repeatable)")
	flag.Parse()
	if err := run(*mode, *collections, *claim, *attempts, *binary, settings); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

func run(mode string, collections int, claim int64, attempts int, binary string, settings []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "threatqbeat-hostile-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if binary == "" {
		if binary, err = build(ctx, dir); err != nil {
			return err
		}
	}

	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	url := sim.URL()
	var ids []string
	for i := range collections {
		id := fmt.Sprintf("hostile%d", i+1)
		ids = append(ids, "{id: "+id+"}")
		sim.SetCollection(id, threatqtest.Generate(10, uint64(i+1), time.Now()))
	}
	switch mode {
	case "lying":
		if claim <= 0 {
			claim = 510 << 20
		}
		sim.InjectFault(threatqtest.Fault{Body: `{"total":1,"data":[{"id":1}`, ClaimedLength: claim, Times: -1})
	case "huge":
		if claim <= 0 {
			claim = 200 << 20
		}
		srv := hugeValues(claim)
		defer srv.Close()
		url = srv.URL
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}

	cfg := filepath.Join(dir, "threatqbeat.yml")
	yml := fmt.Sprintf(`threatqbeat:
  url: %q
  client_id: test
  client_secret: test
  collections: [%s]
  run_once: true
  retry: {max_attempts: %d, wait_min: 10ms, wait_max: 20ms}
output.file:
  path: %q
`, url, strings.Join(ids, ", "), attempts, filepath.Join(dir, "out"))
	if err := os.WriteFile(cfg, []byte(yml), 0o600); err != nil {
		return err
	}
	args := []string{"run", "-e", "--path.home", dir, "-c", cfg}
	for _, s := range settings {
		args = append(args, "-E", s)
	}
	cmd := exec.CommandContext(ctx, binary, args...)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	start := time.Now()
	runErr := cmd.Run()
	if cmd.ProcessState == nil {
		return fmt.Errorf("run threatqbeat: %w", runErr)
	}
	rss := int64(0)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss // KiB on Linux
	}
	fmt.Printf("mode %s, %d collections, %d bytes %s: peak RSS %.1f MB, exit %d after %s\n",
		mode, collections, claim, map[string]string{"lying": "announced", "huge": "value"}[mode],
		float64(rss)/1024, cmd.ProcessState.ExitCode(), time.Since(start).Round(time.Millisecond))
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "sync run failed") {
			fmt.Println("  " + line[:min(len(line), 400)])
			break
		}
	}
	return nil
}

// hugeValues is a ThreatQ whose every page holds one indicator with a
// value of n bytes, streamed from one small chunk without a Content-Length:
// this process stays small, since the peak RSS getrusage reports for the
// beat includes the memory of the process that started it.
func hugeValues(n int64) *httptest.Server {
	chunk := []byte(strings.Repeat("A", 64<<10))
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == threatqtest.TokenPath {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"t","token_type":"Bearer","expires_in":3600}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"total":1,"data":[{"id":1,"value":"`)
		for left := n; left > 0; left -= int64(len(chunk)) {
			if _, err := w.Write(chunk[:min(left, int64(len(chunk)))]); err != nil {
				return
			}
		}
		fmt.Fprint(w, `"}],"nextCursorMark":"x"}`)
	}))
}

// build builds the working tree's threatqbeat into dir, as magefile.go does.
func build(ctx context.Context, dir string) (string, error) {
	root, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	bin := filepath.Join(dir, "threatqbeat")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(root)))
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build threatqbeat: %w", err)
	}
	return bin, nil
}
