package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLifecycleValidation(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"deploy_statuses: []", "threatqbeat.deploy_statuses must list at least one status"},
		{"deploy_statuses: [Active, Active]", `threatqbeat.deploy_statuses lists "Active" twice`},
		{`deploy_statuses: [Active, ""]`, "threatqbeat.deploy_statuses[1] is empty"},
		{`deploy_statuses: [" Active"]`, `threatqbeat.deploy_statuses[0] " Active" is not a ThreatQ status name: names are exact (letter case, spaces); did you mean "Active"?`},
		{"deploy_statuses: [active]", `threatqbeat.deploy_statuses[0] "active" is not a ThreatQ status name`},
		{`deploy_statuses: ["Custom "]`, `threatqbeat.deploy_statuses[0] "Custom " begins or ends with white space`},
		{"deploy_statuses: [Active, Whitelisted]", "threatqbeat.deploy_statuses[1] Whitelisted is never deployed"},
		{"deploy_statuses: [Expired]", "threatqbeat.deploy_statuses[0] Expired is never deployed"},
		{"collections: [{id: a, deploy_statuses: [Review, Review]}]", `threatqbeat.collections[0].deploy_statuses lists "Review" twice`},
	} {
		_, err := unpack(t, minimal+tt.yaml+"\n")
		require.Error(t, err, tt.yaml)
		require.Contains(t, err.Error(), tt.want, tt.yaml)
	}
}

func TestCurationValidation(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"min_score: 11", "threatqbeat.min_score must be a whole number from 0 to 10, got 11"},
		{"min_score: -1", "threatqbeat.min_score must be a whole number from 0 to 10, got -1"},
		{"min_score: 5.5", "threatqbeat.min_score must be a whole number from 0 to 10, got 5.5"},
		{"max_tlp: purple", `threatqbeat.max_tlp "purple" is not a TLP level: use one of clear, white, green, amber, amber+strict, red`},
		{"collections: [{id: a, max_tlp: amber strict}]", `threatqbeat.collections[0].max_tlp "amber strict" is not a TLP level`},
		{"types: [ip address]", `threatqbeat.types[0] "ip address" is not a ThreatQ indicator type name: names are exact (letter case, spaces); did you mean "IP Address"?`},
		{"exclude_types: [SHA256]", `threatqbeat.exclude_types[0] "SHA256" is not a ThreatQ indicator type name`},
		{"types: [FQDN, FQDN]", `threatqbeat.types lists "FQDN" twice`},
		{`types: [""]`, "threatqbeat.types[0] is empty"},
		{"types: [FQDN, URL]\nexclude_types: [URL]", `"URL" is in both threatqbeat.types and threatqbeat.exclude_types`},
		{"types: [FQDN, URL]\ncollections: [{id: a, exclude_types: [URL]}]",
			`"URL" is in both threatqbeat.types and threatqbeat.collections[0].exclude_types`},
		{"exclude_types: [URL]\ncollections: [{id: a, types: [URL]}]",
			`"URL" is in both threatqbeat.collections[0].types and threatqbeat.exclude_types`},
	} {
		_, err := unpack(t, minimal+tt.yaml+"\n")
		require.Error(t, err, tt.yaml)
		require.Contains(t, err.Error(), tt.want, tt.yaml)
	}
	// A conflict at the top level is reported once, not per collection.
	_, err := unpack(t, minimal+"types: [URL]\nexclude_types: [URL]\ncollections: [{id: a}, {id: b}]\n")
	require.Equal(t, 1, strings.Count(err.Error(), "is in both"), err.Error())
	// A collection that replaces one of the lists resolves the conflict.
	_, err = unpack(t, minimal+"types: [URL]\ncollections: [{id: a, exclude_types: [FQDN]}]\n")
	require.NoError(t, err)
}

func TestExpiryOptionsValidation(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"ioc_expiration_by_type: {IP Address: 7x}", `threatqbeat.ioc_expiration_by_type "IP Address": "7x" is invalid: use a whole number of at least 1 followed by d (days), h (hours) or m (minutes), e.g. 7d`},
		{"ioc_expiration_by_type: {IP Address: 0d}", `threatqbeat.ioc_expiration_by_type "IP Address": "0d" is invalid`},
		{"ioc_expiration_by_type: {IP Address: 7}", `threatqbeat.ioc_expiration_by_type "IP Address": 7 is invalid`},
		{"ioc_expiration_by_type: {ip address: 7d}", `threatqbeat.ioc_expiration_by_type "ip address" is not a ThreatQ indicator type name: names are exact (letter case, spaces); did you mean "IP Address"?`},
		{`ioc_expiration_by_type: {" FQDN": 7d}`, `threatqbeat.ioc_expiration_by_type " FQDN" is not a ThreatQ indicator type name`},
		{`ioc_expiration_by_type: {"Custom ": 7d}`, `threatqbeat.ioc_expiration_by_type "Custom " begins or ends with white space`},
		{"collections: [{id: a, ioc_expiration_by_type: {URL: 1w}}]", `threatqbeat.collections[0].ioc_expiration_by_type "URL": "1w" is invalid`},
		{"collections: [{id: a, ioc_expiration_duration: 90s}]", `threatqbeat.collections[0].ioc_expiration_duration "90s" is invalid: use a whole number of at least 1`},
		{"use_source_expiry: maybe", "use_source_expiry"},
	} {
		_, err := unpack(t, minimal+tt.yaml+"\n")
		require.Error(t, err, tt.yaml)
		require.Contains(t, err.Error(), tt.want, tt.yaml)
	}
}
