package esspec

import "fmt"

// erratum is a place where the specification and Elasticsearch disagree,
// and Elasticsearch's source decides: check replaces the specification's
// required-property rule for one type.
type erratum struct {
	// why names the Elasticsearch source that decides.
	why   string
	check func(m obj, path string) []string
}

// errata are the known differences, by type. Each one follows the
// Elasticsearch source named in why; every other type is checked as the
// specification says.
var errata = map[typeName]erratum{
	// The specification marks remove.field required, but a remove processor
	// takes field or keep, never both.
	{"ingest._types", "RemoveProcessor"}: {
		why: "RemoveProcessor.Factory.create: \"[keep] or [field] must be specified\", \"[keep] and [field] cannot both be used in the same processor\"",
		check: func(m obj, path string) []string {
			_, field := m["field"]
			_, keep := m["keep"]
			switch {
			case field && keep:
				return []string{fmt.Sprintf("%s: [keep] and [field] cannot both be used in the same processor", path)}
			case !field && !keep:
				return []string{fmt.Sprintf("%s: [keep] or [field] must be specified", path)}
			}
			return nil
		},
	},
}
