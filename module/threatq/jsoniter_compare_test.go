package threatq

import (
	"testing"

	jsoniter "github.com/json-iterator/go"

	"github.com/threatqbeat/threatqbeat/module/threatq/internal/jsonscan"
)

// decodePageJsoniter splits a page with json-iterator: its Valid, then an
// Iterator over the envelope, each element of data a copy returned by
// SkipAndReturnBytes (the Iterator only returns copies of what it skips;
// SkipAndAppendBytes panics "not in capture mode" in v1.1.12).
func decodePageJsoniter(body []byte) (*Page, error) {
	if !jsoniter.ConfigCompatibleWithStandardLibrary.Valid(body) {
		return decodePageGeneral(body)
	}
	iter := jsoniter.ConfigCompatibleWithStandardLibrary.BorrowIterator(body)
	defer jsoniter.ConfigCompatibleWithStandardLibrary.ReturnIterator(iter)
	p := &Page{}
	iter.ReadObjectCB(func(it *jsoniter.Iterator, key string) bool {
		switch key {
		case "total":
			p.Total = it.ReadInt64()
		case "nextCursorMark":
			p.NextCursor = it.ReadString()
		case "data":
			it.ReadArrayCB(func(it *jsoniter.Iterator) bool {
				p.Indicators = append(p.Indicators, it.SkipAndReturnBytes())
				return true
			})
		default:
			it.Skip()
		}
		return true
	})
	return p, iter.Error
}

func BenchmarkDecodePageJsoniter(b *testing.B) {
	benchmarkDecode(b, decodePageJsoniter)
}

func BenchmarkValidPageJsonscan(b *testing.B) {
	body := generatedPage(1000)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if !jsonscan.Valid(body) {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkValidPageJsoniter(b *testing.B) {
	body := generatedPage(1000)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if !jsoniter.ConfigCompatibleWithStandardLibrary.Valid(body) {
			b.Fatal("invalid")
		}
	}
}

func TestDecodePageJsoniterAgrees(t *testing.T) {
	body := generatedPage(1000)
	a, err := decodePage(body)
	if err != nil {
		t.Fatal(err)
	}
	j, err := decodePageJsoniter(body)
	if err != nil {
		t.Fatal(err)
	}
	if a.Total != j.Total || a.NextCursor != j.NextCursor || len(a.Indicators) != len(j.Indicators) {
		t.Fatalf("envelopes differ: %d %q %d, %d %q %d", a.Total, a.NextCursor, len(a.Indicators), j.Total, j.NextCursor, len(j.Indicators))
	}
	for i := range a.Indicators {
		if string(a.Indicators[i]) != string(j.Indicators[i]) {
			t.Fatalf("indicator %d differs", i)
		}
	}
}
