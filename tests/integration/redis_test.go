//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// redisServer is a real redis-server (Debian package) on a loopback port,
// with an append-only file so acknowledged data survives a restart.
type redisServer struct {
	t    *testing.T
	port int
	dir  string
	cmd  *exec.Cmd
}

func startRedis(t *testing.T, port int, dir string) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed; .ci/run installs it")
		}
		t.Skip("redis-server not installed (apt-get install -y redis-server): skipping the real-Redis test")
	}
	if port == 0 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--dir", dir,
		"--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &redisServer{t: t, port: port, dir: dir, cmd: cmd}
	t.Cleanup(r.stop)
	require.Eventually(t, func() bool { return r.cli("PING") == "PONG" }, 30*time.Second, 20*time.Millisecond, "redis-server did not start")
	return r
}

func (r *redisServer) stop() {
	if r.cmd.Process != nil && r.cmd.ProcessState == nil {
		_ = r.cmd.Process.Signal(os.Interrupt)
		_ = r.cmd.Wait()
	}
}

func (r *redisServer) cli(args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, "redis-cli", append([]string{"-p", strconv.Itoa(r.port)}, args...)...).Output()
	return strings.TrimSpace(string(out))
}

func (r *redisServer) length(key string) int {
	n, _ := strconv.Atoi(r.cli("LLEN", key))
	return n
}

func redisConfig(url string, port int) string {
	return fmt.Sprintf(`threatqbeat:
  url: %q
  client_id: test
  client_secret: test
  collections: [{id: col-redis}]
  page_size: 100
  run_once: true
output.redis:
  hosts: ["127.0.0.1:%d"]
  key: threatq
  backoff.init: 100ms
  backoff.max: 500ms
queue.mem.flush.timeout: 0s
`, url, port)
}

func (r *redisServer) ids(t *testing.T, key string) map[float64]int {
	t.Helper()
	out := r.cli("LRANGE", key, "0", "-1")
	seen := map[float64]int{}
	for _, line := range strings.Split(out, "\n") {
		if line == "" {
			continue
		}
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not an event in redis: %q", line)
		}
		id, _ := field(e, "threatq.id").(float64)
		seen[id]++
	}
	return seen
}

func TestRedisOutputDeliversFullSync(t *testing.T) {
	r := startRedis(t, 0, t.TempDir())
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.SetCollection("col-redis", threatqtest.Generate(2000, 12, genStart))

	b := newBeat(t, redisConfig(sim.URL(), r.port))
	if logs, err := b.command(timeout(t, 2*time.Minute), "run", "-e").CombinedOutput(); err != nil {
		t.Fatalf("run: %v\n%s", err, logs)
	}
	if n := len(r.ids(t, "threatq")); n != 2000 {
		t.Fatalf("%d distinct indicators in redis, want 2000", n)
	}
}

func TestRedisRestartMidSyncLosesNothing(t *testing.T) {
	dir := t.TempDir()
	r := startRedis(t, 0, dir)
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.SetCollection("col-redis", threatqtest.Generate(3000, 13, genStart))
	// Five pages are answered, the others wait until Redis is down, so that
	// most of the sync happens while it is.
	held := make(chan struct{})
	sim.InjectFault(threatqtest.Fault{Times: 5})
	sim.InjectFault(threatqtest.Fault{Hold: held, Times: -1})

	b := newBeat(t, redisConfig(sim.URL(), r.port))
	cmd := b.command(timeout(t, 3*time.Minute), "run", "-e")
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if !assert.Eventually(t, func() bool { return r.length("threatq") >= 300 }, time.Minute, 10*time.Millisecond, "events in redis") {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("no events reached redis\n%s", logs.String())
	}
	const refused = "Failed to connect to"
	failures := strings.Count(logs.String(), refused)
	port := r.port
	r.stop()
	before := len(sim.Stats().Cursors["col-redis"])
	close(held)
	// The beat keeps fetching while Redis is down, and its output fails to
	// reach it before Redis comes back.
	waitFor(t, time.Minute, "the output to find Redis down", func() bool { return strings.Count(logs.String(), refused) > failures }, logs)
	r2 := startRedis(t, port, dir)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("run: %v\n%s", err, logs.String())
	}
	seen := r2.ids(t, "threatq")
	if len(seen) != 3000 {
		t.Fatalf("%d distinct indicators in redis after the restart, want 3000", len(seen))
	}
	t.Logf("redis restarted after %d pages; %d events stored, %d distinct", before, r2.length("threatq"), len(seen))
	if _, err := os.Stat(filepath.Join(b.home, "data", "threatq", "cursor-col-redis.json")); err != nil {
		t.Fatalf("no cursor stored: %v", err)
	}
}
