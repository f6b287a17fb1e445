package threatq

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrNoMorePages ends a walk over a collection: the last page was reached.
var ErrNoMorePages = errors.New("no more pages")

// ErrPageCap reports that a walk reached the configured page limit.
var ErrPageCap = errors.New("page limit per run reached")

// ErrCursorLoop reports a nextCursorMark that was already visited in this walk.
var ErrCursorLoop = errors.New("cursor loop")

// ErrRedirect matches the error of a redirect answer: threatqbeat never
// follows one (see refuseRedirects).
var ErrRedirect = errors.New("redirect refused")

// maxBodyInError bounds how much of a response body an error carries.
const maxBodyInError = 512

// APIError is a non-2xx answer, or a 2xx answer that is not a valid page.
type APIError struct {
	// Op is the action that failed, e.g. "fetch page" or "fetch token".
	Op string
	// StatusCode is the HTTP status (0 when the body was the problem).
	StatusCode int
	// Body is the start of the response body.
	Body string
	// Reason says what was wrong with a 2xx body.
	Reason string

	retryAfter time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	if e.Body != "" {
		fmt.Fprintf(&b, ": body %q", e.Body)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrRedirect) match a 3xx answer.
func (e *APIError) Is(target error) bool { return target == ErrRedirect && isRedirect(e.StatusCode) }

// Kind classifies the error for metrics and health: "auth", "rate_limit",
// "server", "client", "redirect" or "decode".
func (e *APIError) Kind() string {
	switch {
	case isRedirect(e.StatusCode):
		return "redirect"
	case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden:
		return "auth"
	case e.StatusCode == http.StatusTooManyRequests:
		return "rate_limit"
	case e.StatusCode >= 500:
		return "server"
	case e.StatusCode >= 400:
		return "client"
	default:
		return "decode"
	}
}

// IsAuth reports whether err is an authentication or authorisation failure.
func IsAuth(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Kind() == "auth" || errors.Is(err, ErrAuth)
}

// trimBody returns at most maxBodyInError bytes of body as valid UTF-8.
func trimBody(body []byte) string {
	if len(body) > maxBodyInError {
		body = body[:maxBodyInError]
		for len(body) > 0 && !utf8.Valid(body) {
			body = body[:len(body)-1]
		}
		return strings.TrimSpace(string(body)) + "…"
	}
	return strings.TrimSpace(string(body))
}
