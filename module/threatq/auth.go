package threatq

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// ErrAuth reports that the token endpoint refused the client credentials.
var ErrAuth = errors.New("threatq refused the client credentials")

// maxEarlyRefresh bounds how long before its expiry a token is replaced.
const maxEarlyRefresh = time.Minute

// tokenSource caches one access token and replaces it shortly before it
// expires (a tenth of its lifetime early, at most a minute) or when the API
// rejected it. It is safe for concurrent use.
type tokenSource struct {
	cfg    clientcredentials.Config
	client *http.Client
	now    func() time.Time

	mu        sync.Mutex
	token     string
	refreshAt time.Time // zero: no known expiry
	fetches   int
}

func newTokenSource(tokenURL, id, secret string, client *http.Client, now func() time.Time) *tokenSource {
	return &tokenSource{
		cfg: clientcredentials.Config{
			ClientID:     id,
			ClientSecret: secret,
			TokenURL:     tokenURL,
			AuthStyle:    oauth2.AuthStyleInHeader,
		},
		client: client,
		now:    now,
	}
}

// Token returns a valid access token, fetching one when needed.
func (ts *tokenSource) Token(ctx context.Context) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token != "" && (ts.refreshAt.IsZero() || ts.now().Before(ts.refreshAt)) {
		return ts.token, nil
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, ts.client)
	issued := ts.now()
	tok, err := ts.cfg.Token(ctx)
	ts.fetches++
	if err != nil {
		return "", tokenError(err)
	}
	ts.token = tok.AccessToken
	ts.refreshAt = time.Time{}
	// x/oauth2 turns expires_in into an absolute Expiry on the wall clock;
	// take the lifetime back out so the injected clock governs refreshes.
	if !tok.Expiry.IsZero() {
		life := max(time.Until(tok.Expiry), 0)
		ts.refreshAt = issued.Add(life - min(life/10, maxEarlyRefresh))
	}
	return ts.token, nil
}

// Invalidate drops the cached token if it is still the one the API refused.
func (ts *tokenSource) Invalidate(refused string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token == refused {
		ts.token = ""
	}
}

// Fetches is how many token requests were made.
func (ts *tokenSource) Fetches() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.fetches
}

// tokenError turns an x/oauth2 error into an APIError without echoing any
// request detail (the request carried the client secret).
func tokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		if isRedirect(re.Response.StatusCode) {
			return redirectError("fetch token", re.Response)
		}
		ae := &APIError{Op: "fetch token", StatusCode: re.Response.StatusCode, Body: trimBody(re.Body)}
		switch re.Response.StatusCode {
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
			return fmt.Errorf("%w: %w", ErrAuth, ae)
		}
		return ae
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("fetch token: %w", redactErr(err))
	}
	// Transport errors from x/oauth2 are url.Errors naming the token URL,
	// never the credentials; its query may hold a secret.
	return fmt.Errorf("fetch token: %w", redactErr(err))
}
