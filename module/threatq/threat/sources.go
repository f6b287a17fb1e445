package threat

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
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

// sourceMarks are what the sources contribute to threat.indicator, and to
// the expiry.
type sourceMarks struct {
	providers []string // threat.indicator.provider
	tlp       []string // threat.indicator.marking.tlp
	// expiry is the shortest valid source_expire_days (when asked for),
	// 0 when there is none.
	expiry time.Duration
}

// readSources takes threat.indicator.provider from sources[].name and
// threat.indicator.marking.tlp from sources[].tlp_name, both in source order
// without duplicates. Missing or null names are skipped silently; a null
// element is skipped and reported (upstream then sets neither provider nor
// TLP for the whole indicator). With expireDays, it also reads the
// sources' source_expire_days (see sourceExpiry).
func readSources(srcs []*source, expireDays bool, errs *fieldErrors) sourceMarks {
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
		if expireDays {
			if d, ok := sourceExpiry(i, src.ExpireDays, errs); ok && (out.expiry == 0 || d < out.expiry) {
				out.expiry = d
			}
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

// maxSourceExpireDays is the longest source_expire_days used: the longest
// time.Duration, in days.
const maxSourceExpireDays = int64(math.MaxInt64 / int64(24*time.Hour))

// sourceExpiry reads sources[i].source_expire_days: a whole number of days,
// as a string (as ThreatQ sends it) or a number. ok is false when the source
// sets no expiry: absent, null, "" or 0 (ThreatQ's "never expire" is not
// documented in the API; 0 never means "at once" here). A value that is not
// a whole number, is negative or is too long is noted in errs and ignored.
func sourceExpiry(i int, v value, errs *fieldErrors) (time.Duration, bool) {
	days, ok, err := v.long()
	field := fmt.Sprintf("sources[%d].source_expire_days", i)
	switch {
	case err != nil:
		errs.add(field, err.Error()+"; ignored")
	case !ok || days == 0:
	case days < 0:
		errs.add(field, strconv.FormatInt(days, 10)+" is negative; ignored")
	case days > maxSourceExpireDays:
		errs.add(field, fmt.Sprintf("%d days is longer than threatqbeat can add (%d days); ignored", days, maxSourceExpireDays))
	default:
		return time.Duration(days) * 24 * time.Hour, true
	}
	return 0, false
}
