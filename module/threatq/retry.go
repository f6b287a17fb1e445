package threatq

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// maxRetryAfter caps how long a Retry-After header can make the client wait.
const maxRetryAfter = 15 * time.Minute

// RetryPolicy is the bounded exponential backoff applied to 429, 5xx and
// network errors.
type RetryPolicy struct {
	MaxAttempts int
	WaitMin     time.Duration
	WaitMax     time.Duration
}

// backoff returns the wait before attempt n+1 (n ≥ 1): exponential from
// WaitMin, capped at WaitMax, with equal jitter; a Retry-After value, when
// given, is honoured as a lower bound.
func (p RetryPolicy) backoff(n int, retryAfter time.Duration) time.Duration {
	d := p.WaitMin
	for i := 1; i < n && d < p.WaitMax; i++ {
		d *= 2
	}
	d = min(d, p.WaitMax)
	if d > 1 {
		d = d/2 + rand.N(d/2)
	}
	return max(d, min(retryAfter, maxRetryAfter))
}

// retryable reports whether err is worth another attempt, and any
// Retry-After the server asked for.
func retryable(err error) (bool, time.Duration) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) {
		return false, 0
	}
	var ae *APIError
	if errors.As(err, &ae) {
		switch {
		case ae.StatusCode == http.StatusTooManyRequests:
			return true, ae.retryAfter
		case ae.StatusCode >= 500:
			return true, ae.retryAfter
		}
		return false, 0
	}
	if errors.Is(err, ErrAuth) {
		return false, 0
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true, 0
	}
	return isTransport(err), 0
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isTransport reports errors raised while talking to the server (connection
// reset, unexpected EOF, ...), as opposed to errors in the answer.
func isTransport(err error) bool {
	var te *transportError
	return errors.As(err, &te)
}

// transportError marks a failure of the round trip itself.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
