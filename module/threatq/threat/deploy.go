package threat

import "slices"

// ThreatQ's built-in status names. ThreatQ also has custom statuses; names
// are compared exactly, as ThreatQ writes them.
const (
	StatusActive      = "Active"
	StatusIndirect    = "Indirect"
	StatusReview      = "Review"
	StatusWhitelisted = "Whitelisted" // "poses no risk and should never be deployed"
	StatusExpired     = "Expired"
)

// BuiltinStatuses are ThreatQ's built-in status names.
var BuiltinStatuses = []string{StatusActive, StatusIndirect, StatusReview, StatusWhitelisted, StatusExpired}

// NeverDeployed reports a status whose indicators are never deployed,
// whatever Settings.DeployStatuses lists: Whitelisted and Expired.
func NeverDeployed(status string) bool {
	return status == StatusWhitelisted || status == StatusExpired
}

// undeployedReason says whether an indicator with this status name ("" when
// it has none) is not to be deployed, and the ioc_expiration_reason that
// says why. deploy is Settings.DeployStatuses: nil deploys every status but
// Whitelisted and Expired; otherwise only the statuses listed (an indicator
// without a status is then not deployed).
func undeployedReason(status string, deploy []string) (string, bool) {
	switch {
	case status == StatusExpired:
		return ReasonStatusExpired, true
	case status == StatusWhitelisted:
		return ReasonStatusWhitelisted, true
	case deploy != nil && (status == "" || !slices.Contains(deploy, status)):
		return ReasonStatusNotDeployed, true
	}
	return "", false
}
