package collector

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestMaxPageBytesIsApplied: a page larger than max_page_bytes ends the run
// with an error naming the setting; nothing of it is published.
func TestMaxPageBytesIsApplied(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(200, 1, start)) // ~400 KB in one page
	p := &beatertest.Pipeline{AutoAck: true}
	bt := h.runner(p, []string{"c1"}, "max_page_bytes: 64KiB\n")
	err := run(t, bt)
	require.ErrorContains(t, err, "larger than max_page_bytes (65536 bytes): raise threatqbeat.max_page_bytes or lower page_size")
	require.Empty(t, p.Events())
	require.Equal(t, 1, h.sim.Stats().PageRequests, "not retried")
}
