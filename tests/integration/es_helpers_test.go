//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// esOutputConfig is a config writing to Elasticsearch at esURL.
func esOutputConfig(url, esURL, extra string) string {
	return fmt.Sprintf(`threatqbeat:
  url: %q
  client_id: test
  client_secret: test
  collections: [{id: col-e2e}]
%s
output.elasticsearch:
  hosts: [%q]
queue.mem.flush.timeout: 0s
logging.level: info
`, url, extra, esURL)
}

// run runs the binary with args and returns its combined output; it fails
// the test unless the exit status is as wanted.
func (b *beatCmd) run(t *testing.T, wantOK bool, args ...string) string {
	t.Helper()
	out, err := b.command(timeout(t, 2*time.Minute), args...).CombinedOutput()
	if wantOK && err != nil {
		t.Fatalf("threatqbeat %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if !wantOK && err == nil {
		t.Fatalf("threatqbeat %s succeeded, want failure\n%s", strings.Join(args, " "), out)
	}
	return string(out)
}

// bulkItem is one action and document of a bulk request.
type bulkItem struct {
	Action   string
	Index    string
	ID       string
	Pipeline string // the action's pipeline, which would replace index.default_pipeline
	Doc      map[string]any
}

// parseBulk splits NDJSON bulk bodies into items.
func parseBulk(t *testing.T, bodies [][]byte) []bulkItem {
	t.Helper()
	var items []bulkItem
	for _, body := range bodies {
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var action map[string]struct {
				Index    string `json:"_index"`
				ID       string `json:"_id"`
				Pipeline string `json:"pipeline"`
			}
			if err := json.Unmarshal(sc.Bytes(), &action); err != nil || len(action) != 1 {
				t.Fatalf("bad bulk action line %q: %v", sc.Text(), err)
			}
			var it bulkItem
			for k, v := range action {
				it = bulkItem{Action: k, Index: v.Index, ID: v.ID, Pipeline: v.Pipeline}
			}
			if !sc.Scan() {
				t.Fatalf("bulk action without document: %+v", it)
			}
			if err := json.Unmarshal(sc.Bytes(), &it.Doc); err != nil {
				t.Fatalf("bad bulk document: %v", err)
			}
			items = append(items, it)
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return items
}

// totalMetrics returns the flattened "Total metrics" a stopping beat logs
// with -e (JSON log lines), e.g. m["libbeat.output.events.duplicates"].
func totalMetrics(t *testing.T, logs string) map[string]float64 {
	t.Helper()
	for _, line := range strings.Split(logs, "\n") {
		if !strings.Contains(line, `"Total metrics"`) {
			continue
		}
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("Total metrics line is not JSON: %v\n%s", err, line)
		}
		out := map[string]float64{}
		var walk func(prefix string, v any)
		walk = func(prefix string, v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, c := range v {
					walk(strings.TrimPrefix(prefix+"."+k, "."), c)
				}
			case float64:
				out[prefix] = v
			}
		}
		mon, _ := entry["monitoring"].(map[string]any)
		walk("", mon["metrics"])
		return out
	}
	t.Fatalf("no Total metrics in the log:\n%s", logs)
	return nil
}
