//go:build integration

package integration

import (
	"strings"
	"testing"

	"github.com/threatqbeat/threatqbeat/internal/estest"
)

// TestTestOutputChecksElasticsearch runs `threatqbeat test output`, the
// check docs/service.md gives before the first start: it succeeds against a
// reachable Elasticsearch and fails, naming the problem, against a port
// nobody listens on.
func TestTestOutputChecksElasticsearch(t *testing.T) {
	es := estest.New(estest.Options{Bulk: newBulkSink(0)})
	defer es.Close()
	out := newBeat(t, esOutputConfig("http://127.0.0.1:1", es.URL, "")).run(t, true, "test", "output")
	for _, want := range []string{"talk to server... OK", "version:"} {
		if !strings.Contains(out, want) {
			t.Fatalf("test output against a reachable Elasticsearch: no %q in\n%s", want, out)
		}
	}

	out = newBeat(t, esOutputConfig("http://127.0.0.1:1", "http://"+freeAddr(t), "")).run(t, false, "test", "output")
	if !strings.Contains(out, "connection refused") {
		t.Fatalf("test output against a closed port does not say why it failed:\n%s", out)
	}
}
