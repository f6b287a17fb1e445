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
	t, err := time.ParseInLocation(threatqTimeLayout, s, time.UTC)
	if err != nil {
		var err2 error
		if t, err2 = time.Parse(time.RFC3339Nano, s); err2 != nil {
			return time.Time{}, fmt.Errorf("%q is not a time of the form YYYY-MM-DD HH:MM:SS", s)
		}
	}
	t = t.UTC()
	if !inDateRange(t) {
		return time.Time{}, fmt.Errorf("%q is outside years 0000-9999", s)
	}
	return t, nil
}

// inDateRange reports a time whose UTC year has four digits.
func inDateRange(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 0 && y <= 9999
}

// formatTime writes t as ISO-8601 in UTC with milliseconds.
func formatTime(t time.Time) string {
	return t.UTC().Format(isoLayout)
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
