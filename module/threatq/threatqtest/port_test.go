package threatqtest

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

// Options.Port listens on that loopback port, and a port in use is an
// error rather than a silent move to the IPv6 loopback.
func TestServerListensOnTheGivenPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no IPv4 loopback:", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := New(Options{Port: port})
	defer s.Close()
	if want := "http://127.0.0.1:" + strconv.Itoa(port); s.URL() != want {
		t.Fatalf("URL %s, want %s", s.URL(), want)
	}
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(error).Error(), "address already in use") {
			t.Fatalf("a second server on the same port: %v", r)
		}
	}()
	New(Options{Port: port}).Close()
}
