package threat

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestIOCExpiryDurationRules: after the status rule, the shortest source
// expiry, then the indicator type's duration, then the default one.
func TestIOCExpiryDurationRules(t *testing.T) {
	ts := time.Date(2020, 11, 15, 0, 0, 2, 0, time.UTC)
	day := 24 * time.Hour
	checkExpiry(t, iocExpiry, []expiryCase{
		{"source before type and default", expiryInput{status: "Active", timestamp: ts, sourceExpiry: 30 * day, typeExpiration: 7 * day, duration: 90 * day}, ts.Add(30 * day), ReasonSourceExpireDays},
		{"type before default", expiryInput{status: "Active", timestamp: ts, typeExpiration: 7 * day, duration: 90 * day}, ts.Add(7 * day), ReasonTypeExpiration},
		{"type without a default", expiryInput{timestamp: ts, typeExpiration: 7 * day}, ts.Add(7 * day), ReasonTypeExpiration},
		{"source without a default", expiryInput{timestamp: ts, sourceExpiry: day}, ts.Add(day), ReasonSourceExpireDays},
		{"default", expiryInput{timestamp: ts, duration: 90 * day}, ts.Add(90 * day), ReasonDuration},
		{"status before the durations", expiryInput{status: "Whitelisted", timestamp: ts, sourceExpiry: day, typeExpiration: day, duration: day}, ts, ReasonStatusWhitelisted},
		{"expires_at before the durations", expiryInput{expiresAt: ts, hasExpiresAt: true, timestamp: ts, sourceExpiry: day, typeExpiration: day}, ts, ReasonExpiresAt},
	})
}

func TestMapSourceExpiry(t *testing.T) {
	day := 24 * time.Hour
	raw := func(sources string) string {
		return `{"id":5,"value":"198.51.100.5","type":{"name":"IP Address"},"status":{"name":"Active"},"updated_at":"2020-11-15 00:00:02","sources":[` + sources + `]}`
	}
	on := Settings{Expiration: 90 * day, UseSourceExpiry: true}
	for _, tt := range []struct {
		name, sources string
		wantAt        string // "" for the default duration
		wantErrs      []string
	}{
		{"shortest of several", `{"source_expire_days":"30"},{"source_expire_days":"7"},{"source_expire_days":"90"}`, "2020-11-22T00:00:02.000Z", nil},
		{"a JSON number", `{"source_expire_days":14}`, "2020-11-29T00:00:02.000Z", nil},
		{"0, null, empty or absent: no expiry from that source", `{"source_expire_days":"0"},{"source_expire_days":null},{"source_expire_days":""},{"name":"x"}`, "", nil},
		{"bad values are noted and skipped", `{"source_expire_days":"soon"},{"source_expire_days":"-3"},{"source_expire_days":"1.5"},{"source_expire_days":{}},{"source_expire_days":"999999"},{"source_expire_days":"10"}`,
			"2020-11-25T00:00:02.000Z", []string{
				`sources[0].source_expire_days: "soon" is not a whole number; ignored`,
				`sources[1].source_expire_days: -3 is negative; ignored`,
				`sources[2].source_expire_days: "1.5" is not a whole number; ignored`,
				`sources[3].source_expire_days: is an object, not a whole number; ignored`,
				`sources[4].source_expire_days: 999999 days is longer than threatqbeat can add (106751 days); ignored`,
			}},
		{"a null source is skipped", `null,{"source_expire_days":"2"}`, "2020-11-17T00:00:02.000Z", []string{"sources[0]: is null; element ignored"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ev := mustMap(t, raw(tt.sources), on)
			if tt.wantAt == "" {
				assert.Equal(t, ReasonDuration, field(t, ev, "threatq.ioc_expiration_reason"))
			} else {
				assert.Equal(t, tt.wantAt, field(t, ev, "threatq.ioc_expired_at"))
				assert.Equal(t, ReasonSourceExpireDays, field(t, ev, "threatq.ioc_expiration_reason"))
			}
			if tt.wantErrs == nil {
				assert.Nil(t, field(t, ev, "error.message"))
			} else {
				assert.Equal(t, tt.wantErrs, field(t, ev, "error.message"))
			}
			off := mustMap(t, raw(tt.sources), Settings{Expiration: 90 * day})
			assert.Equal(t, ReasonDuration, field(t, off, "threatq.ioc_expiration_reason"), "off by default")
			if msgs, _ := field(t, off, "error.message").([]string); len(msgs) > 0 {
				assert.NotContains(t, msgs[0], "source_expire_days", "not read, so not noted, when off")
			}
		})
	}
}

func TestMapExpirationByType(t *testing.T) {
	day := 24 * time.Hour
	s := Settings{Expiration: 90 * day, ExpirationByType: map[string]time.Duration{"IP Address": 7 * day, "SHA-256": 365 * day}}
	ev := mustMap(t, `{"id":5,"type":{"name":"IP Address"},"updated_at":"2020-11-15 00:00:02"}`, s)
	assert.Equal(t, "2020-11-22T00:00:02.000Z", field(t, ev, "threatq.ioc_expired_at"))
	assert.Equal(t, ReasonTypeExpiration, field(t, ev, "threatq.ioc_expiration_reason"))
	ev = mustMap(t, `{"id":5,"type":{"name":"FQDN"},"updated_at":"2020-11-15 00:00:02"}`, s)
	assert.Equal(t, ReasonDuration, field(t, ev, "threatq.ioc_expiration_reason"), "other types take the default")
	ev = mustMap(t, `{"id":5,"type":{"name":"ip address"},"updated_at":"2020-11-15 00:00:02"}`, s)
	assert.Equal(t, ReasonDuration, field(t, ev, "threatq.ioc_expiration_reason"), "type names are exact")
	s.UseSourceExpiry = true
	ev = mustMap(t, `{"id":5,"type":{"name":"IP Address"},"updated_at":"2020-11-15 00:00:02","sources":[{"source_expire_days":"30"}]}`, s)
	assert.Equal(t, ReasonSourceExpireDays, field(t, ev, "threatq.ioc_expiration_reason"), "the source before the type")
}
