//go:build integration

package integration

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestStatsShowCollectionCounters reads /stats during a sync and finds the
// per-collection counters.
func TestStatsShowCollectionCounters(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(3000, 41, genStart))
	sim.InjectFault(threatqtest.Fault{Status: 503})
	sim.InjectFault(threatqtest.Fault{Delay: 50 * time.Millisecond, Times: -1})

	addr := freeAddr(t)
	host, port, _ := strings.Cut(addr, ":")
	out := t.TempDir()
	b := newBeat(t, fileOutputConfig(sim.URL(), out, "  page_size: 100\n  interval: 1h\n  retry: {wait_min: 10ms, wait_max: 20ms}")+
		fmt.Sprintf("http.enabled: true\nhttp.host: %s\nhttp.port: %s\n", host, port))
	cmd := b.command(timeout(t, 2*time.Minute), "run", "-e")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	var counters map[string]any
	require.Eventually(t, func() bool {
		var doc struct {
			ThreatQ struct {
				Collections map[string]map[string]any `json:"collections"`
			} `json:"threatq"`
		}
		if s := get("http://" + addr + "/stats"); s != "" && json.Unmarshal([]byte(s), &doc) == nil {
			if c := doc.ThreatQ.Collections["col-e2e"]; num(c["indicators_acked"]) > 0 && num(c["cursor_stored_unix_ms"]) > 0 {
				counters = c
				return true
			}
		}
		return false
	}, 30*time.Second, 50*time.Millisecond, "/stats never showed threatq.collections.col-e2e counters")
	for _, name := range []string{"pages_fetched", "indicators_fetched", "indicators_published", "indicators_acked",
		"indicators_rejected", "run_errors", "api_retries", "collection_total", "runs", "last_run_duration_ms",
		"last_success_unix_ms", "cursor_lag_pages", "cursor_lag_indicators", "cursor_stored_unix_ms"} {
		if _, ok := counters[name].(float64); !ok {
			t.Errorf("counter %s missing from /stats: %v", name, counters)
		}
	}
	if num(counters["collection_total"]) != 3000 {
		t.Errorf("collection_total = %v, want 3000", counters["collection_total"])
	}
	apiErrors, _ := counters["api_errors"].(map[string]any)
	for _, kind := range []string{"auth", "rate_limit", "server", "client", "decode", "network"} {
		if _, ok := apiErrors[kind].(float64); !ok {
			t.Errorf("api_errors.%s missing from /stats: %v", kind, apiErrors)
		}
	}
	if num(apiErrors["server"]) != 1 || num(counters["api_retries"]) != 1 {
		t.Errorf("the 503 answer: api_errors.server = %v, api_retries = %v, want 1 and 1", apiErrors["server"], counters["api_retries"])
	}
	if num(counters["indicators_fetched"]) >= 3000 {
		t.Log("note: the sync finished before /stats was read")
	}
}

// num reads a JSON number (0 when v is not one).
func num(v any) float64 {
	f, _ := v.(float64)
	return f
}
