package threatq

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/elastic/elastic-agent-libs/logp"
)

// DefaultFields asks ThreatQ for the default indicator fields plus the
// sources and attributes that newer ThreatQ versions leave out by default.
const DefaultFields = "*,attributes.name,attributes.value,sources"

// Options configure a Client. Every setting is explicit: threatqbeat's
// defaults (page size, token endpoint, page body limit, retries) are
// declared once, by its configuration (config.Config.ClientOptions). Only
// the dependencies (Logger, Now, Sleep) and Fields have defaults here.
type Options struct {
	URL          string       // ThreatQ base URL; required
	TokenURL     string       // OAuth2 token endpoint; required
	ClientID     string       // required
	ClientSecret string       // required
	HTTPClient   *http.Client // required; must not retry on its own; New sets its redirect policy on a copy
	PageSize     int          // indicators per request; at least 1
	MaxPages     int          // pages per walk; 0: unlimited
	MaxPageBytes int64        // page body limit; positive (DefaultMaxPageBytes sizes it from PageSize)
	Fields       string       // the fields parameter; default DefaultFields
	Retry        RetryPolicy  // MaxAttempts at least 1; with retries, WaitMin positive and not above WaitMax
	Logger       *logp.Logger
	Now          func() time.Time                           // default time.Now
	Sleep        func(context.Context, time.Duration) error // default a timer honouring ctx
}

// Client talks to one ThreatQ instance. It is safe for concurrent use.
type Client struct {
	opts    Options
	base    string
	tokens  *tokenSource
	log     *logp.Logger
	buffers sync.Pool // *[]byte page bodies, see Page.Release
}

// New returns a Client.
func New(opts Options) (*Client, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("create threatq client: invalid url %s", RedactURL(opts.URL))
	}
	if opts.HTTPClient == nil {
		return nil, errors.New("create threatq client: no HTTP client")
	}
	if err := opts.check(); err != nil {
		return nil, fmt.Errorf("create threatq client: %w", err)
	}
	hc := *opts.HTTPClient
	hc.CheckRedirect = refuseRedirects
	opts.HTTPClient = &hc
	opts.URL = withoutUserinfo(opts.URL)
	opts.TokenURL = withoutUserinfo(opts.TokenURL)
	if opts.Fields == "" {
		opts.Fields = DefaultFields
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	if opts.Logger == nil {
		opts.Logger = logp.NewNopLogger()
	}
	return &Client{
		opts:   opts,
		base:   strings.TrimRight(opts.URL, "/"),
		tokens: newTokenSource(opts.TokenURL, opts.ClientID, opts.ClientSecret, opts.HTTPClient, opts.Now),
		log:    opts.Logger,
	}, nil
}

// check refuses options a Client cannot work with, naming the option.
func (o *Options) check() error {
	var errs []error
	if u, err := url.Parse(o.TokenURL); err != nil || u.Host == "" {
		errs = append(errs, fmt.Errorf("invalid token URL %q", RedactURL(o.TokenURL)))
	}
	if o.PageSize < 1 {
		errs = append(errs, fmt.Errorf("page size %d: must be at least 1", o.PageSize))
	}
	if o.MaxPageBytes <= 0 {
		errs = append(errs, fmt.Errorf("page body limit %d: must be positive", o.MaxPageBytes))
	}
	if o.Retry.MaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("retry attempts %d: must be at least 1", o.Retry.MaxAttempts))
	}
	if o.Retry.MaxAttempts > 1 && (o.Retry.WaitMin <= 0 || o.Retry.WaitMax < o.Retry.WaitMin) {
		errs = append(errs, fmt.Errorf("retry waits %s to %s: the least must be positive and not above the most", o.Retry.WaitMin, o.Retry.WaitMax))
	}
	return errors.Join(errs...)
}

// TokenFetches is how many times a token was requested.
func (c *Client) TokenFetches() int { return c.tokens.Fetches() }

// pageURL builds the collection request for one cursor mark.
func (c *Client) pageURL(collection, mark string) string {
	q := url.Values{}
	q.Set("sort", "updated_at")
	q.Set("limit", fmt.Sprint(c.opts.PageSize))
	q.Set("cursorMark", mark)
	q.Set("fields", c.opts.Fields)
	return c.base + "/api/indicators/query/hash/" + url.PathEscape(collection) + "?" + q.Encode()
}

// withRetry runs one request function under the retry policy. A 401 drops
// the token and repeats the request once without counting as an attempt.
// onRetry, if not nil, is told about every retried request.
func (c *Client) withRetry(ctx context.Context, onRetry func(error, time.Duration), op func(ctx context.Context, token string) error) error {
	reauthed := false
	for attempt := 1; ; attempt++ {
		token, err := c.tokens.Token(ctx)
		if err == nil {
			err = op(ctx, token)
			var ae *APIError
			if errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized && !reauthed {
				c.tokens.Invalidate(token)
				reauthed = true
				attempt--
				c.log.Infow("ThreatQ rejected the access token; fetching a new one")
				continue
			}
		}
		if err == nil {
			return nil
		}
		again, retryAfter := retryable(err)
		if !again || attempt >= c.opts.Retry.MaxAttempts {
			if again {
				return fmt.Errorf("giving up after %d attempts: %w", attempt, err)
			}
			return err
		}
		wait := c.opts.Retry.backoff(attempt, retryAfter)
		c.log.Warnw("ThreatQ request failed, retrying", "error", err, "attempt", attempt, "wait", wait)
		if onRetry != nil {
			onRetry(err, wait)
		}
		if err := c.opts.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}
