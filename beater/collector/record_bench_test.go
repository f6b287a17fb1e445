package collector

import (
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// BenchmarkRecordMillion records 1 000 000 indicators by threatq.id and
// reports the heap and file bytes per indicator (docs/benchmarks.md): go test ./beater/collector -run '^$' -bench RecordMillion -benchtime 1x
func BenchmarkRecordMillion(b *testing.B) {
	const n = 1_000_000
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
			rec.put(threat.Key{ID: 100_000_000 + i*7})
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
