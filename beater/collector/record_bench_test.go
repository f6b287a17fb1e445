package collector

import (
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// BenchmarkRecordMillion records 1 000 000 indicators with IP-sized to
// hash-sized values and reports the heap and file bytes per indicator
// (docs/benchmarks.md): go test ./beater/collector -run '^$' -bench RecordMillion -benchtime 1x
func BenchmarkRecordMillion(b *testing.B) {
	const n = 1_000_000
	values := []string{"198.51.100.7", "login.example.com", "https://example.net/a/b.php?id=1", "9d2e2cd78a958fadbe3e4fc97a0d9af393ba74c13311f056d3e105853a726b89"}
	for range b.N {
		dir := b.TempDir()
		s, err := NewCursorStore(dir, time.Now)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rec, _, err := s.openRecord("c1")
		if err != nil {
			b.Fatal(err)
		}
		for i := range int64(n) {
			rec.put(threat.Key{ID: 100_000_000 + i*7}, values[i%int64(len(values))])
		}
		if err := rec.flush(); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		st, err := os.Stat(rec.path)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/indicator")
		b.ReportMetric(float64(st.Size())/n, "file-B/indicator")
		start := time.Now()
		again, _, err := s.openRecord("c1")
		if err != nil || again.set.Len() != n {
			b.Fatal(fmt.Sprint("reload: ", err))
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "load-ms")
		runtime.KeepAlive(rec)
	}
}
