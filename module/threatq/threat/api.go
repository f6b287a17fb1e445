// Package threat is the threat dataset of the ThreatQ module: it maps one
// ThreatQ indicator, as returned by the collection endpoint, to one ECS event.
package threat

import (
	"errors"
	"time"

	"github.com/elastic/elastic-agent-libs/mapstr"
)

// ErrNotIndicator reports an element of a page that is not an indicator
// object (not a JSON object, or one with neither id nor value). Such an
// element is counted and logged by the caller, never published.
var ErrNotIndicator = errors.New("not a ThreatQ indicator object")

// Settings are the per-collection options that shape every event.
type Settings struct {
	// Namespace is data_stream.namespace (default "default").
	Namespace string
	// Expiration is the fallback IOC lifetime added to updated_at (rule 4 of
	// the expiry rules). Zero disables rule 4.
	Expiration time.Duration
	// PreserveOriginalEvent keeps the raw indicator in event.original.
	PreserveOriginalEvent bool
	// Tags are added to every event.
	Tags []string
	// URL is the ThreatQ base URL, used for threat.indicator.reference.
	URL string
}

// Event is one mapped indicator.
type Event struct {
	// ID is the deterministic document id derived from (id, updated_at).
	ID string
	// Timestamp is @timestamp: updated_at, or the fetch time when absent.
	Timestamp time.Time
	// Fields are the event fields (without @timestamp).
	Fields mapstr.M
}
