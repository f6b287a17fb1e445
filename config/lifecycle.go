package config

import (
	"slices"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// Lifecycle are the options that decide which indicators are deployed and
// for how long. Under threatqbeat they apply to every collection; a
// collection entry that sets one replaces that option for itself (a list
// or a map is replaced whole, never merged).
type Lifecycle struct {
	// DeployStatuses lists the status names whose indicators are deployed;
	// unset deploys every status but Whitelisted and Expired.
	DeployStatuses []string `config:"deploy_statuses"`

	// MinScore drops indicators scored below it (0-10); 0 drops none.
	MinScore *float64 `config:"min_score"`
	// Types keeps only the indicator types listed; unset or [] keeps all.
	Types []string `config:"types"`
	// ExcludeTypes drops the indicator types listed.
	ExcludeTypes []string `config:"exclude_types"`
	// MaxTLP drops indicators marked above it: clear, white, green, amber,
	// amber+strict or red.
	MaxTLP string `config:"max_tlp"`

	// IOCExpirationByType maps an indicator type name to its lifetime
	// ("IP Address": 7d), replacing ioc_expiration_duration for that type.
	// A name with dots is read back from the nested objects go-ucfg makes
	// of it.
	IOCExpirationByType map[string]any `config:"ioc_expiration_by_type"`
	// UseSourceExpiry makes the shortest sources[].source_expire_days the
	// lifetime, before ioc_expiration_by_type.
	UseSourceExpiry *bool `config:"use_source_expiry"`
}

// effective is the lifecycle of collection col: its own options, and the
// top-level ones where it sets none.
func (c *Config) effective(col Collection) Lifecycle {
	l := c.Lifecycle
	if col.DeployStatuses != nil {
		l.DeployStatuses = col.DeployStatuses
	}
	if col.MinScore != nil {
		l.MinScore = col.MinScore
	}
	if col.Types != nil {
		l.Types = col.Types
	}
	if col.ExcludeTypes != nil {
		l.ExcludeTypes = col.ExcludeTypes
	}
	if col.MaxTLP != "" {
		l.MaxTLP = col.MaxTLP
	}
	if col.IOCExpirationByType != nil {
		l.IOCExpirationByType = col.IOCExpirationByType
	}
	if col.UseSourceExpiry != nil {
		l.UseSourceExpiry = col.UseSourceExpiry
	}
	return l
}

// curation is the threat.Curation of valid options.
func (l Lifecycle) curation() threat.Curation {
	c := threat.Curation{
		Types:        slices.Clone(l.Types),
		ExcludeTypes: slices.Clone(l.ExcludeTypes),
	}
	if len(c.Types) == 0 {
		c.Types = nil
	}
	if len(c.ExcludeTypes) == 0 {
		c.ExcludeTypes = nil
	}
	if l.MinScore != nil {
		c.MinScore = int(*l.MinScore)
	}
	c.MaxTLP, _ = threat.ParseTLP(l.MaxTLP)
	return c
}

// Settings returns the mapping settings of collection col, one of
// c.Collections: the options shared by every collection, and the
// collection's lifecycle (its own options, else the top-level ones).
func (c *Config) Settings(col Collection) threat.Settings {
	l := c.effective(col)
	expiration := c.Expiration()
	if col.IOCExpirationDuration != "" {
		expiration, _ = threat.ParseExpiration(col.IOCExpirationDuration)
	}
	var byType map[string]time.Duration
	if l.IOCExpirationByType != nil {
		byType = map[string]time.Duration{}
		for name, v := range typeDurations(l.IOCExpirationByType) {
			s, _ := v.(string)
			byType[name], _ = threat.ParseExpiration(s)
		}
	}
	return threat.Settings{
		Namespace:             c.DataStream.Namespace,
		Expiration:            expiration,
		PreserveOriginalEvent: c.PreserveOriginalEvent,
		Tags:                  c.Tags,
		URL:                   threatq.RedactURL(c.URL), // no user information in threat.indicator.reference
		ReferencePath:         c.ReferencePath,
		DeployStatuses:        slices.Clone(l.DeployStatuses),
		Curation:              l.curation(),
		ExpirationByType:      byType,
		UseSourceExpiry:       l.UseSourceExpiry != nil && *l.UseSourceExpiry,
	}
}

// typeDurations flattens ioc_expiration_by_type: go-ucfg splits keys at
// dots, so "Custom.Type": 7d arrives as {Custom: {Type: 7d}}; the type name
// is the path to each value that is not an object.
func typeDurations(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok {
				walk(prefix+k+".", sub)
				continue
			}
			out[prefix+k] = v
		}
	}
	walk("", m)
	return out
}
