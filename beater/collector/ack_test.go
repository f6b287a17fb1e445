package collector

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type commits struct {
	mu   sync.Mutex
	list []string
}

func (c *commits) add(s string) { c.mu.Lock(); c.list = append(c.list, s); c.mu.Unlock() }
func (c *commits) get() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.list...)
}

func privates(m *pageMark, n int) []interface{} {
	out := make([]interface{}, n)
	for i := range out {
		out[i] = m
	}
	return out
}

func TestTrackerCommitsOnlyFullyAckedPagesInOrder(t *testing.T) {
	var c commits
	acked := 0
	tr := newTracker(c.add, func(n int) { acked += n })

	p1 := tr.begin("c1")
	tr.add(p1)
	tr.add(p1)
	tr.seal(p1)
	p2 := tr.begin("c2")
	tr.add(p2)
	tr.seal(p2)
	require.Empty(t, c.get(), "nothing acknowledged yet")

	tr.onACK(1, privates(p1, 1))
	require.Empty(t, c.get(), "page 1 is half acknowledged")
	tr.onACK(2, append(privates(p1, 1), privates(p2, 1)...))
	require.Equal(t, []string{"c2"}, c.get(), "both pages done: the newest cursor is stored once")
	require.Equal(t, 3, acked)
	require.EqualValues(t, 3, tr.Acked())
}

func TestTrackerWaitsForSeal(t *testing.T) {
	var c commits
	tr := newTracker(c.add, nil)
	p := tr.begin("c1")
	tr.add(p)
	tr.onACK(1, privates(p, 1)) // acknowledged while the page is still being published
	require.Empty(t, c.get())
	tr.add(p)
	tr.onACK(1, privates(p, 1))
	require.Empty(t, c.get(), "not sealed: more events of the page may follow")
	tr.seal(p)
	require.Equal(t, []string{"c1"}, c.get())
}

func TestTrackerEmptyPageWaitsForEarlierPages(t *testing.T) {
	var c commits
	tr := newTracker(c.add, nil)
	p1 := tr.begin("c1")
	tr.add(p1)
	tr.seal(p1)
	p2 := tr.begin("c2") // every element rejected: nothing published
	tr.seal(p2)
	require.Empty(t, c.get(), "page 2 must not overtake page 1")
	tr.onACK(1, privates(p1, 1))
	require.Equal(t, []string{"c2"}, c.get())
}

func TestTrackerNeverAckedNeverCommits(t *testing.T) {
	var c commits
	tr := newTracker(c.add, nil)
	p := tr.begin("c1")
	tr.add(p)
	tr.seal(p)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, tr.wait(ctx), context.DeadlineExceeded)
	require.Empty(t, c.get())
}

func TestTrackerWaitReturnsAfterCommit(t *testing.T) {
	var c commits
	tr := newTracker(c.add, nil)
	require.NoError(t, tr.wait(context.Background()), "idle when nothing was begun")
	p := tr.begin("c1")
	tr.add(p)
	tr.seal(p)
	done := make(chan error)
	go func() { done <- tr.wait(context.Background()) }()
	tr.onACK(1, privates(p, 1))
	require.NoError(t, <-done)
	require.Equal(t, []string{"c1"}, c.get())
}

func TestTrackerConcurrentSealAndAck(t *testing.T) {
	// seal (worker) and onACK (pipeline) race; the stored cursor must never
	// move backwards.
	for round := 0; round < 200; round++ {
		var c commits
		tr := newTracker(c.add, nil)
		marks := make(chan *pageMark, 50)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range marks {
				tr.onACK(1, privates(m, 1))
			}
		}()
		for i := 0; i < 50; i++ {
			m := tr.begin(string(rune('A' + i)))
			tr.add(m)
			marks <- m
			tr.seal(m)
		}
		close(marks)
		wg.Wait()
		got := c.get()
		require.NotEmpty(t, got)
		for i := 1; i < len(got); i++ {
			require.Less(t, got[i-1], got[i], "cursor moved backwards: %v", got)
		}
		require.Equal(t, string(rune('A'+49)), got[len(got)-1])
	}
}

// TestTrackerStoppedCommitsNothing: acknowledgements that arrive after the
// collection stopped (libbeat's queue delivers them after the client
// closed) do not move the cursor.
func TestTrackerStoppedCommitsNothing(t *testing.T) {
	var c commits
	tr := newTracker(c.add, nil)
	p1 := tr.begin("c1")
	tr.add(p1)
	tr.seal(p1)
	tr.onACK(1, privates(p1, 1))
	require.Equal(t, []string{"c1"}, c.get())
	p2 := tr.begin("c2")
	tr.add(p2)
	tr.seal(p2)
	tr.stop()
	tr.onACK(1, privates(p2, 1))
	require.Equal(t, []string{"c1"}, c.get(), "acknowledged after stop: not stored")
}
