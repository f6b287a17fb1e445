package beater

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestStandaloneBeaterRunsOneRunnerUntilStop: the threatqbeat: section
// runs as one collector runner, started by Run and stopped by Stop; Run
// then returns without an error and the counters stay readable.
func TestStandaloneBeaterRunsOneRunnerUntilStop(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	t.Cleanup(sim.Close)
	sim.SetCollection("c1", threatqtest.Generate(40, 1, start))
	sim.SetCollection("c2", threatqtest.Generate(30, 2, start))
	yaml := fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\ncollections: [{id: c1}, {id: c2}]\n", sim.URL())
	bt, b, logs := observedBeat(t, t.TempDir(), yaml, Options{})
	p := &beatertest.Pipeline{AutoAck: true}
	b.Publisher = p
	_, ok := bt.Counts("c1")
	require.False(t, ok, "no counters before Run")
	done := make(chan error, 1)
	go func() { done <- bt.Run(b) }()
	require.Eventually(t, func() bool { return len(p.Events()) == 70 }, 10*time.Second, 5*time.Millisecond)
	bt.Stop()
	require.NoError(t, <-done)
	c, ok := bt.Counts("c2")
	require.True(t, ok)
	require.EqualValues(t, 30, c.Acked)
	require.Len(t, p.Clients(), 2, "one pipeline client per collection")
	for _, c := range p.Clients() {
		require.True(t, c.Closed())
	}
	require.Len(t, logs.FilterMessage("ThreatQ input stopped").All(), 1, "one runner, stopped once")
}
