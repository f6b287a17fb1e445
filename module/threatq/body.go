package threatq

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// IndicatorBytes is the generous size of one indicator that the default
// page limit allows for: real indicators, sources and attributes included,
// average 2 to 3 KB.
const IndicatorBytes = 32 << 10

// DefaultMaxPageBytes is the default limit of a page body for a page size:
// pageSize × IndicatorBytes (32 MiB for 1 000 indicators).
func DefaultMaxPageBytes(pageSize int) int64 { return int64(max(pageSize, 1)) * IndicatorBytes }

// maxErrorBody is how much of an error answer is read: what trimBody keeps,
// and one more character to know it was cut.
const maxErrorBody = maxBodyInError + 4

// minBodyBuffer is the first capacity of a page buffer.
const minBodyBuffer = 64 << 10

// get performs one authenticated GET and returns the body of a 2xx answer,
// in a buffer of the client's pool. The buffer grows with the bytes
// actually received, never from the Content-Length the server announces,
// and never beyond MaxPageBytes: a larger body is refused. Of an error
// answer only the part the error quotes is read.
func (c *Client) get(ctx context.Context, url, token string) (*[]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	resp, err := c.opts.HTTPClient.Do(req)
	if err != nil {
		return nil, &transportError{fmt.Errorf("fetch page: %w", redactErr(err))}
	}
	defer resp.Body.Close()
	if isRedirect(resp.StatusCode) {
		return nil, redirectError("fetch page", resp)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, &APIError{
			Op: "fetch page", StatusCode: resp.StatusCode, Body: trimBody(head),
			retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), c.opts.Now()),
		}
	}
	limit := c.opts.MaxPageBytes
	if resp.ContentLength > limit {
		return nil, c.pageTooLarge(fmt.Sprintf("ThreatQ announced a page of %d bytes,", resp.ContentLength))
	}
	buf := c.getBuffer()
	var tooLarge bool
	*buf, tooLarge, err = readBody(resp.Body, *buf, limit)
	switch {
	case err != nil:
		c.putBuffer(buf)
		return nil, &transportError{fmt.Errorf("read page: %w", err)}
	case tooLarge:
		c.putBuffer(buf)
		return nil, c.pageTooLarge("the page is")
	}
	return buf, nil
}

// readBody reads r to its end into b[:0] and returns the bytes. The buffer
// doubles as bytes arrive, from minBodyBuffer up to limit: tooLarge reports
// a body with more than limit bytes (reading stops there).
func readBody(r io.Reader, b []byte, limit int64) (body []byte, tooLarge bool, err error) {
	b = b[:0]
	for {
		if len(b) == cap(b) {
			if int64(len(b)) >= limit {
				var one [1]byte
				n, err := io.ReadFull(r, one[:])
				if n > 0 {
					return b, true, nil
				}
				if err == io.EOF {
					return b, false, nil
				}
				return b, false, err
			}
			grown := make([]byte, len(b), min(max(2*int64(cap(b)), minBodyBuffer), limit))
			copy(grown, b)
			b = grown
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, false, nil
		}
		if err != nil {
			return b, false, err
		}
	}
}

// pageTooLarge is the error of a page above MaxPageBytes. It is not
// retried: the same page would be as large again.
func (c *Client) pageTooLarge(what string) error {
	return &APIError{Op: "fetch page", Reason: fmt.Sprintf(
		"%s larger than max_page_bytes (%d bytes): raise threatqbeat.max_page_bytes or lower page_size", what, c.opts.MaxPageBytes)}
}

// getBuffer returns a buffer from the pool.
func (c *Client) getBuffer() *[]byte {
	if buf, ok := c.buffers.Get().(*[]byte); ok {
		return buf
	}
	return new([]byte)
}

// putBuffer returns a buffer to the pool. sync.Pool drops what stays unused
// across garbage collections, so a large page does not pin its memory.
func (c *Client) putBuffer(buf *[]byte) {
	c.buffers.Put(buf)
}
