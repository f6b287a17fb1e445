package collector

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestProgressLineFormat(t *testing.T) {
	p := Progress{Collection: "abc", Fetched: 42000, Total: 180000, Elapsed: 1354838 * time.Microsecond}
	require.Equal(t, "collection abc: 42 000 of 180 000 indicators (23 %), 31 000/s", p.String())
	require.Equal(t, "collection abc: 0 of 0 indicators, 0/s", Progress{Collection: "abc"}.String())
	p.Incremental, p.Fetched = true, 1500
	require.Equal(t, "collection abc: 1 500 new or updated indicators (the collection holds 180 000), 1 107/s", p.String())
}

func TestProgressThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1 000", 180000: "180 000", 1234567: "1 234 567", -4200: "-4 200"} {
		require.Equal(t, want, thousands(n))
	}
}
