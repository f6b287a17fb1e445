package config

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// validate checks the options of a collection entry; prefix is
// "threatqbeat.collections[i].".
func (col *Collection) validate(prefix string, add func(format string, a ...any)) {
	col.Lifecycle.validate(prefix, add)
	if d, err := threat.ParseExpiration(col.IOCExpirationDuration); col.IOCExpirationDuration != "" && (err != nil || d <= 0) {
		add("%sioc_expiration_duration %q is invalid: use a whole number of at least 1 followed by d (days), h (hours) or m (minutes), e.g. 90d", prefix, col.IOCExpirationDuration)
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
	l.validateTypeDurations(prefix+"ioc_expiration_by_type", add)
	if _, ok := threat.ParseTLP(l.MaxTLP); l.MaxTLP != "" && !ok {
		add("%smax_tlp %q is not a TLP level: use one of clear, white, green, amber, amber+strict, red (the most restrictive marking kept)", prefix, l.MaxTLP)
	}
}

// validateTypeDurations checks ioc_expiration_by_type: type names as
// checkNames does, durations as ioc_expiration_duration.
func (l *Lifecycle) validateTypeDurations(key string, add func(format string, a ...any)) {
	byType := typeDurations(l.IOCExpirationByType)
	names := make([]string, 0, len(byType))
	for name := range byType {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch near := nearMiss(name, threat.MappedTypes); {
		case strings.TrimSpace(name) == "":
			add("%s has an empty type name", key)
		case near != "":
			add("%s %q is not a ThreatQ indicator type name: names are exact (letter case, spaces); did you mean %q?", key, name, near)
		case strings.TrimSpace(name) != name:
			add("%s %q begins or ends with white space", key, name)
		}
		v := byType[name]
		if s, ok := v.(string); ok {
			if d, err := threat.ParseExpiration(s); err == nil && d > 0 {
				continue
			}
			v = strconv.Quote(s)
		}
		add("%s %q: %v is invalid: use a whole number of at least 1 followed by d (days), h (hours) or m (minutes), e.g. 7d", key, name, v)
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
