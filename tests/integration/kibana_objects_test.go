//go:build integration

package integration

import (
	"path/filepath"
	"strings"
	"testing"
)

// kibanaDir holds the saved objects `setup --dashboards` imports, in
// libbeat's layout: <type>/<id>.json.
const kibanaDir = "../../_meta/kibana/7"

// healthDashboardID is the ingestion-health dashboard.
const healthDashboardID = "ti_threatq-threatqbeat-ingestion-health"

// savedObjectKeys lists the shipped saved objects as type/id, from their
// file names (cmd's TestDashboardsAreValidSavedObjects checks that each
// file holds the object its name says).
func savedObjectKeys(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(kibanaDir, "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, f := range files {
		keys[filepath.Base(filepath.Dir(f))+"/"+strings.TrimSuffix(filepath.Base(f), ".json")] = true
	}
	if len(keys) == 0 {
		t.Fatalf("no saved objects under %s", kibanaDir)
	}
	return keys
}
