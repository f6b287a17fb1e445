package threat

import (
	"math/rand/v2"
	"testing"
	"time"
)

// parseThreatQTimeReference is parseThreatQTime without its fast path.
func parseThreatQTimeReference(s string) (time.Time, error) {
	t, err := time.ParseInLocation(threatqTimeLayout, s, time.UTC)
	if err != nil {
		var err2 error
		if t, err2 = time.Parse(time.RFC3339Nano, s); err2 != nil {
			return time.Time{}, err2
		}
	}
	return t.UTC(), nil
}

func checkParseThreatQTime(t *testing.T, s string) {
	t.Helper()
	got, err := parseThreatQTime(s)
	want, werr := parseThreatQTimeReference(s)
	if werr == nil && !inDateRange(want) {
		werr = errOutOfRange
	}
	if (err != nil) != (werr != nil) {
		t.Fatalf("parseThreatQTime(%q): error %v, time.Parse: %v", s, err, werr)
	}
	if err == nil && (!got.Equal(want) || got.Location() != time.UTC) {
		t.Fatalf("parseThreatQTime(%q) = %v, time.Parse: %v", s, got, want)
	}
}

// errOutOfRange stands for parseThreatQTime's range error in the reference.
var errOutOfRange = errSentinel("outside years 0000-9999")

type errSentinel string

func (e errSentinel) Error() string { return string(e) }

// TestParseThreatQLayoutMatchesTimeParse compares the fast path with the
// time package on valid times of every day of several years and on strings
// that are almost valid.
func TestParseThreatQLayoutMatchesTimeParse(t *testing.T) {
	for d := time.Date(2023, 12, 25, 0, 0, 0, 0, time.UTC); d.Year() < 2025; d = d.Add(26*time.Hour + 17*time.Minute + 13*time.Second) {
		s := d.Format(threatqTimeLayout)
		checkParseThreatQTime(t, s)
		if _, ok := parseThreatQLayout(s); !ok && d.Day() <= 28 {
			t.Fatalf("fast path refused %q", s)
		}
	}
	for _, s := range []string{
		"2024-02-29 10:00:00", "2023-02-29 10:00:00", "2024-04-31 10:00:00", "2024-13-01 00:00:00",
		"2024-00-10 00:00:00", "2024-01-00 00:00:00", "2024-01-10 24:00:00", "2024-01-10 23:60:00",
		"2024-01-10 23:59:60", "2024-01-10T23:59:59", "2024-01-10 23:59:5x", "+024-01-10 23:59:59",
		"2024-01-10 23:59:59.5", "2024-1-10 23:59:59", "0000-01-01 00:00:00", "9999-12-28 23:59:59",
		"2024-01-10T23:59:59Z", "2024-01-10T23:59:59+02:00", "", "2024-01-10 -3:59:59",
	} {
		checkParseThreatQTime(t, s)
	}
}

// TestFormatTimeMatchesTimeFormat compares formatTime with time.Format on
// random instants across years 0000-9999, in and out of UTC.
func TestFormatTimeMatchesTimeFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	zone := time.FixedZone("x", 5*3600+30*60)
	lo := time.Date(0, 1, 2, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(9999, 12, 30, 0, 0, 0, 0, time.UTC).Unix()
	for i := 0; i < 100000; i++ {
		tm := time.Unix(lo+r.Int64N(hi-lo), r.Int64N(1e9))
		if i%2 == 0 {
			tm = tm.In(zone)
		}
		if got, want := formatTime(tm), tm.UTC().Format(isoLayout); got != want {
			t.Fatalf("formatTime(%v) = %s, time.Format: %s", tm, got, want)
		}
	}
	for _, tm := range []time.Time{
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC),
	} {
		if got, want := formatTime(tm), tm.UTC().Format(isoLayout); got != want {
			t.Fatalf("formatTime(%v) = %s, time.Format: %s", tm, got, want)
		}
	}
}

func FuzzParseThreatQTime(f *testing.F) {
	for _, s := range []string{"2020-11-15 00:00:02", "2024-02-29 10:00:00", "2024-01-10 23:59:60", "2020-11-15T00:00:02Z", "9999-12-31 23:59:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkParseThreatQTime(t, s)
	})
}

func BenchmarkParseAndFormatTime(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		tm, err := parseThreatQTime("2020-11-15 00:00:02")
		if err != nil {
			b.Fatal(err)
		}
		_ = formatTime(tm)
	}
}

// BenchmarkParseAndFormatTimePackage is the same with the time package
// alone, for comparison.
func BenchmarkParseAndFormatTimePackage(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		tm, err := parseThreatQTimeReference("2020-11-15 00:00:02")
		if err != nil {
			b.Fatal(err)
		}
		_ = tm.UTC().Format(isoLayout)
	}
}
