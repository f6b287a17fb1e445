package collector

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/elastic/elastic-agent-libs/monitoring"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// apiErrorCounts reads api_errors.<kind> of a collection.
func apiErrorCounts(s *collectionStats) map[string]uint64 {
	out := map[string]uint64{}
	for k, c := range s.apiErrors {
		if v := c.Get(); v > 0 {
			out[k] = v
		}
	}
	return out
}

// TestStatsAPIErrorsAreCountedByKind: one failed request of each kind.
// The network error is a body cut short (the server announces more than it
// sends), not a timeout: no other request can fail with it however slow
// the machine is.
func TestStatsAPIErrorsAreCountedByKind(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(50, 1, start))
	h.sim.InjectFault(threatqtest.Fault{Status: 503})
	h.sim.InjectFault(threatqtest.Fault{Status: 429})
	h.sim.InjectFault(threatqtest.Fault{Body: `{"total":50,"data":[`, ClaimedLength: 1 << 20})
	h.sim.InjectFault(threatqtest.Fault{Body: `{"data":"x"}`})
	bt := h.runner(&beatertest.Pipeline{AutoAck: true}, []string{"c1"}, "retry: {max_attempts: 10, wait_min: 1ms, wait_max: 2ms}\n")
	err := run(t, bt)
	require.Error(t, err, "the undecodable page ends the run")
	s := bt.stats["c1"]
	require.Equal(t, map[string]uint64{"server": 1, "rate_limit": 1, "network": 1, "decode": 1}, apiErrorCounts(s))
	require.EqualValues(t, 3, s.retries.Get(), "503, 429 and the cut body were retried")
	require.EqualValues(t, 1, s.errors.Get())
}

func TestStatsRefusedCredentialsCountAsAuth(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(10, 1, start))
	h.sim.InjectFault(threatqtest.Fault{Endpoint: threatqtest.EndpointToken, Status: 401, Times: -1})
	bt := h.runner(&beatertest.Pipeline{AutoAck: true}, []string{"c1"}, "")
	require.Error(t, run(t, bt))
	require.Equal(t, map[string]uint64{"auth": 1}, apiErrorCounts(bt.stats["c1"]))
}

func TestStatsAPIErrorKind(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&threatq.APIError{Op: "fetch page", StatusCode: 401}, "auth"},
		{fmt.Errorf("fetch token: %w", threatq.ErrAuth), "auth"},
		{&threatq.APIError{Op: "fetch page", StatusCode: 429}, "rate_limit"},
		{fmt.Errorf("giving up after 5 attempts: %w", &threatq.APIError{StatusCode: 502}), "server"},
		{&threatq.APIError{Op: "fetch page", StatusCode: 404}, "client"},
		{&threatq.APIError{Op: "fetch page", StatusCode: 302}, "redirect"},
		{&threatq.APIError{Op: "decode page", Reason: "invalid JSON"}, "decode"},
		{errors.New("dial tcp: connection refused"), "network"},
		{fmt.Errorf("collection c: %w", threatq.ErrPageCap), ""},
		{fmt.Errorf("collection c: %w", threatq.ErrCursorLoop), ""},
		{context.Canceled, ""},
	} {
		require.Equal(t, tc.want, apiErrorKind(tc.err), "%v", tc.err)
	}
}

func TestStatsCursorLagFollowsAcknowledgements(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(2500, 3, start))
	p := &beatertest.Pipeline{}
	bt := h.runner(p, []string{"c1"}, "")
	done := runInBackground(t, bt)
	require.Eventually(t, func() bool { return len(p.Events()) == 2500 }, 10*time.Second, 5*time.Millisecond)

	s := bt.stats["c1"]
	// The counters follow the publish calls the pipeline has seen.
	require.Eventually(t, func() bool { return s.cursorLagPages() == 3 && s.cursorLagIndicators() == 2500 },
		10*time.Second, 5*time.Millisecond, "three pages published, none acknowledged")
	require.Zero(t, s.cursorStored.Get(), "the cursor has not moved")

	p.Client(0).Ack(1000)
	require.Equal(t, 2, s.cursorLagPages())
	require.EqualValues(t, 1500, s.cursorLagIndicators())
	require.NotZero(t, s.cursorStored.Get())

	p.AckAll()
	require.NoError(t, <-done)
	require.Zero(t, s.cursorLagPages())
	require.Zero(t, s.cursorLagIndicators())
}

func TestStatsLagIsInTheRegistry(t *testing.T) {
	reg := monitoring.NewRegistry()
	s := newCollectionStats(reg, "c1")
	s.published.Add(7)
	s.acked.Add(3)
	snap := monitoring.CollectFlatSnapshot(reg, monitoring.Full, false)
	require.EqualValues(t, 4, snap.Ints["c1.cursor_lag_indicators"])
	require.EqualValues(t, 0, snap.Ints["c1.cursor_lag_pages"])
	for _, k := range apiErrorKinds {
		require.Contains(t, snap.Ints, "c1.api_errors."+k)
	}
}
