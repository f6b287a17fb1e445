package threat

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfidence(t *testing.T) {
	for score, want := range map[int64]string{
		-1: "", 0: "Low", 4: "Low", 5: "Medium", 7: "Medium", 8: "High", 10: "High", 11: "", 15: "",
	} {
		got, ok := confidence(score)
		assert.Equal(t, want, got, "score %d", score)
		assert.Equal(t, want != "", ok, "score %d", score)
	}
}

func TestNormaliseTLP(t *testing.T) {
	for in, want := range map[string]string{
		"AMBER": "AMBER", "TLP:amber": "AMBER", "tlp:CLEAR": "CLEAR", "TLP:WHITE": "WHITE",
		" green ": "GREEN", "TLP: RED": "RED", "amber+strict": "AMBER+STRICT",
		"testtlp": "", "TLP:PURPLE": "", "": "", "TLP:": "", "AMBER STRICT": "",
	} {
		got, ok := normaliseTLP(in)
		assert.Equal(t, want, got, "tlp_name %q", in)
		assert.Equal(t, want != "", ok, "tlp_name %q", in)
	}
}

func TestIOCExpiry(t *testing.T) {
	ts := time.Date(2020, 11, 15, 0, 0, 2, 0, time.UTC)
	expired := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	expires := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		in         expiryInput
		wantAt     time.Time
		wantReason string
	}{
		{"expired_at wins over everything",
			expiryInput{expiredAt: expired, hasExpiredAt: true, expiresAt: expires, hasExpiresAt: true, status: "Expired", timestamp: ts, duration: time.Hour},
			expired, "Expiration set by ThreatQ from expired_at field"},
		{"expires_at before status",
			expiryInput{expiresAt: expires, hasExpiresAt: true, status: "Expired", timestamp: ts, duration: time.Hour},
			expires, "Expiration set by ThreatQ from expires_at field"},
		{"status Expired uses @timestamp",
			expiryInput{status: "Expired", timestamp: ts, duration: 90 * 24 * time.Hour},
			ts, "Expiration set by Elastic when threatq.status is 'Expired'"},
		{"status Expired without a duration",
			expiryInput{status: "Expired", timestamp: ts},
			ts, "Expiration set by Elastic when threatq.status is 'Expired'"},
		{"status compare is exact",
			expiryInput{status: "expired", timestamp: ts, duration: 5 * 24 * time.Hour},
			time.Date(2020, 11, 20, 0, 0, 2, 0, time.UTC), "Expiration set by Elastic from the integration's parameter `IOC Expiration Duration`"},
		{"duration from @timestamp (upstream example: 5d)",
			expiryInput{status: "Active", timestamp: time.Date(2019, 11, 15, 0, 0, 2, 0, time.UTC), duration: 5 * 24 * time.Hour},
			time.Date(2019, 11, 20, 0, 0, 2, 0, time.UTC), "Expiration set by Elastic from the integration's parameter `IOC Expiration Duration`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, reason, ok := iocExpiry(tt.in)
			require.True(t, ok)
			assert.Equal(t, tt.wantAt, at)
			assert.Equal(t, tt.wantReason, reason)
		})
	}
	t.Run("no rule applies without a duration", func(t *testing.T) {
		_, _, ok := iocExpiry(expiryInput{status: "Active", timestamp: ts})
		assert.False(t, ok)
	})
}

func TestParseExpiration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90d": 90 * 24 * time.Hour, "12h": 12 * time.Hour, "30m": 30 * time.Minute, "0d": 0, "007h": 7 * time.Hour,
	} {
		got, err := ParseExpiration(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "d", "90", "90s", "1w", "90D", "1.5d", "xd", "-5d", "+5d", " 5d", "5 d", "99999999999999d"} {
		_, err := ParseExpiration(in)
		require.Error(t, err, "%q must be rejected", in)
		if in != "99999999999999d" {
			assert.Contains(t, err.Error(), "whole number followed by d, h or m", in)
		}
	}
}

