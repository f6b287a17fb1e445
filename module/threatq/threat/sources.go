package threat

import (
	"fmt"
	"slices"
	"strings"
)

// ECS values of threat.indicator.marking.tlp.
const (
	tlpWhite       = "WHITE"
	tlpGreen       = "GREEN"
	tlpAmber       = "AMBER"
	tlpAmberStrict = "AMBER+STRICT"
	tlpRed         = "RED"
	tlpClear       = "CLEAR"
)

// normaliseTLP maps a ThreatQ tlp_name to an ECS TLP value: surrounding
// space, letter case and a "TLP:" prefix are ignored ("TLP:amber" is AMBER).
// ok is false for anything else, which is dropped without an error (upstream
// drops it too, e.g. "testtlp").
func normaliseTLP(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if rest, found := strings.CutPrefix(s, "TLP:"); found {
		s = strings.TrimSpace(rest)
	}
	switch s {
	case tlpWhite, tlpGreen, tlpAmber, tlpAmberStrict, tlpRed, tlpClear:
		return s, true
	}
	return "", false
}

// sourceMarks are what the sources contribute to threat.indicator.
type sourceMarks struct {
	providers []string // threat.indicator.provider
	tlp       []string // threat.indicator.marking.tlp
}

// readSources takes threat.indicator.provider from sources[].name and
// threat.indicator.marking.tlp from sources[].tlp_name, both in source order
// without duplicates. Missing or null names are skipped silently; a null
// element is skipped and reported (upstream then sets neither provider nor
// TLP for the whole indicator).
func readSources(srcs []*source, errs *fieldErrors) sourceMarks {
	var out sourceMarks
	for i, src := range srcs {
		if src == nil {
			errs.add(fmt.Sprintf("sources[%d]", i), "is null; element ignored")
			continue
		}
		name, ok, err := src.Name.str()
		if err != nil {
			errs.add(fmt.Sprintf("sources[%d].name", i), err.Error()+"; dropped")
		} else if ok && !slices.Contains(out.providers, name) {
			out.providers = append(out.providers, name)
		}
		tlpName, ok, _ := src.TLPName.str()
		if !ok {
			continue
		}
		if tlp, ok := normaliseTLP(tlpName); ok && !slices.Contains(out.tlp, tlp) {
			out.tlp = append(out.tlp, tlp)
		}
	}
	return out
}
