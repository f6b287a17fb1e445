package threatqtest

import (
	"io"
	"net/http"
	"net/url"
	"testing"
)

// discardResponse is a ResponseWriter that drops the body.
type discardResponse struct {
	header http.Header
	n      int64
}

func (d *discardResponse) Header() http.Header { return d.header }
func (d *discardResponse) WriteHeader(int)     {}
func (d *discardResponse) Write(p []byte) (int, error) {
	d.n += int64(len(p))
	return len(p), nil
}

// BenchmarkServePage serves one 10 000-indicator page: through the handler
// alone (server-side cost and allocations) and over loopback HTTP.
func BenchmarkServePage(b *testing.B) {
	const n = 10000
	s := newServer(b, Options{})
	s.SetCollection("c", Generate(n, 1, t0))
	tok := s.IssueToken()

	for _, bc := range []struct {
		name  string
		query url.Values
	}{
		{"handler/fields", pageQuery("*", n)},
		{"handler/stripped", url.Values{"sort": {"updated_at"}, "cursorMark": {"*"}, "limit": {"10000"}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req, err := http.NewRequest(http.MethodGet, s.CollectionURL("c")+"?"+bc.query.Encode(), nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			w := &discardResponse{header: http.Header{}}
			s.serveHTTP(w, req) // size the page once
			b.SetBytes(w.n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				s.serveHTTP(w, req)
			}
		})
	}

	b.Run("http", func(b *testing.B) {
		target := s.CollectionURL("c") + "?" + pageQuery("*", n).Encode()
		client := s.Client()
		b.ReportAllocs()
		var size int64
		for range b.N {
			req, err := http.NewRequest(http.MethodGet, target, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			size, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d, %v", resp.StatusCode, err)
			}
		}
		b.SetBytes(size)
	})
}

// BenchmarkGenerate measures building indicators (per 1000).
func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		Generate(1000, 1, t0)
	}
}

// BenchmarkSetCollection measures indexing 10 000 indicators.
func BenchmarkSetCollection(b *testing.B) {
	s := newServer(b, Options{})
	data := Generate(10000, 1, t0)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.SetCollection("c", data)
	}
}
