package cmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The data views exported are exactly the dashboards' ones, one saved
// object per line, none of them libbeat's "threatqbeat-*".
func TestWriteDataViewsPrintsTheDashboardsDataViews(t *testing.T) {
	var out bytes.Buffer
	if err := writeDataViews(&out, filepath.Join("..", "_meta", "kibana")); err != nil {
		t.Fatal(err)
	}
	want, err := filepath.Glob(filepath.Join("..", "_meta", "kibana", "7", "index-pattern", "*.json"))
	if err != nil || len(want) == 0 {
		t.Fatalf("no data views under _meta/kibana: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want one per data view file (%d):\n%s", len(lines), len(want), out.String())
	}
	titles := map[string]bool{}
	for i, line := range lines {
		var obj struct {
			ID         string `json:"id"`
			Type       string `json:"type"`
			Attributes struct {
				Title string `json:"title"`
			} `json:"attributes"`
		}
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d is not one JSON object: %v", i+1, err)
		}
		if obj.Type != "index-pattern" || obj.ID == "" {
			t.Errorf("line %d: type %q id %q", i+1, obj.Type, obj.ID)
		}
		if strings.HasPrefix(obj.Attributes.Title, "threatqbeat-") {
			t.Errorf("line %d: data view %q matches no threatqbeat index", i+1, obj.Attributes.Title)
		}
		titles[obj.Attributes.Title] = true
	}
	for _, title := range []string{"logs-ti_threatq.threat-*", "logs-ti_threatq_latest.threat"} {
		if !titles[title] {
			t.Errorf("no data view %q among %v", title, titles)
		}
	}
}

func TestWriteDataViewsNamesAMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	err := writeDataViews(&bytes.Buffer{}, dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "7", "index-pattern")) || !strings.Contains(err.Error(), "setup.dashboards.directory") {
		t.Fatalf("error %v, want one naming the directory and setup.dashboards.directory", err)
	}
	views := filepath.Join(dir, "7", "index-pattern")
	if err := os.MkdirAll(views, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(views, "x.json"), []byte(`{"type":"dashboard","id":"x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeDataViews(&bytes.Buffer{}, dir); err == nil || !strings.Contains(err.Error(), "not index-pattern") {
		t.Fatalf("error %v, want one saying the object is not a data view", err)
	}
}
