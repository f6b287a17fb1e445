package threat

import (
	"fmt"
	"math"
	"time"
)

// The reasons written to threatq.ioc_expiration_reason. They are exactly the
// Elastic integration's strings: users query on them.
const (
	ReasonExpiredAt     = "Expiration set by ThreatQ from expired_at field"
	ReasonExpiresAt     = "Expiration set by ThreatQ from expires_at field"
	ReasonStatusExpired = "Expiration set by Elastic when threatq.status is 'Expired'"
	ReasonDuration      = "Expiration set by Elastic from the integration's parameter `IOC Expiration Duration`"
)

// The reasons of threatqbeat's own rules. They are part of the interface
// too: dashboards and users query on them.
const (
	// ReasonStatusWhitelisted: the status is Whitelisted, which ThreatQ
	// defines as "poses no risk and should never be deployed".
	ReasonStatusWhitelisted = "Expiration set by threatqbeat when threatq.status is 'Whitelisted'"
	// ReasonStatusNotDeployed: deploy_statuses is set and does not list
	// the status (or the indicator has none).
	ReasonStatusNotDeployed = "Expiration set by threatqbeat when threatq.status is not in deploy_statuses"
	// ReasonSourceExpireDays: use_source_expiry is on and a source sets
	// source_expire_days; the shortest is used.
	ReasonSourceExpireDays = "Expiration set by threatqbeat from the shortest sources[].source_expire_days"
	// ReasonTypeExpiration: ioc_expiration_by_type has the indicator's type.
	ReasonTypeExpiration = "Expiration set by threatqbeat from the parameter `ioc_expiration_by_type`"
)

// expiryInput is what the expiry rules look at.
type expiryInput struct {
	expiredAt, expiresAt       time.Time
	hasExpiredAt, hasExpiresAt bool
	status                     string        // status name, "" when absent
	deployStatuses             []string      // Settings.DeployStatuses
	timestamp                  time.Time     // @timestamp: updated_at, or the fetch time
	sourceExpiry               time.Duration // shortest source_expire_days (use_source_expiry); 0: none
	typeExpiration             time.Duration // ioc_expiration_by_type of the type; 0: none
	duration                   time.Duration // Settings.Expiration; 0 disables the last rule
}

// iocExpiry computes threatq.ioc_expired_at and its reason: the first rule
// that applies wins (mapping-decisions.md §C.1).
//
//  1. expired_at is set: that time.
//  2. expires_at is set: that time.
//  3. the status is not deployed: @timestamp. Expired (upstream compares
//     the status object with the string since 1.32.0, so this rule never
//     fires there; here it does), Whitelisted, or a status that
//     deploy_statuses does not list, each with its own reason.
//  4. use_source_expiry is on and a source sets source_expire_days:
//     @timestamp + the shortest of them.
//  5. ioc_expiration_by_type has the indicator's type: @timestamp + that
//     duration.
//  6. a duration is configured: @timestamp + duration. @timestamp is
//     updated_at, as upstream, or the fetch time when updated_at is absent
//     (upstream sets nothing then).
//
// ok is false when no rule applies. lifecycleExpiry adds the one exception
// to this order.
func iocExpiry(in expiryInput) (at time.Time, reason string, ok bool) {
	switch {
	case in.hasExpiredAt:
		return in.expiredAt, ReasonExpiredAt, true
	case in.hasExpiresAt:
		return in.expiresAt, ReasonExpiresAt, true
	}
	if reason, undeployed := undeployedReason(in.status, in.deployStatuses); undeployed {
		return in.timestamp, reason, true
	}
	switch {
	case in.sourceExpiry != 0:
		return in.timestamp.Add(in.sourceExpiry), ReasonSourceExpireDays, true
	case in.typeExpiration != 0:
		return in.timestamp.Add(in.typeExpiration), ReasonTypeExpiration, true
	case in.duration != 0:
		return in.timestamp.Add(in.duration), ReasonDuration, true
	}
	return time.Time{}, "", false
}

// lifecycleExpiry is iocExpiry with one exception: an indicator whose
// status is not deployed is never published active. When expired_at or
// expires_at (rules 1 and 2) is still ahead of fetched, the fetch time, the
// status rule (3) applies instead: a Whitelisted indicator whose expires_at
// is a month away leaves the active indicators now, not in a month. A
// ThreatQ date already passed keeps its rule and reason, as upstream (an
// Expired indicator's expired_at, typically).
func lifecycleExpiry(in expiryInput, fetched time.Time) (at time.Time, reason string, ok bool) {
	at, reason, ok = iocExpiry(in)
	if ok && at.After(fetched) {
		if statusReason, undeployed := undeployedReason(in.status, in.deployStatuses); undeployed {
			return in.timestamp, statusReason, true
		}
	}
	return at, reason, ok
}

// ParseExpiration parses ioc_expiration_duration: a whole number followed by
// d (days), h (hours) or m (minutes), e.g. "90d". Anything else is an error
// for the configuration to report at start-up; it is never a per-event error.
func ParseExpiration(v string) (time.Duration, error) {
	bad := fmt.Errorf("invalid duration %q: want a whole number followed by d, h or m (e.g. 90d, 12h, 30m)", v)
	if len(v) < 2 {
		return 0, bad
	}
	var unit time.Duration
	switch v[len(v)-1] {
	case 'd':
		unit = 24 * time.Hour
	case 'h':
		unit = time.Hour
	case 'm':
		unit = time.Minute
	default:
		return 0, bad
	}
	var n int64
	for _, c := range v[:len(v)-1] {
		if c < '0' || c > '9' {
			return 0, bad
		}
		n = n*10 + int64(c-'0')
		if n > math.MaxInt64/int64(unit) {
			return 0, fmt.Errorf("invalid duration %q: too long", v)
		}
	}
	return time.Duration(n) * unit, nil
}
