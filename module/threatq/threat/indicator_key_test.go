package threat

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestIndicatorKey: an indicator without id gets threatq.indicator_key, the
// same for every version of it and different for every other indicator; one
// with an id gets none (threatq.id is its identity).
func TestIndicatorKey(t *testing.T) {
	key := func(raw string) any {
		t.Helper()
		ev, err := Map([]byte(raw), Settings{}, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
		require.NoError(t, err)
		return ev.Fields["threatq"].(object)["indicator_key"]
	}
	ip := func(value, typ, updated string) string {
		return `{"value":"` + value + `","type":{"name":"` + typ + `"},"updated_at":"` + updated + `"}`
	}
	v1 := key(ip("198.51.100.7", "IP Address", "2026-01-01 00:00:00"))
	require.Equal(t, v1, key(ip("198.51.100.7", "IP Address", "2026-02-01 00:00:00")), "every version has the same key")
	require.NotEqual(t, v1, key(ip("198.51.100.8", "IP Address", "2026-01-01 00:00:00")))
	require.NotEqual(t, v1, key(ip("198.51.100.7", "CIDR Block", "2026-01-01 00:00:00")))
	require.Regexp(t, `^sha256-[0-9a-f]{32}$`, v1)
	long := key(ip("https://example.com/"+strings.Repeat("a", 5000), "URL", "2026-01-01 00:00:00"))
	require.Len(t, long, len("sha256-")+32, "a long value still makes a short key (keyword ignore_above)")

	require.Equal(t, "802", key(`{"indicator_id":802,"value":"198.51.100.7"}`))
	require.Equal(t, "802", key(`{"indicator_id":"802","value":"198.51.100.9","updated_at":"2026-02-01 00:00:00"}`))
	require.Nil(t, key(`{"id":801,"indicator_id":802,"value":"198.51.100.7"}`), "threatq.id is the identity")
	require.Equal(t, IndicatorKey(0, false, "FQDN", "a.example"), IndicatorKey(0, false, "FQDN", "a.example"))
	require.NotEqual(t, IndicatorKey(0, false, "FQDN", "a.example"), IndicatorKey(0, false, "FQDNa", ".example"), "type and value are separated")
}
