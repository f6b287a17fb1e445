package threat

import "slices"

// Curation selects the indicators a collection publishes at all. The zero
// value keeps every indicator.
type Curation struct {
	// MinScore drops an indicator whose score is below it, or that has no
	// score in 0-10 (missing, not a whole number, out of range). 0 keeps
	// every indicator, scored or not.
	MinScore int
	// Types, when not empty, keeps only the indicators whose type name is
	// listed (exact, as ThreatQ writes it: "IP Address"); an indicator
	// without a type is dropped.
	Types []string
	// ExcludeTypes drops the indicators whose type name is listed.
	ExcludeTypes []string
	// MaxTLP, an ECS TLP value (see ParseTLP), drops an indicator whose
	// most restrictive marking is above it in TLPLevels. An indicator
	// without a marking is kept. "" keeps every marking.
	MaxTLP string
}

// Filter names the curation option that drops an indicator: exactly the
// option's key, so it reads well as a metric or log field. The zero Filter
// keeps the indicator.
type Filter string

// The curation options, in the order they are checked: the first that
// drops an indicator is its Filter.
const (
	FilterExcludeTypes Filter = "exclude_types"
	FilterTypes        Filter = "types"
	FilterMinScore     Filter = "min_score"
	FilterMaxTLP       Filter = "max_tlp"
)

// The ioc_expiration_reason of a tombstone that retires an indicator a
// curation option drops (Filter.Reason), and of one that retires an
// indicator no longer in its collection.
const (
	ReasonExcludedType    = "Expiration set by threatqbeat when threatq.type is in exclude_types"
	ReasonTypeNotListed   = "Expiration set by threatqbeat when threatq.type is not in types"
	ReasonBelowMinScore   = "Expiration set by threatqbeat when the indicator's score is missing or below min_score"
	ReasonAboveMaxTLP     = "Expiration set by threatqbeat when threat.indicator.marking.tlp is above max_tlp"
	ReasonNotInCollection = "Expiration set by threatqbeat when the indicator is no longer in the ThreatQ collection"
)

// Reason returns the ioc_expiration_reason of a tombstone retiring an
// indicator that f drops; "" for the zero Filter.
func (f Filter) Reason() string {
	switch f {
	case FilterExcludeTypes:
		return ReasonExcludedType
	case FilterTypes:
		return ReasonTypeNotListed
	case FilterMinScore:
		return ReasonBelowMinScore
	case FilterMaxTLP:
		return ReasonAboveMaxTLP
	}
	return ""
}

// TLPLevels are the ECS TLP values from the least to the most restrictive.
// CLEAR (TLP 2.0) and WHITE (TLP 1.0) are the same level; AMBER+STRICT is
// above AMBER.
var TLPLevels = []string{tlpClear, tlpWhite, tlpGreen, tlpAmber, tlpAmberStrict, tlpRed}

// tlpRank is the level of an ECS TLP value, -1 for any other string.
func tlpRank(tlp string) int {
	switch tlp {
	case tlpClear, tlpWhite:
		return 0
	case tlpGreen:
		return 1
	case tlpAmber:
		return 2
	case tlpAmberStrict:
		return 3
	case tlpRed:
		return 4
	}
	return -1
}

// ParseTLP reads a TLP name as threat.indicator.marking.tlp does: letter
// case, surrounding space and a "TLP:" prefix are ignored ("amber",
// "TLP:Amber" are AMBER). ok is false for anything else.
func ParseTLP(s string) (tlp string, ok bool) { return normaliseTLP(s) }

// filter returns the option that drops an indicator of this type name,
// score (when hasScore) and TLP markings (ECS values), or "".
func (c Curation) filter(typeName string, score int64, hasScore bool, tlps []string) Filter {
	switch {
	case len(c.ExcludeTypes) > 0 && typeName != "" && slices.Contains(c.ExcludeTypes, typeName):
		return FilterExcludeTypes
	case len(c.Types) > 0 && (typeName == "" || !slices.Contains(c.Types, typeName)):
		return FilterTypes
	case c.MinScore > 0 && (!hasScore || score < 0 || score > 10 || score < int64(c.MinScore)):
		return FilterMinScore
	case c.MaxTLP != "" && mostRestrictive(tlps) > tlpRank(c.MaxTLP):
		return FilterMaxTLP
	}
	return ""
}

// mostRestrictive returns the highest level among tlps, -1 when empty.
func mostRestrictive(tlps []string) int {
	rank := -1
	for _, tlp := range tlps {
		rank = max(rank, tlpRank(tlp))
	}
	return rank
}
