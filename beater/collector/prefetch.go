package collector

import (
	"context"
	"sync"

	"github.com/threatqbeat/threatqbeat/module/threatq"
)

// fetched is one result of a walk: a page, or the error that ended it.
type fetched struct {
	page *threatq.Page
	err  error
}

// prefetcher walks a collection in its own goroutine, one page ahead of the
// worker: while the worker maps and publishes page n, page n+1 is fetched
// and decoded. The hand-over channel is unbuffered, so at most two pages
// are held at once (the one being published and the one fetched next), and
// a worker blocked on a full queue stops the fetching too. Pages arrive in
// walk order, so the cursor and the ACK tracker see them as before.
type prefetcher struct {
	pages  chan fetched
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// pageSource is what a prefetcher walks: a *threatq.Walk.
type pageSource interface {
	Next(ctx context.Context) (*threatq.Page, error)
}

// prefetch starts walking. The walk must not be used by the caller until
// stop returned.
func prefetch(ctx context.Context, walk pageSource) *prefetcher {
	ctx, cancel := context.WithCancel(ctx)
	p := &prefetcher{pages: make(chan fetched), cancel: cancel}
	// The goroutine only ends early when ctx ends; context.Cause of a
	// cancelled context is never nil.
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		defer close(p.pages)
		for {
			page, err := walk.Next(ctx)
			select {
			case p.pages <- fetched{page, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return p
}

// next returns the next page or the error that ended the walk (ErrNoMorePages
// at the normal end). After an error it must not be called again.
func (p *prefetcher) next(ctx context.Context) (*threatq.Page, error) {
	select {
	case f, ok := <-p.pages:
		if !ok {
			return nil, context.Cause(ctx)
		}
		return f.page, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// stop ends the walk and waits for the fetching goroutine; a page fetched
// ahead and not taken is dropped (its cursor was never stored).
func (p *prefetcher) stop() {
	p.cancel()
	p.done.Wait()
}
