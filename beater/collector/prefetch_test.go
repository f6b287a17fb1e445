package collector

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq"
)

// scriptedWalk serves pages 1..n and checks that it is never asked for a
// page more than one ahead of what the consumer has taken.
type scriptedWalk struct {
	n int

	mu        sync.Mutex
	calls     int
	taken     int // pages the consumer asked for
	tooEarly  []string
	fetchedCh chan int
}

func (w *scriptedWalk) Next(ctx context.Context) (*threatq.Page, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.calls++
	call := w.calls
	// Call k may only start once the page of call k-1 was handed over,
	// that is once the consumer asked for k-1 pages.
	if call > w.taken+1 {
		w.tooEarly = append(w.tooEarly, fmt.Sprintf("fetch %d with %d taken", call, w.taken))
	}
	w.mu.Unlock()
	if w.fetchedCh != nil {
		w.fetchedCh <- call
	}
	if call > w.n {
		return nil, threatq.ErrNoMorePages
	}
	return &threatq.Page{Cursor: fmt.Sprint(call - 1), NextCursor: fmt.Sprint(call)}, nil
}

func (w *scriptedWalk) take() {
	w.mu.Lock()
	w.taken++
	w.mu.Unlock()
}

// TestPrefetchIsOnePageAheadAndOrdered walks 5 pages slowly: pages arrive in
// order and the walk is never more than one page ahead of the consumer.
func TestPrefetchIsOnePageAheadAndOrdered(t *testing.T) {
	walk := &scriptedWalk{n: 5}
	p := prefetch(context.Background(), walk)
	defer p.stop()
	for i := 1; ; i++ {
		// Let the fetching goroutine run ahead if it could.
		for range 200 {
			runtime.Gosched()
		}
		walk.take()
		page, err := p.next(context.Background())
		if i == 6 {
			require.ErrorIs(t, err, threatq.ErrNoMorePages)
			break
		}
		require.NoError(t, err)
		require.Equal(t, fmt.Sprint(i), page.NextCursor, "pages in walk order")
	}
	walk.mu.Lock()
	defer walk.mu.Unlock()
	require.Empty(t, walk.tooEarly)
	require.Equal(t, 6, walk.calls)
}

// TestPrefetchStopReleasesTheFetcher stops while a fetched page waits to be
// taken, and while the consumer waits on a cancelled context.
func TestPrefetchStopReleasesTheFetcher(t *testing.T) {
	walk := &scriptedWalk{n: 100, fetchedCh: make(chan int, 100)}
	p := prefetch(context.Background(), walk)
	walk.take()
	_, err := p.next(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, <-walk.fetchedCh)
	require.Equal(t, 2, <-walk.fetchedCh) // page 2 fetched, not taken
	p.stop()                              // returns: the fetcher is not stuck on the hand-over

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p = prefetch(ctx, &scriptedWalk{n: 100})
	defer p.stop()
	_, err = p.next(ctx)
	require.ErrorIs(t, err, context.Canceled)
}
