package threat

import (
	"fmt"
	"time"
)

const (
	// threatqTimeLayout is how ThreatQ writes times: no zone, UTC implied.
	threatqTimeLayout = "2006-01-02 15:04:05"
	// isoLayout is how every date is written: ISO-8601 in UTC with
	// milliseconds, e.g. 2020-11-15T00:00:02.000Z.
	isoLayout = "2006-01-02T15:04:05.000Z"
)

// parseThreatQTime reads a ThreatQ time "YYYY-MM-DD HH:MM:SS" (optionally
// with a fraction of a second) as UTC. An RFC 3339 time with a zone is also
// accepted, as a safety net. The year must be 0000-9999 once in UTC, so that
// the formatted value is a date Elasticsearch accepts.
func parseThreatQTime(s string) (time.Time, error) {
	if t, ok := parseThreatQLayout(s); ok {
		return t, nil // always in range: the year has four digits
	}
	t, err := time.ParseInLocation(threatqTimeLayout, s, time.UTC)
	if err != nil {
		var err2 error
		if t, err2 = time.Parse(time.RFC3339Nano, s); err2 != nil {
			return time.Time{}, fmt.Errorf("%s is not a time of the form YYYY-MM-DD HH:MM:SS", quote(s))
		}
	}
	t = t.UTC()
	if !inDateRange(t) {
		return time.Time{}, fmt.Errorf("%s is outside years 0000-9999", quote(s))
	}
	return t, nil
}

// inDateRange reports a time whose UTC year has four digits.
func inDateRange(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 0 && y <= 9999
}

// formatTime writes t as ISO-8601 in UTC with milliseconds (truncated, as
// time.Format does). Years 0000-9999 are written directly, the others by
// time.Format.
func formatTime(t time.Time) string {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format(isoLayout)
	}
	hour, minute, sec := t.Clock()
	var b [len(isoLayout)]byte
	putDigits(b[0:4], year)
	b[4] = '-'
	putDigits(b[5:7], int(month))
	b[7] = '-'
	putDigits(b[8:10], day)
	b[10] = 'T'
	putDigits(b[11:13], hour)
	b[13] = ':'
	putDigits(b[14:16], minute)
	b[16] = ':'
	putDigits(b[17:19], sec)
	b[19] = '.'
	putDigits(b[20:23], t.Nanosecond()/int(time.Millisecond))
	b[23] = 'Z'
	return string(b[:])
}

// date reads an optional ThreatQ time field. ok is false when the field is
// absent, null or "" (no field, no error).
func (v value) date() (t time.Time, ok bool, err error) {
	s, ok, err := v.str()
	if !ok || err != nil {
		return time.Time{}, false, err
	}
	t, err = parseThreatQTime(s)
	if err != nil {
		return time.Time{}, false, err
	}
	return t, true, nil
}

// parseThreatQLayout is the fast path of parseThreatQTime for the form
// ThreatQ writes, exactly "YYYY-MM-DD HH:MM:SS" with fields in range and a
// day of at most 28 (valid in every month). ok is false for anything else,
// which time.ParseInLocation then decides: the results are the same
// (TestParseThreatQLayoutMatchesTimeParse, FuzzParseThreatQTime).
func parseThreatQLayout(s string) (t time.Time, ok bool) {
	if len(s) != len(threatqTimeLayout) || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 ||
		month < 1 || month > 12 || day < 1 || day > 28 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC), true
}

// digits reads a non-negative decimal number of ASCII digits only.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// putDigits writes n, zero-padded, into all of b.
func putDigits(b []byte, n int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}
