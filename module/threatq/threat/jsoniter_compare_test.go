package threat

import (
	"testing"

	jsoniter "github.com/json-iterator/go"
)

// BenchmarkDecodeIndicatorJsoniter decodes the same indicator with
// json-iterator's encoding/json-compatible configuration, for comparison
// with BenchmarkDecodeIndicator (docs/benchmarks.md).
func BenchmarkDecodeIndicatorJsoniter(b *testing.B) {
	raw := []byte(benchIndicator)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		ind := new(indicator)
		if err := jsoniter.ConfigCompatibleWithStandardLibrary.Unmarshal(raw, ind); err != nil {
			b.Fatal(err)
		}
	}
}
