//go:build integration

package integration

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

func esConfig(simURL, esAddr, extra string) string {
	return fmt.Sprintf(`threatqbeat:
  url: %q
  client_id: test
  client_secret: test
  collections: [{id: col-es}]
  page_size: 100
%s
output.elasticsearch:
  hosts: ["http://%s"]
  backoff.init: 100ms
  backoff.max: 500ms
setup.template.enabled: false
setup.ilm.enabled: false
queue.mem.flush.timeout: 0s
logging.level: info
`, simURL, extra, esAddr)
}

// TestElasticsearchTooManyIsRetried: Elasticsearch refuses some items with
// 429; every indicator still lands, and the output counters show the retries.
func TestElasticsearchTooManyIsRetried(t *testing.T) {
	sink := newBulkSink(7)
	addr, _ := sink.serve(t, "127.0.0.1:0")
	logs, home := runAgainstSink(t, addr, 2000, 21)
	if n := sink.distinct(); n != 2000 {
		t.Fatalf("%d distinct documents accepted, want 2000", n)
	}
	if sink.refusedCount() == 0 {
		t.Fatal("the sink refused nothing: the test did not exercise retries")
	}
	if tooMany := totalMetrics(t, string(logs))["libbeat.output.events.toomany"]; tooMany < float64(sink.refusedCount()) {
		t.Fatalf("output counted %v 429s, the sink sent %d", tooMany, sink.refusedCount())
	}
	if !fileExists(filepath.Join(home, "data", "threatq", "cursor-col-es.json")) {
		t.Fatal("no cursor stored")
	}
}

// TestElasticsearchTooLargeIsSplit: Elasticsearch answers 413 to some bulk
// requests; libbeat splits the batch and retries, and every indicator lands.
func TestElasticsearchTooLargeIsSplit(t *testing.T) {
	sink := newBulkSink(0)
	sink.tooLargeAbove = 50 // a bulk of more than 50 documents is "too large"
	addr, _ := sink.serve(t, "127.0.0.1:0")
	logs, _ := runAgainstSink(t, addr, 2000, 24)
	if n := sink.distinct(); n != 2000 {
		t.Fatalf("%d distinct documents accepted, want 2000", n)
	}
	if sink.tooLargeCount() == 0 {
		t.Fatal("no bulk was refused as too large: the test did not exercise splitting")
	}
	t.Logf("413 answers: %d; output.events.failed %v", sink.tooLargeCount(), totalMetrics(t, string(logs))["libbeat.output.events.failed"])
}

// runAgainstSink syncs n generated indicators into the sink at addr.
func runAgainstSink(t *testing.T, addr string, n int, seed uint64) (logs []byte, home string) {
	t.Helper()
	sim := threatqtest.New(threatqtest.Options{})
	t.Cleanup(sim.Close)
	sim.SetCollection("col-es", threatqtest.Generate(n, seed, genStart))
	b := newBeat(t, esConfig(sim.URL(), addr, "  run_once: true")+"output.elasticsearch.bulk_max_size: 200\n")
	logs, err := b.command(timeout(t, 2*time.Minute), "run", "-e").CombinedOutput()
	if err != nil {
		t.Fatalf("run: %v\n%s", err, tail(logs))
	}
	return logs, b.home
}

// TestElasticsearchDownThenBack: while the output is unreachable nothing is
// acknowledged, the cursor stays put and fetching stops once the queue is
// full; when Elasticsearch comes back everything is delivered.
func TestElasticsearchDownThenBack(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.SetCollection("col-es", threatqtest.Generate(3000, 22, genStart))
	addr := freeAddr(t) // nothing listens here yet

	statsAddr := freeAddr(t)
	host, port, _ := strings.Cut(statsAddr, ":")
	cfg := esConfig(sim.URL(), addr, "  run_once: true") + "queue.mem.events: 400\nqueue.mem.flush.min_events: 100\noutput.elasticsearch.bulk_max_size: 100\n" +
		fmt.Sprintf("http.enabled: true\nhttp.host: %s\nhttp.port: %s\n", host, port)
	b := newBeat(t, cfg)
	cmd := b.command(timeout(t, 3*time.Minute), "run", "-e")
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Let the beat fill its queue against the dead output...
	waitFor(t, time.Minute, "a full queue", func() bool {
		var st struct {
			Libbeat struct {
				Pipeline struct {
					Queue struct {
						Filled struct {
							Events float64 `json:"events"`
						} `json:"filled"`
					} `json:"queue"`
				} `json:"pipeline"`
			} `json:"libbeat"`
		}
		s := get("http://" + statsAddr + "/stats")
		return s != "" && json.Unmarshal([]byte(s), &st) == nil && st.Libbeat.Pipeline.Queue.Filled.Events >= 400
	}, logs)
	// ...then let the output try to connect twice more (libbeat's backoff,
	// 100 to 500 ms here): a beat that did not pause would go on fetching
	// meanwhile.
	const attempt = "Attempting to reconnect"
	attempts := strings.Count(logs.String(), attempt)
	waitFor(t, time.Minute, "two more connection attempts of the output", func() bool { return strings.Count(logs.String(), attempt) >= attempts+2 }, logs)
	pages := len(sim.Stats().Cursors["col-es"])
	cursorFile := filepath.Join(b.home, "data", "threatq", "cursor-col-es.json")
	if fileExists(cursorFile) {
		t.Fatal("cursor stored while the output was down")
	}
	// queue of 400 events = 4 pages, plus one page blocked in Publish and one being fetched.
	if pages > 7 {
		t.Fatalf("%d pages fetched while the output was down: fetching must pause when the queue is full", pages)
	}

	sink := newBulkSink(0)
	sink.serve(t, addr)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("run: %v\n%s", err, tail([]byte(logs.String())))
	}
	if n := sink.distinct(); n != 3000 {
		t.Fatalf("%d distinct documents accepted, want 3000", n)
	}
	if !fileExists(cursorFile) {
		t.Fatal("no cursor stored after delivery")
	}
	t.Logf("pages fetched while Elasticsearch was down: %d", pages)
}

// TestSIGTERMWithUnackedEventsWaitsThenExits: a stop with the output down
// waits shutdown_timeout for acknowledgements, then exits 0 without moving
// the cursor.
func TestSIGTERMWithUnackedEventsWaitsThenExits(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.SetCollection("col-es", threatqtest.Generate(300, 23, genStart))
	b := newBeat(t, esConfig(sim.URL(), freeAddr(t), "  shutdown_timeout: 2s"))
	cmd := b.command(timeout(t, time.Minute), "run", "-e")
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 45*time.Second, "the whole collection fetched", func() bool { return len(sim.Stats().Cursors["col-es"]) >= 4 }, logs)
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, tail([]byte(logs.String())))
	}
	took := time.Since(start)
	if took < 1500*time.Millisecond || took > 20*time.Second {
		t.Fatalf("stopped after %s, want about shutdown_timeout (2s)", took)
	}
	if fileExists(filepath.Join(b.home, "data", "threatq", "cursor-col-es.json")) {
		t.Fatal("cursor stored although nothing was acknowledged")
	}
}

func tail(b []byte) string {
	const n = 6000
	if len(b) > n {
		return "…" + string(b[len(b)-n:])
	}
	return string(b)
}
