package collector

import (
	"fmt"
	"strconv"
	"time"
)

// progressEvery is the least time between two progress lines of a run.
const progressEvery = 5 * time.Second

// Progress describes a sync run in flight or just finished.
type Progress struct {
	Collection string
	Fetched    int64 // indicators fetched in this run
	Total      int64 // collection size reported by ThreatQ
	// Incremental is a run that resumed from a stored cursor: it fetches
	// what changed since, so Total is not what it works towards.
	Incremental bool
	// Sweep is a walk of the whole collection that retires the indicators
	// no longer in it (see sweep_interval).
	Sweep   bool
	Elapsed time.Duration
	Done    bool
}

// Rate is the indicators per second of the run so far.
func (p Progress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Fetched) / p.Elapsed.Seconds()
}

func (p Progress) String() string {
	if p.Sweep {
		return fmt.Sprintf("collection %s: sweep: %s of %s indicators checked, %s/s", p.Collection, thousands(p.Fetched), thousands(p.Total), thousands(int64(p.Rate())))
	}
	if p.Incremental && p.Fetched == 0 {
		// ThreatQ answered the stored cursor with an empty page, which
		// the walk does not hand over: the collection's size is not known.
		return fmt.Sprintf("collection %s: no new or updated indicators since the stored cursor", p.Collection)
	}
	if p.Incremental {
		return fmt.Sprintf("collection %s: %s new or updated indicators (the collection holds %s), %s/s",
			p.Collection, thousands(p.Fetched), thousands(p.Total), thousands(int64(p.Rate())))
	}
	pct := ""
	if p.Total > 0 {
		pct = fmt.Sprintf(" (%d %%)", min(100, p.Fetched*100/p.Total))
	}
	return fmt.Sprintf("collection %s: %s of %s indicators%s, %s/s", p.Collection, thousands(p.Fetched), thousands(p.Total), pct, thousands(int64(p.Rate())))
}

// thousands formats n with a space between groups of three digits, the way
// progress lines show counts: 180000 → "180 000".
func thousands(n int64) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := strconv.FormatInt(n, 10)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ' ')
		}
		out = append(out, s[i])
	}
	return string(out)
}
