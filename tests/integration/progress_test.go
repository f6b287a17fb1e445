//go:build integration

package integration

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestProgressLinesDuringARun captures the progress lines a long sync logs
// (at most every 5 s), the summary of the run and the reconciliation of the
// full pass.
func TestProgressLinesDuringARun(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.SetCollection("col-e2e", threatqtest.Generate(3000, 43, genStart))
	// 20 pages of 150 indicators, 350 ms each: a 7 s sync.
	sim.InjectFault(threatqtest.Fault{Delay: 350 * time.Millisecond, Times: -1})

	b := newBeat(t, fileOutputConfig(sim.URL(), t.TempDir(), "  run_once: true\n  page_size: 150"))
	start := time.Now()
	logs, err := b.command(timeout(t, 2*time.Minute), "run", "-e").CombinedOutput()
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("threatqbeat run: %v\n%s", err, logs)
	}
	var during, summary, reconciled []string
	progress := regexp.MustCompile(`collection col-e2e: [\d ]+ of 3 000 indicators \(\d+ %\), [\d ]+/s`)
	for _, line := range strings.Split(string(logs), "\n") {
		switch {
		case strings.Contains(line, "collection col-e2e: 3 000 of 3 000 indicators (100 %)") && strings.Contains(line, "run complete"):
			summary = append(summary, line)
		case progress.MatchString(line):
			during = append(during, line)
		case strings.Contains(line, "full pass reconciled"):
			reconciled = append(reconciled, line)
		}
	}
	if len(during) == 0 {
		t.Errorf("no progress line during the run:\n%s", logs)
	}
	// At most one line every 5 s of the run (7 s unless the machine is
	// slower, and then the bound grows with it).
	if most := int(max(elapsed, 7*time.Second)/(5*time.Second)) + 1; len(during) > most {
		t.Errorf("%d progress lines for a %s run; want at most one every 5 s:\n%s", len(during), elapsed.Round(time.Second), strings.Join(during, "\n"))
	}
	// The lines' own times are at least 5 s apart.
	var last time.Time
	for _, line := range during {
		var rec struct {
			Time time.Time `json:"@timestamp"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Time.IsZero() {
			t.Fatalf("progress line without a time: %q (%v)", line, err)
		}
		if !last.IsZero() && rec.Time.Sub(last) < 5*time.Second-10*time.Millisecond {
			t.Errorf("progress lines %v apart; want at least 5 s:\n%s", rec.Time.Sub(last), strings.Join(during, "\n"))
		}
		last = rec.Time
	}
	if len(summary) != 1 {
		t.Errorf("want one end-of-run summary line, got %d:\n%s", len(summary), logs)
	}
	if len(reconciled) != 1 || !strings.Contains(reconciled[0], `"published":3000`) || !strings.Contains(reconciled[0], `"total":3000`) {
		t.Errorf("reconciliation line missing or wrong: %q", reconciled)
	}
}

// TestDemoShowsProgressOnTheTerminal checks that demo prints the progress
// lines and the summary on standard output.
func TestDemoShowsProgressOnTheTerminal(t *testing.T) {
	dir := t.TempDir()
	out, err := runIn(t, dir, "demo", "--indicators", "1200").Output()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range []string{
		"  collection demo-collection: 1 200 of 1 200 indicators (100 %), ",
		"summary: 1220 indicators fetched, 1230 events published, 1230 acknowledged",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}
