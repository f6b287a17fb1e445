//go:build integration

package integration

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExportIndexPatternPrintsTheDashboardsDataViews: `export
// index-pattern` prints the data views `setup --dashboards` imports, not
// libbeat's "threatqbeat-*" that matches no index, and names the missing
// directory when path.home holds no kibana folder.
func TestExportIndexPatternPrintsTheDashboardsDataViews(t *testing.T) {
	dir, err := filepath.Abs(filepath.Dir(kibanaDir))
	if err != nil {
		t.Fatal(err)
	}
	b := newBeat(t, "")
	out, err := b.command(timeout(t, time.Minute), "export", "index-pattern", "-E", "setup.dashboards.directory="+dir).Output()
	if err != nil {
		t.Fatalf("export index-pattern: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || strings.Contains(string(out), `"threatqbeat-*"`) {
		t.Fatalf("want the two data views of the dashboards, one per line, got:\n%s", out)
	}
	for _, title := range []string{`"title":"logs-ti_threatq.threat-*"`, `"title":"logs-ti_threatq_latest.threat"`} {
		if !strings.Contains(string(out), title) {
			t.Errorf("no %s in:\n%s", title, out)
		}
	}

	out, err = b.command(timeout(t, time.Minute), "export", "index-pattern").CombinedOutput()
	if err == nil || !strings.Contains(string(out), filepath.Join(b.home, "kibana", "7", "index-pattern")) {
		t.Fatalf("without a kibana folder in path.home: err %v, want an error naming the directory:\n%s", err, out)
	}
}
