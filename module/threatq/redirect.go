package threatq

import (
	"fmt"
	"net/http"
)

// refuseRedirects is the CheckRedirect policy of the ThreatQ HTTP client:
// no redirect is followed, so the Authorization header, the bearer token
// and the token request's form never go anywhere but the configured URLs.
// The 3xx answer is returned as it is and becomes a redirect error.
func refuseRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// isRedirect reports a 3xx status.
func isRedirect(status int) bool { return status >= 300 && status < 400 }

// redirectError describes a refused redirect, naming the request and the
// target (both redacted). A redirect from https to plain http is called out.
func redirectError(op string, resp *http.Response) *APIError {
	from := "the request"
	if resp.Request != nil && resp.Request.URL != nil {
		from = redactURL(resp.Request.URL)
	}
	to := "a missing or invalid Location"
	loc, err := resp.Location()
	if err == nil {
		to = redactURL(loc)
	}
	why := "threatqbeat does not follow redirects, so that credentials never leave the configured origin; set url (or token_url) to the address that answers directly"
	if err == nil && resp.Request != nil && resp.Request.URL.Scheme == "https" && loc.Scheme == "http" {
		why = "it goes from https to plain http, which would expose the credentials; " + why
	}
	return &APIError{Op: op, StatusCode: resp.StatusCode, Reason: fmt.Sprintf("redirect from %s to %s refused: %s", from, to, why)}
}
