package config

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// settingsOf unpacks yaml and returns the mapping settings of its collections.
func settingsOf(t *testing.T, yaml string) []threat.Settings {
	t.Helper()
	c, err := unpack(t, yaml)
	require.NoError(t, err)
	out := make([]threat.Settings, len(c.Collections))
	for i, col := range c.Collections {
		out[i] = c.Settings(col)
	}
	return out
}

func TestSettingsCarryTheCommonOptions(t *testing.T) {
	s := settingsOf(t, `
url: https://user:pw@threatq.example.com
client_id: id
client_secret: s3cret
collections: [{id: abc123}]
data_stream.namespace: prod
preserve_original_event: true
tags: [a, b]
reference_path: /x/{id}
ioc_expiration_duration: 12h
`)[0]
	require.Equal(t, "prod", s.Namespace)
	require.True(t, s.PreserveOriginalEvent)
	require.Equal(t, []string{"a", "b"}, s.Tags)
	require.Equal(t, "/x/{id}", s.ReferencePath)
	require.Equal(t, "https://threatq.example.com", s.URL, "no user information in threat.indicator.reference")
	require.Equal(t, threat.Settings{
		Namespace: "prod", Expiration: 12 * time.Hour, PreserveOriginalEvent: true, Tags: []string{"a", "b"},
		URL: "https://threatq.example.com", ReferencePath: "/x/{id}",
	}, s, "nothing else is set by default")
}

func TestDeployStatuses(t *testing.T) {
	s := settingsOf(t, minimal)
	require.Nil(t, s[0].DeployStatuses, "unset: every status but Whitelisted and Expired")

	s = settingsOf(t, minimal+`
deploy_statuses: [Active, "My Custom Status"]
collections:
  - id: a
  - id: b
    deploy_statuses: [Active, Review]
`)
	require.Equal(t, []string{"Active", "My Custom Status"}, s[0].DeployStatuses, "the top-level value")
	require.Equal(t, []string{"Active", "Review"}, s[1].DeployStatuses, "a collection's value replaces it")
}

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

func TestCuration(t *testing.T) {
	s := settingsOf(t, minimal)
	require.Equal(t, threat.Curation{}, s[0].Curation, "unset: every indicator is published")

	s = settingsOf(t, minimal+`
min_score: 5
types: [IP Address, FQDN, My Custom Type]
max_tlp: amber
collections:
  - id: a
  - id: b
    min_score: 0
    types: []
    exclude_types: [FQDN]
    max_tlp: TLP:RED
  - id: c
    exclude_types: [URL]
`)
	require.Equal(t, threat.Curation{MinScore: 5, Types: []string{"IP Address", "FQDN", "My Custom Type"}, MaxTLP: "AMBER"}, s[0].Curation)
	require.Equal(t, threat.Curation{ExcludeTypes: []string{"FQDN"}, MaxTLP: "RED"}, s[1].Curation,
		"a collection's values replace the top-level ones: min_score 0 and types [] turn them off")
	require.Equal(t, threat.Curation{MinScore: 5, Types: []string{"IP Address", "FQDN", "My Custom Type"}, ExcludeTypes: []string{"URL"}, MaxTLP: "AMBER"}, s[2].Curation)
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
