package collector

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

func TestProgressLineFormat(t *testing.T) {
	p := Progress{Collection: "abc", Fetched: 42000, Total: 180000, Elapsed: 1354838 * time.Microsecond}
	require.Equal(t, "collection abc: 42 000 of 180 000 indicators (23 %), 31 000/s", p.String())
	require.Equal(t, "collection abc: 0 of 0 indicators, 0/s", Progress{Collection: "abc"}.String())
	p.Incremental, p.Fetched = true, 1500
	require.Equal(t, "collection abc: 1 500 new or updated indicators (the collection holds 180 000), 1 107/s", p.String())
}

func TestProgressThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1 000", 180000: "180 000", 1234567: "1 234 567", -4200: "-4 200"} {
		require.Equal(t, want, thousands(n))
	}
}

func TestProgressIsReportedDuringAndAfterARun(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(2500, 8, start))
	yaml := fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\npage_size: 500\nrun_once: true\ncollections: [{id: c1}]\n", h.sim.URL())
	var mu sync.Mutex
	clock := start
	tick := func() time.Time { // every reading of the clock is 3 s later
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(3 * time.Second)
		return clock
	}
	var reports []Progress
	bt := h.runnerWith(&beatertest.Pipeline{AutoAck: true}, yaml, Options{
		Now: tick, Progress: func(p Progress) { reports = append(reports, p) },
	})
	require.NoError(t, run(t, bt))

	require.GreaterOrEqual(t, len(reports), 3, "progress while running and a summary at the end")
	last := reports[len(reports)-1]
	require.True(t, last.Done)
	require.EqualValues(t, 2500, last.Fetched)
	require.EqualValues(t, 2500, last.Total)
	for _, p := range reports[:len(reports)-1] {
		require.False(t, p.Done)
		require.LessOrEqual(t, p.Fetched, int64(2500))
	}
	require.Regexp(t, `^collection c1: [\d ]+ of 2 500 indicators \(\d+ %\), [\d ]+/s$`, reports[0].String())
	require.Contains(t, last.String(), "2 500 of 2 500 indicators (100 %)")

	// A later run resumes from the cursor: it reports what changed, not a
	// share of the collection.
	h.sim.Append("c1", threatqtest.Generate(3, 99, start.AddDate(1, 0, 0))...)
	reports = nil
	bt = h.runnerWith(&beatertest.Pipeline{AutoAck: true}, yaml, Options{
		Now: tick, Progress: func(p Progress) { reports = append(reports, p) },
	})
	require.NoError(t, run(t, bt))
	last = reports[len(reports)-1]
	require.True(t, last.Incremental)
	require.Equal(t, "collection c1: 3 new or updated indicators (the collection holds 2 503), 0/s", last.String())
}
