package tests

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestStatsShowCollectionCounters reads /stats during a sync and finds the
// per-collection counters.
func TestStatsShowCollectionCounters(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(3000, 41, genStart))
	sim.InjectFault(threatqtest.Fault{Delay: 50 * time.Millisecond, Times: -1})

	addr := freeAddr(t)
	host, port, _ := strings.Cut(addr, ":")
	out := t.TempDir()
	b := newBeat(t, fileOutputConfig(sim.URL(), out, "  page_size: 100\n  interval: 1h")+
		fmt.Sprintf("http.enabled: true\nhttp.host: %s\nhttp.port: %s\n", host, port))
	cmd := b.command(timeout(t, 2*time.Minute), "run", "-e")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	var counters map[string]float64
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var doc struct {
			ThreatQ struct {
				Collections map[string]map[string]float64 `json:"collections"`
			} `json:"threatq"`
		}
		if s := get("http://" + addr + "/stats"); s != "" && json.Unmarshal([]byte(s), &doc) == nil {
			if c := doc.ThreatQ.Collections["col-e2e"]; c["indicators_fetched"] > 0 && c["indicators_acked"] > 0 {
				counters = c
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if counters == nil {
		t.Fatal("/stats never showed threatq.collections.col-e2e counters")
	}
	for _, name := range []string{"pages_fetched", "indicators_fetched", "indicators_published", "indicators_acked",
		"indicators_rejected", "run_errors", "api_retries", "collection_total", "runs"} {
		if _, ok := counters[name]; !ok {
			t.Errorf("counter %s missing from /stats: %v", name, counters)
		}
	}
	if counters["collection_total"] != 3000 {
		t.Errorf("collection_total = %v, want 3000", counters["collection_total"])
	}
	if counters["indicators_fetched"] >= 3000 {
		t.Log("note: the sync finished before /stats was read")
	}
}
