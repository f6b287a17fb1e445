//go:build integration

package integration

import (
	"encoding/json"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestOutputDropIsNeverSilent runs the beat against mock-es refusing one
// event for good: with 413 (an event larger than http.max_content_length:
// libbeat splits the bulk down to that event, then drops it) and with a
// non-retryable item status (400, a mapping error). libbeat acknowledges
// the dropped event like the others; threatqbeat counts it under the
// collection's events_dropped and logs an error naming its indicator id.
func TestOutputDropIsNeverSilent(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(s *bulkSink, id string)
	}{
		{"413 for one oversized event", func(s *bulkSink, id string) { s.tooLargeID = id }},
		{"400 for one event", func(s *bulkSink, id string) { s.refuseID = id }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 300
			sim := threatqtest.New(threatqtest.Options{})
			defer sim.Close()
			raws := threatqtest.Generate(n, 52, genStart)
			sim.SetCollection("col-es", raws)
			victim, err := threat.Map(raws[137], threat.Settings{}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			victimID, _ := victim.Fields.GetValue("threatq.id")

			sink := newBulkSink(0)
			tc.set(sink, victim.ID)
			addr, _ := sink.serve(t, "127.0.0.1:0")
			statsAddr := freeAddr(t)
			host, port, _ := strings.Cut(statsAddr, ":")
			b := newBeat(t, esConfig(sim.URL(), addr, "  interval: 1h")+"output.elasticsearch.bulk_max_size: 50\n"+
				fmt.Sprintf("http.enabled: true\nhttp.host: %s\nhttp.port: %s\n", host, port))
			cmd := b.command(timeout(t, 2*time.Minute), "run", "-e")
			logs := &syncBuffer{}
			cmd.Stdout, cmd.Stderr = logs, logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()

			var collection map[string]any
			var dropped float64
			deadline := time.After(90 * time.Second)
			for collection == nil || collection["events_dropped"] != float64(1) || dropped != 1 || sink.distinct() != n-1 {
				select {
				case err := <-exited:
					t.Fatalf("the beat exited: %v\n%s", err, tail([]byte(logs.String())))
				case <-deadline:
					t.Fatalf("no drop counted within 90 s: collection %v, output.events.dropped %v, %d documents accepted\n%s",
						collection, dropped, sink.distinct(), tail([]byte(logs.String())))
				case <-time.After(50 * time.Millisecond):
				}
				var stats struct {
					Libbeat struct {
						Output struct {
							Events struct {
								Dropped float64 `json:"dropped"`
							} `json:"events"`
						} `json:"output"`
					} `json:"libbeat"`
					ThreatQ struct {
						Collections map[string]map[string]any `json:"collections"`
					} `json:"threatq"`
				}
				if json.Unmarshal([]byte(get("http://"+statsAddr+"/stats")), &stats) == nil {
					collection = stats.ThreatQ.Collections["col-es"]
					dropped = stats.Libbeat.Output.Events.Dropped
				}
			}
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := <-exited; err != nil {
				t.Fatalf("exit after SIGTERM: %v", err)
			}
			if sink.has(victim.ID) {
				t.Fatal("the refused document was stored: the test did not exercise a drop")
			}
			if collection["indicators_acked"] != float64(n) {
				t.Fatalf("indicators_acked %v, want %d: libbeat acknowledges dropped events too", collection["indicators_acked"], n)
			}
			var line map[string]any
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "the output dropped 1 event(s) of collection col-es") {
					if err := json.Unmarshal([]byte(l), &line); err != nil {
						t.Fatalf("log line %q: %v", l, err)
					}
				}
			}
			if line == nil {
				t.Fatalf("no error line about the dropped event:\n%s", tail([]byte(logs.String())))
			}
			if line["log.level"] != "error" || !strings.Contains(fmt.Sprint(line["indicator_ids"]), fmt.Sprint(victimID)) {
				t.Fatalf("the drop line is not an error naming indicator %v: %v", victimID, line)
			}
			t.Logf("dropped indicator %v; %v candidates logged", victimID, line["candidates"])
		})
	}
}
