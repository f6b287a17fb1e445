package collector

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// forwardProxy is a loopback HTTP proxy that records the requests it
// forwards.
type forwardProxy struct {
	mu   sync.Mutex
	seen []string
}

func (p *forwardProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.seen = append(p.seen, r.Method+" "+r.URL.Path)
	p.mu.Unlock()
	out := r.Clone(r.Context())
	out.RequestURI = ""
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (p *forwardProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// TestProxyURLCarriesEveryRequest: with proxy_url, the token and every
// page request go through the proxy, under the client's redirect policy.
func TestProxyURLCarriesEveryRequest(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(30, 1, start))
	proxy := &forwardProxy{}
	srv := httptest.NewServer(proxy)
	defer srv.Close()

	p := &beatertest.Pipeline{AutoAck: true}
	bt := h.runner(p, []string{"c1"}, "page_size: 10\nproxy_url: "+srv.URL+"\n")
	require.NoError(t, run(t, bt))
	require.Len(t, p.Events(), 30)
	require.Equal(t, []string{
		"POST /api/token",
		"GET /api/indicators/query/hash/c1", "GET /api/indicators/query/hash/c1",
		"GET /api/indicators/query/hash/c1", "GET /api/indicators/query/hash/c1",
	}, proxy.requests())
}

// TestRedirectThroughProxyIsRefused: behind a proxy too, a redirect to
// another port is refused and nothing reaches its target.
func TestRedirectThroughProxyIsRefused(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(30, 1, start))
	rec := threatqtest.NewRecorder()
	defer rec.Close()
	h.sim.InjectFault(threatqtest.Fault{Status: http.StatusFound, Location: rec.URL() + "/api/indicators/query/hash/c1"})
	srv := httptest.NewServer(&forwardProxy{})
	defer srv.Close()

	bt := h.runner(&beatertest.Pipeline{AutoAck: true}, []string{"c1"}, "proxy_url: "+srv.URL+"\n")
	err := run(t, bt)
	require.ErrorIs(t, err, threatq.ErrRedirect)
	require.Empty(t, rec.Requests())
	require.Equal(t, map[string]uint64{"redirect": 1}, apiErrorCounts(bt.stats["c1"]))
}
