package threatqtest

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Paths served by the simulator.
const (
	TokenPath      = "/api/token"
	CollectionPath = "/api/indicators/query/hash/"
)

const (
	defaultTokenTTL = 48 * time.Hour
	defaultLimit    = 100
	maxLimit        = 10000
	closeTimeout    = 5 * time.Second
	writeBufferSize = 64 << 10
)

// Options configure a Server. The zero value is a plain-HTTP server for the
// client "test"/"test" with 48-hour tokens.
type Options struct {
	// ClientID and ClientSecret are the accepted client credentials
	// (default "test" and "test", like Elastic's mock).
	ClientID, ClientSecret string
	// TokenTTL is the lifetime of issued tokens, sent as expires_in
	// (default 48h).
	TokenTTL time.Duration
	// Now is the clock used for token expiry (default time.Now).
	Now func() time.Time
	// EmptyDataAsObject makes a page with nothing after the cursor answer
	// "data": {} (as Elastic's mock does) instead of "data": [].
	EmptyDataAsObject bool
	// TLS serves HTTPS with a self-signed certificate for 127.0.0.1, ::1
	// and localhost; see Certificate, CertPool and Client.
	TLS bool
	// RequireAcceptJSON answers 406 to a collection request whose Accept
	// header does not allow application/json (Elastic's mock requires
	// "Accept: application/json").
	RequireAcceptJSON bool
	// Port is the loopback port to listen on; 0 picks a free one.
	Port int
}

// Server is a running ThreatQ API simulator. All methods are safe for
// concurrent use.
type Server struct {
	opts     Options
	url      string
	listener net.Listener
	srv      *http.Server
	cert     *x509.Certificate
	pool     *x509.CertPool
	client   *http.Client
	bufPool  sync.Pool
	inflight sync.WaitGroup
	done     chan struct{}
	close    sync.Once

	mu          sync.Mutex
	collections map[string]*collection
	tokens      map[string]time.Time // access token → expiry
	issued      []string             // every token issued, in order
	faults      []*queuedFault
	stats       Stats
}

// New creates a Server and starts it on a random loopback port. It panics
// if it cannot listen or, with Options.TLS, cannot create its certificate,
// like net/http/httptest.
func New(opts Options) *Server {
	if opts.ClientID == "" {
		opts.ClientID = "test"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "test"
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = defaultTokenTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:        opts,
		done:        make(chan struct{}),
		collections: make(map[string]*collection),
		tokens:      make(map[string]time.Time),
	}
	s.bufPool.New = func() any { return bufio.NewWriterSize(nil, writeBufferSize) }

	l, err := listenLoopbackPort(opts.Port)
	if err != nil {
		panic(fmt.Errorf("threatqtest: %w", err))
	}
	scheme := "http"
	transport := &http.Transport{ForceAttemptHTTP2: false}
	if opts.TLS {
		certificate, err := selfSignedCertificate(time.Now())
		if err != nil {
			l.Close()
			panic(fmt.Errorf("threatqtest: %w", err))
		}
		s.cert = certificate.Leaf
		s.pool = x509.NewCertPool()
		s.pool.AddCert(s.cert)
		l = tls.NewListener(l, &tls.Config{
			Certificates: []tls.Certificate{certificate},
			NextProtos:   []string{"http/1.1"},
			MinVersion:   tls.VersionTLS12,
		})
		transport.TLSClientConfig = &tls.Config{RootCAs: s.pool, MinVersion: tls.VersionTLS12}
		scheme = "https"
	}
	s.listener = l
	s.url = scheme + "://" + l.Addr().String()
	s.client = &http.Client{Transport: transport}
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go s.srv.Serve(l) //nolint:errcheck // Serve returns http.ErrServerClosed on Close.
	return s
}

// listenLoopback listens on a random port of the loopback interface.
func listenLoopback() (net.Listener, error) { return listenLoopbackPort(0) }

// listenLoopbackPort listens on port (0: a random one) of 127.0.0.1, or of
// ::1 when the machine has no IPv4 loopback. It never binds all interfaces.
func listenLoopbackPort(port int) (net.Listener, error) {
	p := strconv.Itoa(port)
	l, err := net.Listen("tcp", "127.0.0.1:"+p)
	if err == nil || errors.Is(err, syscall.EADDRINUSE) {
		return l, err
	}
	l, err6 := net.Listen("tcp", "[::1]:"+p)
	if err6 != nil {
		return nil, fmt.Errorf("listen on loopback: %w (IPv6: %w)", err, err6)
	}
	return l, nil
}

// URL is the base URL, e.g. "http://127.0.0.1:41234", without a trailing
// slash.
func (s *Server) URL() string { return s.url }

// TokenURL is URL() + "/api/token".
func (s *Server) TokenURL() string { return s.url + TokenPath }

// CollectionURL is the URL of the collection endpoint for id, without query.
func (s *Server) CollectionURL(id string) string { return s.url + CollectionPath + id }

// Certificate is the server's self-signed certificate, nil unless
// Options.TLS.
func (s *Server) Certificate() *x509.Certificate { return s.cert }

// CertPool holds Certificate, nil unless Options.TLS.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// Client returns an HTTP client for this server, with its own transport,
// that trusts Certificate when Options.TLS. Close closes its idle
// connections.
func (s *Server) Client() *http.Client { return s.client }

// Close stops the server: pending Delay faults end at once, and Close
// returns when every handler has returned. It is safe to call more than once.
func (s *Server) Close() {
	s.close.Do(func() {
		close(s.done)
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			s.srv.Close()
		}
		s.inflight.Wait()
		s.client.CloseIdleConnections()
	})
}

// serveHTTP routes a request to the token or the collection endpoint.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.inflight.Add(1)
	defer s.inflight.Done()
	switch {
	case r.URL.Path == TokenPath:
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeErrors(w, http.StatusMethodNotAllowed, "Method Not Allowed")
			return
		}
		s.serveToken(w, r)
	case strings.HasPrefix(r.URL.Path, CollectionPath):
		id := strings.TrimPrefix(r.URL.Path, CollectionPath)
		if id == "" || strings.Contains(id, "/") {
			writeErrors(w, http.StatusNotFound, "Not Found")
			return
		}
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			writeErrors(w, http.StatusMethodNotAllowed, "Method Not Allowed")
			return
		}
		s.servePage(w, r, id)
	default:
		writeErrors(w, http.StatusNotFound, "Not Found")
	}
}

// wait sleeps for d; it reports false when the request or the server ended
// first.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// hold waits until release is closed; it reports false when the request
// or the server ended first.
func (s *Server) hold(ctx context.Context, release <-chan struct{}) bool {
	select {
	case <-release:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}
