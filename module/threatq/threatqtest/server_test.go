package threatqtest

import (
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListensOnLoopbackOnly(t *testing.T) {
	s := newServer(t, Options{})
	u, err := url.Parse(s.URL())
	require.NoError(t, err)
	assert.Equal(t, "http", u.Scheme)
	ip := net.ParseIP(u.Hostname())
	require.NotNil(t, ip)
	assert.True(t, ip.IsLoopback(), s.URL())
	assert.Nil(t, s.Certificate())
	assert.Nil(t, s.CertPool())
	assert.Equal(t, s.URL()+"/api/token", s.TokenURL())
	assert.Equal(t, s.URL()+"/api/indicators/query/hash/someid", s.CollectionURL("someid"))
}

func TestTLS(t *testing.T) {
	s := newServer(t, Options{TLS: true})
	require.True(t, strings.HasPrefix(s.URL(), "https://127.0.0.1:") || strings.HasPrefix(s.URL(), "https://[::1]:"), s.URL())
	cert := s.Certificate()
	require.NotNil(t, cert)
	assert.Contains(t, cert.DNSNames, "localhost")
	_, err := cert.Verify(x509.VerifyOptions{Roots: s.CertPool(), DNSName: "127.0.0.1"})
	assert.NoError(t, err)

	s.SetCollection("c", Generate(3, 1, t0))
	p := fetchPage(t, s, token(t, s), "c", pageQuery("*", 10))
	assert.Len(t, p.items(t), 3)

	// A client that does not trust the certificate is refused.
	plain := &http.Client{Transport: &http.Transport{}}
	defer plain.CloseIdleConnections()
	_, err = plain.Get(s.TokenURL())
	var unknown x509.UnknownAuthorityError
	assert.True(t, errors.As(err, &unknown), "got %v", err)
}

func TestCloseIsIdempotent(t *testing.T) {
	s := New(Options{})
	s.Close()
	s.Close()
	_, err := http.Get(s.TokenURL()) //nolint:noctx // the server is closed: nothing to wait for
	assert.Error(t, err)
}

func TestStatsAreCopies(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(3, 1, t0))
	tok := token(t, s)
	fetchPage(t, s, tok, "c", pageQuery("*", 10))
	st := s.Stats()
	st.Cursors["c"][0] = "changed"
	st.LastQuery.Set("sort", "changed")
	st.LastHeader.Set("Accept", "changed")
	again := s.Stats()
	assert.Equal(t, []string{"*"}, again.Cursors["c"])
	assert.Equal(t, "updated_at", again.LastQuery.Get("sort"))
	assert.Equal(t, "application/json", again.LastHeader.Get("Accept"))
	assert.Equal(t, "Bearer "+tok, again.LastHeader.Get("Authorization"))

	s.ResetStats()
	assert.Equal(t, Stats{Cursors: map[string][]string{}}, s.Stats())
}

// TestConcurrentPagingAndAppend runs clients while data arrives; run it
// with -race.
func TestConcurrentPagingAndAppend(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(500, 1, t0))
	tok := token(t, s)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // incremental updates, always newer
		defer wg.Done()
		next := Generate(400, 2, t0.Add(365*24*time.Hour))
		for i := 0; i < len(next); i += 20 {
			s.Append("c", next[i:i+20]...)
		}
	}()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cursor := "*"
			prev := ""
			for range 200 {
				resp, body := getPage(t, s, tok, "c", pageQuery(cursor, 37))
				if !assert.Equal(t, http.StatusOK, resp.StatusCode) {
					return
				}
				p := decodePage(t, resp, body)
				items := p.items(t)
				for _, h := range heads(t, items) {
					if !assert.Greater(t, h.UpdatedAt, prev, "never served out of order") {
						return
					}
					prev = h.UpdatedAt
				}
				cursor = p.NextCursorMark
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 900, s.Len("c"))
}
