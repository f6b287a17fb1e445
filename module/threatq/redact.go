package threatq

import (
	"errors"
	"net/url"
	"strings"
)

// invalidURL stands for a URL that cannot be parsed, which may hold anything.
const invalidURL = "[invalid URL]"

// secretParams are the parts of query parameter names that make their
// values secret-looking: a value under a name containing one of them is
// never shown.
var secretParams = []string{"secret", "token", "pass", "pwd", "key", "auth", "sig", "credential", "session", "cookie", "code"}

// RedactURL is the form of a URL that logs, traces, errors, diagnostics,
// metrics and command output show: without user information and with the
// value of every secret-looking query parameter (a name containing secret,
// token, pass, pwd, key, auth, sig, credential, session, cookie or code)
// replaced by "[redacted]". It is the only way threatqbeat prints a URL.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return invalidURL
	}
	return redactURL(u)
}

// redactURL is RedactURL for a parsed URL; u is not changed.
func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q, err := url.ParseQuery(c.RawQuery)
		if err != nil {
			c.RawQuery = redacted
		} else {
			changed := false
			for k := range q {
				if secretParam(k) {
					q[k] = []string{redacted}
					changed = true
				}
			}
			if changed {
				c.RawQuery = q.Encode()
			}
		}
	}
	return c.String()
}

// secretParam reports a secret-looking query parameter name.
func secretParam(name string) bool {
	name = strings.ToLower(name)
	for _, p := range secretParams {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

// withoutUserinfo returns rawURL without its user information. Requests
// never use it: ThreatQ authenticates with the client credentials and the
// bearer token, which always set the Authorization header.
func withoutUserinfo(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	u.User = nil
	return u.String()
}

// redactErr redacts the URL a *url.Error of the HTTP client names (it
// carries the request URL, query included) and returns err.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = RedactURL(ue.URL)
	}
	return err
}
