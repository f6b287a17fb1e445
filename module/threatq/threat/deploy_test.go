package threat

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestUndeployedReason(t *testing.T) {
	for _, tt := range []struct {
		status string
		deploy []string
		want   string // "" when deployed
	}{
		{"Active", nil, ""},
		{"Review", nil, ""},
		{"Indirect", nil, ""},
		{"My Custom Status", nil, ""},
		{"", nil, ""}, // no status: deployed by default
		{"Expired", nil, ReasonStatusExpired},
		{"Whitelisted", nil, ReasonStatusWhitelisted},
		{"whitelisted", nil, ""}, // names are exact, as ThreatQ writes them
		{"Active", []string{"Active"}, ""},
		{"Review", []string{"Active"}, ReasonStatusNotDeployed},
		{"active", []string{"Active"}, ReasonStatusNotDeployed},
		{"", []string{"Active"}, ReasonStatusNotDeployed}, // no status is not a listed one
		{"My Custom Status", []string{"Active", "My Custom Status"}, ""},
		// Expired and Whitelisted keep their own reason whatever the list says.
		{"Expired", []string{"Active"}, ReasonStatusExpired},
		{"Whitelisted", []string{"Active", "Whitelisted"}, ReasonStatusWhitelisted},
	} {
		got, undeployed := undeployedReason(tt.status, tt.deploy)
		assert.Equal(t, tt.want, got, "status %q, deploy_statuses %v", tt.status, tt.deploy)
		assert.Equal(t, tt.want != "", undeployed, "status %q, deploy_statuses %v", tt.status, tt.deploy)
	}
}

// TestIOCExpiryStatusRules: the not-deployed statuses come after expired_at
// and expires_at and before the durations, each with its reason.
func TestIOCExpiryStatusRules(t *testing.T) {
	ts := time.Date(2020, 11, 15, 0, 0, 2, 0, time.UTC)
	past := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	checkExpiry(t, iocExpiry, []expiryCase{
		{"Whitelisted without dates", expiryInput{status: "Whitelisted", timestamp: ts, duration: time.Hour}, ts, ReasonStatusWhitelisted},
		{"status not listed", expiryInput{status: "Review", deployStatuses: []string{"Active"}, timestamp: ts, duration: time.Hour}, ts, ReasonStatusNotDeployed},
		{"listed status takes the duration", expiryInput{status: "Active", deployStatuses: []string{"Active"}, timestamp: ts, duration: time.Hour}, ts.Add(time.Hour), ReasonDuration},
		{"expired_at before the status", expiryInput{status: "Whitelisted", expiredAt: past, hasExpiredAt: true, timestamp: ts}, past, ReasonExpiredAt},
		{"expires_at before the status", expiryInput{status: "Review", deployStatuses: []string{"Active"}, expiresAt: past, hasExpiresAt: true, timestamp: ts}, past, ReasonExpiresAt},
	})
}

// TestLifecycleExpiry: an indicator whose status is not deployed is never
// published active. A ThreatQ date (expired_at, expires_at) that is still
// ahead at the fetch time gives way to the status rule; one already passed
// keeps its rule and reason, as upstream.
func TestLifecycleExpiry(t *testing.T) {
	ts := time.Date(2020, 11, 15, 0, 0, 2, 0, time.UTC)
	fetched := time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)
	future := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	passed := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	rules := func(in expiryInput) (time.Time, string, bool) { return lifecycleExpiry(in, fetched) }
	cases := []expiryCase{
		{"Whitelisted with expires_at ahead", expiryInput{status: "Whitelisted", expiresAt: future, hasExpiresAt: true, timestamp: ts}, ts, ReasonStatusWhitelisted},
		{"Whitelisted with expired_at ahead", expiryInput{status: "Whitelisted", expiredAt: future, hasExpiredAt: true, timestamp: ts}, ts, ReasonStatusWhitelisted},
		{"Expired with expires_at ahead", expiryInput{status: "Expired", expiresAt: future, hasExpiresAt: true, timestamp: ts}, ts, ReasonStatusExpired},
		{"not listed with expires_at ahead", expiryInput{status: "Review", deployStatuses: []string{"Active"}, expiresAt: future, hasExpiresAt: true, timestamp: ts}, ts, ReasonStatusNotDeployed},
		{"Whitelisted with expires_at passed", expiryInput{status: "Whitelisted", expiresAt: passed, hasExpiresAt: true, timestamp: ts}, passed, ReasonExpiresAt},
		{"Expired with expired_at passed (upstream's fixtures)", expiryInput{status: "Expired", expiredAt: ts, hasExpiredAt: true, timestamp: ts}, ts, ReasonExpiredAt},
		{"Active with expires_at ahead stays active", expiryInput{status: "Active", expiresAt: future, hasExpiresAt: true, timestamp: ts}, future, ReasonExpiresAt},
		{"Whitelisted without dates", expiryInput{status: "Whitelisted", timestamp: ts, duration: time.Hour}, ts, ReasonStatusWhitelisted},
	}
	checkExpiry(t, rules, cases)
	for _, tt := range cases {
		if _, undeployed := undeployedReason(tt.in.status, tt.in.deployStatuses); undeployed {
			at, _, _ := rules(tt.in)
			assert.False(t, at.After(fetched), "%s: an undeployed indicator is inactive when fetched", tt.name)
		}
	}
	_, _, ok := lifecycleExpiry(expiryInput{status: "Active", timestamp: ts}, fetched)
	assert.False(t, ok, "no rule without a duration")
}

func TestMapDeployStatuses(t *testing.T) {
	raw := func(status, expiresAt string) string {
		s := `{"id":7,"value":"198.51.100.7","type":{"name":"IP Address"},"status":{"name":"` + status + `"},"updated_at":"2020-11-15 00:00:02"`
		if expiresAt != "" {
			s += `,"expires_at":"` + expiresAt + `"`
		}
		return s + "}"
	}
	s := Settings{Expiration: 90 * 24 * time.Hour}
	ev := mustMap(t, raw("Whitelisted", "2099-01-01 00:00:00"), s)
	assert.Equal(t, "2020-11-15T00:00:02.000Z", field(t, ev, "threatq.ioc_expired_at"))
	assert.Equal(t, ReasonStatusWhitelisted, field(t, ev, "threatq.ioc_expiration_reason"))

	ev = mustMap(t, raw("Review", ""), s)
	assert.Equal(t, ReasonDuration, field(t, ev, "threatq.ioc_expiration_reason"), "every status but Whitelisted and Expired is deployed by default")

	s.DeployStatuses = []string{"Active"}
	ev = mustMap(t, raw("Review", "2099-01-01 00:00:00"), s)
	assert.Equal(t, "2020-11-15T00:00:02.000Z", field(t, ev, "threatq.ioc_expired_at"))
	assert.Equal(t, ReasonStatusNotDeployed, field(t, ev, "threatq.ioc_expiration_reason"))

	ev = mustMap(t, raw("Active", ""), s)
	assert.Equal(t, "2021-02-13T00:00:02.000Z", field(t, ev, "threatq.ioc_expired_at"))
	assert.Equal(t, ReasonDuration, field(t, ev, "threatq.ioc_expiration_reason"))
}