func TestParseThreatQTime(t *testing.T) {
	for in, want := range map[string]string{
		"2020-11-15 00:00:02":       "2020-11-15T00:00:02.000Z",
		"2020-11-15 00:00:02.5":     "2020-11-15T00:00:02.500Z",
		"2020-11-15T01:00:02+01:00": "2020-11-15T00:00:02.000Z",
		"0000-01-01 00:00:00":       "0000-01-01T00:00:00.000Z",
	} {
		got, err := parseThreatQTime(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, formatTime(got), in)
	}
	for _, in := range []string{"2020-13-01 00:00:00", "2020-11-15", "15/11/2020 00:00:02", "yesterday", "0000-01-01T00:30:00+01:00"} {
		_, err := parseThreatQTime(in)
		assert.Error(t, err, in)
	}
}

func TestDocumentID(t *testing.T) {
	updated := time.Date(2020, 11, 15, 0, 0, 2, 0, time.UTC)
	assert.Equal(t, "336-1605398402000", DocumentID(336, true, updated, true, []byte(`{"a":1}`)))
	// Only (id, updated_at) count: other bytes may differ (touched_at).
	assert.Equal(t, DocumentID(336, true, updated, true, []byte(`{"x":2}`)), DocumentID(336, true, updated, true, nil))
	assert.NotEqual(t, DocumentID(336, true, updated, true, nil), DocumentID(336, true, updated.Add(time.Second), true, nil))
	fallback := DocumentID(0, false, time.Time{}, false, []byte(`{"value":"x"}`))
	assert.Regexp(t, `^sha256-[0-9a-f]{32}$`, fallback)
	assert.Equal(t, fallback, DocumentID(0, false, time.Time{}, false, []byte(`{"value":"x"}`)))
	assert.NotEqual(t, fallback, DocumentID(0, false, time.Time{}, false, []byte(`{"value":"y"}`)))
	assert.Equal(t, fallback, DocumentID(0, false, time.Time{}, false, []byte("{ \"value\" :\n \"x\" }\n")), "spacing does not change the id")
	assert.NotEqual(t, fallback, DocumentID(7, true, time.Time{}, false, []byte(`{"value":"x","id":7}`)))
}

func TestLookupIndicatorType(t *testing.T) {
	type row struct{ ecsType, field, related string }
	want := map[string]row{
		"IP Address":    {"ipv4-addr", "ip", "ip"},
		"IPv6 Address":  {"ipv6-addr", "ip", "ip"},
		"FQDN":          {"domain-name", "url.domain", ""},
		"URL":           {"url", "url.original", ""},
		"Email Address": {"email-addr", "email.address", ""},
		"MD5":           {"file", "file.hash.md5", "hash"},
		"SHA-1":         {"file", "file.hash.sha1", "hash"},
		"SHA-256":       {"file", "file.hash.sha256", "hash"},
		"SHA-384":       {"file", "file.hash.sha384", "hash"},
		"SHA-512":       {"file", "file.hash.sha512", "hash"},
		"Filename":      {"file", "file.name", ""},
		"x509 Serial":   {"x509-certificate", "x509.serial_number", ""},
	}
	for name, w := range want {
		it, ok := lookupIndicatorType(name)
		require.True(t, ok, name)
		assert.Equal(t, w, row{it.ecsType, it.field, it.related}, name)
	}
	mapped := make([]string, 0, len(want))
	for name := range want {
		mapped = append(mapped, name)
	}
	assert.ElementsMatch(t, mapped, MappedTypes, "MappedTypes lists the types of the table")
	for _, name := range []string{"ip address", "CIDR Block", "File Path", "", "SHA384"} {
		_, ok := lookupIndicatorType(name)
		assert.False(t, ok, "%q must not be mapped", name)
	}
}

func TestNormaliseAttributeName(t *testing.T) {
	for in, want := range map[string]string{
		"AlienVault Threat Level": "alienvault_threat_level", "Country": "country",
		"Open  Ports": "open__ports", "already_ok": "already_ok", "Dotted.Name": "dotted.name",
	} {
		assert.Equal(t, want, normaliseAttributeName(in), in)
	}
}
