package threatq

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// StartCursor is the cursor mark of a first sync.
const StartCursor = "*"

// Page is one answer of the collection endpoint.
type Page struct {
	// Cursor is the cursor mark that was sent.
	Cursor string
	// NextCursor is the nextCursorMark of the answer: where the next
	// request, in this run or a later one, continues.
	NextCursor string
	// Total is the size of the whole collection as ThreatQ reports it.
	Total int64
	// TotalInvalid reports a total that is not a whole number: it is
	// informational, so it is ignored (Total is 0) and the page is used.
	TotalInvalid bool
	// Indicators are the raw elements of data, in order. They point into
	// the response body: see Release.
	Indicators []json.RawMessage
	// Rejected are the elements of data that cannot be decoded, taken out
	// of Indicators, in order.
	Rejected []Rejected

	buf *[]byte // the body, returned to the client's pool by Release
	c   *Client
}

// Release hands the page's memory back to the client for a later page. The
// page and its indicators must not be used afterwards. Calling it is
// optional (an unreleased page is garbage collected) and idempotent.
func (p *Page) Release() {
	if p == nil || p.buf == nil {
		return
	}
	p.c.putBuffer(p.buf)
	p.buf, p.Indicators = nil, nil
}

// Rejected is an element of data that cannot be decoded.
type Rejected struct {
	Position int    // index in data
	Reason   string // why it cannot be decoded
}

// Position returns the index in data of Indicators[i].
func (p *Page) Position(i int) int {
	for _, r := range p.Rejected {
		if r.Position > i {
			break
		}
		i++
	}
	return i
}

// LacksSourcesAndAttributes reports a page with indicators none of which
// has a sources or attributes member: a server ignoring the fields
// parameter, so provider, TLP and attributes will be missing.
func (p *Page) LacksSourcesAndAttributes() bool {
	for _, raw := range p.Indicators {
		if bytes.Contains(raw, []byte(`"sources"`)) || bytes.Contains(raw, []byte(`"attributes"`)) {
			return false
		}
	}
	return len(p.Indicators) > 0
}

// Walk iterates over the pages of one collection from a cursor mark.
type Walk struct {
	// OnRetry, if set, is told about every retried request of the walk.
	OnRetry func(err error, wait time.Duration)

	c          *Client
	collection string
	cursor     string
	pages      int
	seen       map[string]struct{}
	last       bool
}

// Walk starts a walk over collection at cursor ("" or StartCursor for the
// beginning).
func (c *Client) Walk(collection, cursor string) *Walk {
	if cursor == "" {
		cursor = StartCursor
	}
	return &Walk{c: c, collection: collection, cursor: cursor, seen: map[string]struct{}{cursor: {}}}
}

// Cursor is the mark the next request will send.
func (w *Walk) Cursor() string { return w.cursor }

// Next fetches the next page. It returns ErrNoMorePages at the normal end,
// ErrPageCap when the page limit was reached, ErrCursorLoop when ThreatQ
// sends a cursor mark it already sent in this walk, and any other error as
// is. A page with indicators is never returned together with an error.
func (w *Walk) Next(ctx context.Context) (*Page, error) {
	if w.last {
		return nil, ErrNoMorePages
	}
	if w.c.opts.MaxPages > 0 && w.pages >= w.c.opts.MaxPages {
		return nil, fmt.Errorf("collection %s: %w (%d pages)", w.collection, ErrPageCap, w.pages)
	}
	p, err := w.c.fetchPage(ctx, w.collection, w.cursor, w.OnRetry)
	if err != nil {
		return nil, fmt.Errorf("collection %s: %w", w.collection, err)
	}
	w.pages++
	if len(p.Indicators) == 0 && len(p.Rejected) == 0 {
		w.last = true
		p.Release()
		return nil, ErrNoMorePages
	}
	switch _, visited := w.seen[p.NextCursor]; {
	case p.NextCursor == "" || p.NextCursor == p.Cursor:
		// Solr's end signal; keep the page and stop after it.
		p.NextCursor = p.Cursor
		w.last = true
	case visited:
		p.Release()
		return nil, fmt.Errorf("collection %s: %w: nextCursorMark %q was already visited", w.collection, ErrCursorLoop, p.NextCursor)
	}
	w.seen[p.NextCursor] = struct{}{}
	w.cursor = p.NextCursor
	return p, nil
}

// fetchPage requests one page, with retries.
func (c *Client) fetchPage(ctx context.Context, collection, mark string, onRetry func(error, time.Duration)) (*Page, error) {
	var page *Page
	err := c.withRetry(ctx, onRetry, func(ctx context.Context, token string) error {
		buf, err := c.get(ctx, c.pageURL(collection, mark), token)
		if err != nil {
			return err
		}
		page, err = decodePage(*buf)
		if err != nil {
			c.putBuffer(buf)
			return err
		}
		page.buf, page.c = buf, c
		return nil
	})
	if err != nil {
		return nil, err
	}
	page.Cursor = mark
	return page, nil
}
