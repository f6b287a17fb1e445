package config

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

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
	return threat.Settings{
		Namespace:             c.DataStream.Namespace,
		Expiration:            c.Expiration(),
		PreserveOriginalEvent: c.PreserveOriginalEvent,
		Tags:                  c.Tags,
		URL:                   threatq.RedactURL(c.URL), // no user information in threat.indicator.reference
		ReferencePath:         c.ReferencePath,
		DeployStatuses:        slices.Clone(l.DeployStatuses),
		Curation:              l.curation(),
	}
}

// validate checks the options set at prefix ("threatqbeat." or
// "threatqbeat.collections[i].").
func (l *Lifecycle) validate(prefix string, add func(format string, a ...any)) {
	if l.DeployStatuses != nil {
		key := prefix + "deploy_statuses"
		if len(l.DeployStatuses) == 0 {
			add("%s must list at least one status; leave it out to deploy every status but Whitelisted and Expired", key)
		}
		checkNames(key, "status", l.DeployStatuses, threat.BuiltinStatuses, add)
		for i, name := range l.DeployStatuses {
			if threat.NeverDeployed(name) {
				add("%s[%d] %s is never deployed: ThreatQ's Whitelisted and Expired indicators are always published inactive; remove it", key, i, name)
			}
		}
	}
	if m := l.MinScore; m != nil && (*m < 0 || *m > 10 || *m != math.Trunc(*m)) {
		add("%smin_score must be a whole number from 0 to 10, got %s", prefix, strconv.FormatFloat(*m, 'f', -1, 64))
	}
	checkNames(prefix+"types", "indicator type", l.Types, threat.MappedTypes, add)
	checkNames(prefix+"exclude_types", "indicator type", l.ExcludeTypes, threat.MappedTypes, add)
	if _, ok := threat.ParseTLP(l.MaxTLP); l.MaxTLP != "" && !ok {
		add("%smax_tlp %q is not a TLP level: use one of clear, white, green, amber, amber+strict, red (the most restrictive marking kept)", prefix, l.MaxTLP)
	}
}

// checkTypeConflicts refuses a type name that is both in types and in
// exclude_types, naming where each list is set: once for the top level,
// and for each collection that sets one of the lists itself.
func (c *Config) checkTypeConflicts(add func(format string, a ...any)) {
	conflict := func(types, excluded []string, typesKey, excludedKey string) {
		for _, name := range types {
			if slices.Contains(excluded, name) {
				add("%q is in both %s and %s: keep it in one of them", name, typesKey, excludedKey)
			}
		}
	}
	conflict(c.Types, c.ExcludeTypes, "threatqbeat.types", "threatqbeat.exclude_types")
	for i, col := range c.Collections {
		if col.Types == nil && col.ExcludeTypes == nil {
			continue
		}
		typesKey, excludedKey := "threatqbeat.types", "threatqbeat.exclude_types"
		if col.Types != nil {
			typesKey = fmt.Sprintf("threatqbeat.collections[%d].types", i)
		}
		if col.ExcludeTypes != nil {
			excludedKey = fmt.Sprintf("threatqbeat.collections[%d].exclude_types", i)
		}
		l := c.effective(col)
		conflict(l.Types, l.ExcludeTypes, typesKey, excludedKey)
	}
}

// checkNames checks a list of ThreatQ names (statuses, indicator types):
// none empty, none twice, no white space around a name, and no misspelling
// of a built-in name. ThreatQ also has custom statuses and types, so any
// other name is accepted; names are compared exactly at run time, so one
// that differs from a built-in name only in letter case, spaces, '-' or
// '_' is refused with the built-in name it most likely means.
func checkNames(key, what string, names, builtins []string, add func(format string, a ...any)) {
	seen := make(map[string]bool, len(names))
	for i, name := range names {
		switch near := nearMiss(name, builtins); {
		case strings.TrimSpace(name) == "":
			add("%s[%d] is empty", key, i)
		case near != "":
			add("%s[%d] %q is not a ThreatQ %s name: names are exact (letter case, spaces); did you mean %q?", key, i, name, what, near)
		case strings.TrimSpace(name) != name:
			add("%s[%d] %q begins or ends with white space", key, i, name)
		case seen[name]:
			add("%s lists %q twice", key, name)
		}
		seen[name] = true
	}
}

// nearMiss returns the built-in name that name misspells: equal once both
// are lowercased without spaces, '-' and '_', yet not equal. It returns ""
// for a built-in name itself and for any other name.
func nearMiss(name string, builtins []string) string {
	if slices.Contains(builtins, name) {
		return ""
	}
	fold := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '_' || r == '\t' {
				return -1
			}
			return r
		}, strings.ToLower(s))
	}
	for _, b := range builtins {
		if fold(b) == fold(name) {
			return b
		}
	}
	return ""
}
