package collector

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// heapPipeline acknowledges and drops every event, and measures the live
// heap (after a collection) each time events are handed over: the moments
// the page being published, the page fetched ahead and their bodies are
// all alive.
type heapPipeline struct {
	mu        sync.Mutex
	events    int
	largest   int // events in the largest PublishAll
	peakHeap  uint64
	listeners []beat.EventListener
}

func (p *heapPipeline) Connect() (beat.Client, error) { return p.ConnectWith(beat.ClientConfig{}) }

func (p *heapPipeline) ConnectWith(cfg beat.ClientConfig) (beat.Client, error) {
	return &heapClient{p: p, listener: cfg.EventListener}, nil
}

type heapClient struct {
	p        *heapPipeline
	listener beat.EventListener
}

func (c *heapClient) Publish(e beat.Event) { c.PublishAll([]beat.Event{e}) }

func (c *heapClient) PublishAll(es []beat.Event) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	c.p.mu.Lock()
	c.p.events += len(es)
	c.p.largest = max(c.p.largest, len(es))
	c.p.peakHeap = max(c.p.peakHeap, ms.HeapAlloc)
	c.p.mu.Unlock()
	for _, e := range es {
		c.listener.AddEvent(e, true)
	}
	c.listener.ACKEvents(len(es))
}

func (c *heapClient) Close() error { return nil }

// syncPeakHeap syncs a collection of n generated indicators in pages of
// pageSize and returns the largest live heap seen when a page was published,
// less the live heap before the sync (the simulator and its data).
func syncPeakHeap(t *testing.T, n, pageSize int) uint64 {
	t.Helper()
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.SetCollection("big", threatqtest.Generate(n, 17, start))
	yaml := fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\npage_size: %d\nrun_once: true\ncollections: [{id: big}]\n", sim.URL(), pageSize)
	h := &harness{t: t, sim: sim, dataDir: t.TempDir()}
	p := &heapPipeline{}
	bt := h.runnerWith(p, yaml, Options{})
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	require.NoError(t, run(t, bt))
	require.Equal(t, n, p.events)
	require.LessOrEqual(t, p.largest, publishChunk, "a page is published in chunks")
	return p.peakHeap - min(p.peakHeap, before.HeapAlloc)
}

// TestTenThousandIndicatorPagesKeepMemoryFlat syncs 20 000 and then
// 100 000 indicators in pages of 10 000 (the largest page_size; ~19 MB of
// JSON per page). Pages are decoded, mapped and published one at a time, in
// chunks of publishChunk events, with one page fetched ahead, so the live
// heap of either sync must stay under a bound set in pages, not in
// indicators: eight pages of JSON (the page published, the page fetched
// ahead, their read buffers and the in-process simulator's response). A
// sync that kept what it published would hold ten pages of JSON for the
// larger collection before counting the decoded events. Which buffers are
// alive at a sample varies, so the two peaks are not compared with each
// other. This is a memory bound, not a timing assertion.
func TestTenThousandIndicatorPagesKeepMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("maps 120 000 indicators")
	}
	var pageBytes uint64
	for _, raw := range threatqtest.Generate(1000, 17, start) {
		pageBytes += uint64(len(raw))
	}
	pageBytes *= 10 // 10 000 indicators
	bound := 8 * pageBytes
	small := syncPeakHeap(t, 20000, 10000)
	large := syncPeakHeap(t, 100000, 10000)
	t.Logf("peak live heap of a sync in pages of 10 000 indicators (%d MB of JSON each): %d MB for 20 000 indicators, %d MB for 100 000; bound %d MB",
		pageBytes>>20, small>>20, large>>20, bound>>20)
	require.Less(t, small, bound, "peak live heap of a 20 000-indicator sync")
	require.Less(t, large, bound, "peak live heap of a 100 000-indicator sync grows with the collection")
}
