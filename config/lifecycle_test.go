package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	conf "github.com/elastic/elastic-agent-libs/config"

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

func TestExpiryOptions(t *testing.T) {
	s := settingsOf(t, minimal)
	require.Nil(t, s[0].ExpirationByType)
	require.False(t, s[0].UseSourceExpiry, "off by default")

	day := 24 * time.Hour
	s = settingsOf(t, minimal+`
use_source_expiry: true
ioc_expiration_by_type:
  IP Address: 7d
  SHA-256: 365d
  "Custom.Type.v2": 12h
  "a:b": 30m
collections:
  - id: a
  - id: b
    ioc_expiration_duration: 30d
    ioc_expiration_by_type: {}
    use_source_expiry: false
  - id: c
    ioc_expiration_by_type: {FQDN: 3d}
`)
	require.True(t, s[0].UseSourceExpiry)
	require.Equal(t, map[string]time.Duration{"IP Address": 7 * day, "SHA-256": 365 * day, "Custom.Type.v2": 12 * time.Hour, "a:b": 30 * time.Minute},
		s[0].ExpirationByType, "spaces, dots and colons in type names")
	require.Equal(t, 90*day, s[0].Expiration)
	require.False(t, s[1].UseSourceExpiry)
	require.Empty(t, s[1].ExpirationByType, "{} replaces the top-level map")
	require.Equal(t, 30*day, s[1].Expiration, "a collection's ioc_expiration_duration")
	require.Equal(t, map[string]time.Duration{"FQDN": 3 * day}, s[2].ExpirationByType, "replaced whole, not merged")
	require.True(t, s[2].UseSourceExpiry)
}

// TestExpirationByTypeFromTheCommandLine: -E sets one type with a space in
// its name.
func TestExpirationByTypeFromTheCommandLine(t *testing.T) {
	raw, err := conf.NewConfigWithYAML([]byte(minimal), "test")
	require.NoError(t, err)
	require.NoError(t, raw.SetString("ioc_expiration_by_type.IP Address", -1, "7d"))
	c, err := Unpack(raw)
	require.NoError(t, err)
	require.Equal(t, map[string]time.Duration{"IP Address": 7 * 24 * time.Hour}, c.Settings(c.Collections[0]).ExpirationByType)
}
