package threatqtest

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHoldFaultAnswersWhenReleased: an empty fault queued first lets its
// requests through; a Hold fault keeps the next page request waiting
// until the channel is closed, then answers it normally.
func TestHoldFaultAnswersWhenReleased(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(30, 1, t0))
	tok := token(t, s)
	release := make(chan struct{})
	s.InjectFault(Fault{Times: 1})
	s.InjectFault(Fault{Hold: release, Times: -1})

	first := fetchPage(t, s, tok, "c", pageQuery("*", 10))
	assert.Len(t, first.items(t), 10, "the first request passes")

	req, err := http.NewRequest(http.MethodGet, s.CollectionURL("c")+"?"+pageQuery(first.NextCursorMark, 10).Encode(), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	type answer struct {
		resp *http.Response
		err  error
	}
	held := make(chan answer, 1)
	go func() {
		resp, err := s.Client().Do(req)
		held <- answer{resp, err}
	}()
	require.Eventually(t, func() bool { return s.Stats().PageRequests == 2 }, 10*time.Second, 5*time.Millisecond)
	select {
	case <-held:
		t.Fatal("a held request was answered before its release")
	default:
	}
	close(release)
	var a answer
	select {
	case a = <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("the released request got no answer")
	}
	require.NoError(t, a.err)
	defer a.resp.Body.Close()
	body, err := io.ReadAll(a.resp.Body)
	require.NoError(t, err)
	assert.Len(t, decodePage(t, a.resp, body).items(t), 10, "a released request is answered normally")
}

// TestHoldFaultEndsWithTheRequest: a held request whose client goes away
// ends without an answer, the channel never closed.
func TestHoldFaultEndsWithTheRequest(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(5, 1, t0))
	tok := token(t, s)
	s.InjectFault(Fault{Hold: make(chan struct{})})

	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.CollectionURL("c")+"?"+pageQuery("*", 10).Encode(), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	errc := make(chan error, 1)
	go func() {
		resp, err := s.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	require.Eventually(t, func() bool { return s.Stats().FaultsApplied == 1 }, 10*time.Second, 5*time.Millisecond)
	cancel()
	select {
	case err := <-errc:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled request did not end")
	}
	// The fault was used once: the next request is answered.
	assert.Len(t, fetchPage(t, s, tok, "c", pageQuery("*", 10)).items(t), 5)
}
