package config

import (
	"slices"
	"strings"
)

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
