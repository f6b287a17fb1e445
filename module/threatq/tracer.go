package threatq

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/elastic/elastic-agent-libs/file"
)

// redacted replaces every secret in a trace.
const redacted = "[redacted]"

// maxTracedBody bounds how much of a body one trace line keeps.
const maxTracedBody = 4 << 10

// secretHeaders are request and response headers whose values are never traced.
var secretHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"}

// secretKeys are form fields and JSON members whose values are never traced.
var secretKeys = map[string]bool{
	"access_token": true, "refresh_token": true, "id_token": true,
	"client_secret": true, "password": true, "token": true,
}

// TraceFiles is the glob of the files a tracer writing to base creates.
func TraceFiles(base string) string { return base + "-*.ndjson" }

// RemoveTraces deletes the files of a tracer writing to base, so that a
// disabled tracer leaves nothing behind.
func RemoveTraces(base string) error {
	files, err := filepath.Glob(TraceFiles(base))
	if err != nil {
		return fmt.Errorf("list trace files: %w", err)
	}
	for _, f := range files {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("remove trace file: %w", err)
		}
	}
	return nil
}

// Tracer records every request to ThreatQ and its response as one JSON line
// in rotated files (mode 0600), with credentials, tokens and cookies
// replaced by "[redacted]" and bodies cut at 4 KiB. It is for debugging.
type Tracer struct {
	mu  sync.Mutex
	out io.WriteCloser
	now func() time.Time
}

// NewTracer writes to base-<date>.ndjson with size-based rotation.
func NewTracer(base string, maxSizeMB, maxBackups uint) (*Tracer, error) {
	r, err := file.NewFileRotator(base, file.MaxSizeBytes(maxSizeMB<<20), file.MaxBackups(maxBackups),
		file.Permissions(0o600), file.RotateOnStartup(false))
	if err != nil {
		return nil, fmt.Errorf("open request trace: %w", err)
	}
	return &Tracer{out: r, now: time.Now}, nil
}

// Close closes the trace file.
func (t *Tracer) Close() error { return t.out.Close() }

// Wrap returns a RoundTripper that traces every exchange through rt.
func (t *Tracer) Wrap(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return &tracingTransport{next: rt, t: t}
}

type tracingTransport struct {
	next http.RoundTripper
	t    *Tracer
}

type traceLine struct {
	Time     time.Time     `json:"@timestamp"`
	Method   string        `json:"http.request.method"`
	URL      string        `json:"url.full"`
	ReqHdr   http.Header   `json:"http.request.headers,omitempty"`
	ReqBody  string        `json:"http.request.body,omitempty"`
	Status   int           `json:"http.response.status_code,omitempty"`
	RespHdr  http.Header   `json:"http.response.headers,omitempty"`
	RespBody string        `json:"http.response.body,omitempty"`
	Error    string        `json:"error.message,omitempty"`
	Duration time.Duration `json:"event.duration"`
}

func (tt *tracingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	line := traceLine{Time: tt.t.now().UTC(), Method: req.Method, URL: redactURL(req.URL), ReqHdr: redactHeaders(req.Header)}
	if req.Body != nil && req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(body, maxTracedBody))
			body.Close()
			line.ReqBody = redactBody(b, req.Header.Get("Content-Type"))
		}
	}
	start := time.Now()
	resp, err := tt.next.RoundTrip(req)
	line.Duration = time.Since(start)
	if err != nil {
		line.Error = err.Error()
		tt.t.write(line)
		return resp, err
	}
	line.Status = resp.StatusCode
	line.RespHdr = redactHeaders(resp.Header)
	// Only the start of the body is traced, so only that much is read
	// ahead; the caller reads the rest (and applies its own limits).
	head, rerr := io.ReadAll(io.LimitReader(resp.Body, maxTracedBody+1))
	if rerr != nil {
		resp.Body.Close()
		line.Error = rerr.Error()
	}
	line.RespBody = redactBody(head, resp.Header.Get("Content-Type"))
	tt.t.write(line)
	if rerr != nil {
		return nil, rerr
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	return resp, nil
}

func (t *Tracer) write(line traceLine) {
	b, err := json.Marshal(line)
	if err != nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, _ = t.out.Write(append(b, '\n'))
}

func redactHeaders(h http.Header) http.Header {
	c := h.Clone()
	for _, k := range secretHeaders {
		if c.Get(k) != "" {
			c.Set(k, redacted)
		}
	}
	return c
}

// redactBody returns a body for the trace with every secret value replaced:
// form bodies field by field, JSON objects member by member (recursively);
// anything else is kept, cut at maxTracedBody.
func redactBody(b []byte, contentType string) string {
	if strings.Contains(contentType, "application/x-www-form-urlencoded") {
		if form, err := url.ParseQuery(string(b)); err == nil {
			for k := range form {
				if secretKeys[strings.ToLower(k)] {
					form.Set(k, redacted)
				}
			}
			return form.Encode()
		}
		return redacted
	}
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) > 0 && trimmed[0] == '{' && len(trimmed) <= 1<<20 {
		var v any
		if json.Unmarshal(trimmed, &v) == nil {
			redactJSON(v)
			if out, err := json.Marshal(v); err == nil {
				return cut(out)
			}
		}
	}
	if bytes.Contains(bytes.ToLower(b), []byte("token")) {
		// Not parseable but may carry a token: keep nothing.
		return redacted
	}
	return cut(b)
}

func redactJSON(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if secretKeys[strings.ToLower(k)] {
				t[k] = redacted
				continue
			}
			redactJSON(val)
		}
	case []any:
		for _, e := range t {
			redactJSON(e)
		}
	}
}

func cut(b []byte) string {
	if len(b) > maxTracedBody {
		return string(b[:maxTracedBody]) + "…"
	}
	return string(b)
}
