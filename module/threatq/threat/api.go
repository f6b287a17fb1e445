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

// Settings are the per-collection options that shape every event. The zero
// value is usable: namespace "default", no expiry duration, no reference.
type Settings struct {
	// Namespace is data_stream.namespace (default "default").
	Namespace string
	// Expiration is the fallback IOC lifetime added to @timestamp (that is
	// updated_at, or the fetch time when updated_at is absent): the last of
	// the expiry rules. Zero disables it; the others always apply.
	Expiration time.Duration
	// DeployStatuses are the status names (exact) of the indicators to
	// deploy: an indicator with another status, or none, is published
	// inactive (threatq.ioc_expired_at = @timestamp). Nil deploys every
	// status but Whitelisted and Expired, which are never deployed; an
	// empty list deploys none.
	DeployStatuses []string
	// ExpirationByType replaces Expiration for the indicator types it has
	// (exact type names, e.g. "IP Address"). Durations are positive.
	ExpirationByType map[string]time.Duration
	// UseSourceExpiry makes the shortest valid sources[].source_expire_days
	// the indicator's lifetime, before ExpirationByType and Expiration.
	UseSourceExpiry bool
	// Curation selects the indicators to publish at all; Event.Filtered
	// names the option that drops one.
	Curation Curation
	// PreserveOriginalEvent keeps the raw indicator in event.original and
	// adds the tag preserve_original_event. The tag in Tags has the same
	// effect, as in the Elastic integration.
	PreserveOriginalEvent bool
	// Tags are added to every event. The tag preserve_duplicate_custom_fields
	// keeps threatq.updated_at, threatq.score and threatq.description.
	Tags []string
	// URL is the ThreatQ base URL, used for threat.indicator.reference.
	// Empty means no reference.
	URL string
	// ReferencePath is appended to URL to build threat.indicator.reference;
	// "{id}" is replaced by the indicator id. Empty means
	// "/indicators/{id}/details", the indicator page of the ThreatQ UI.
	ReferencePath string
	// MaxValueBytes caps string values (MaxValueBytes when 0), and 32 times
	// as much event.original. Tests make it small.
	MaxValueBytes int
}

// maxValueBytes is the cap of string values.
func (s Settings) maxValueBytes() int {
	if s.MaxValueBytes > 0 {
		return s.MaxValueBytes
	}
	return MaxValueBytes
}

// Event is one mapped indicator.
type Event struct {
	// ID is the deterministic document id derived from (id, updated_at); see
	// DocumentID.
	ID string
	// Timestamp is @timestamp: updated_at, or the fetch time when absent.
	Timestamp time.Time
	// Fields are the event fields (without @timestamp).
	Fields mapstr.M

	// Key is the indicator's key in the latest transform: the same for
	// every version of the indicator and for a Tombstone retiring it.
	Key Key
	// Value is threatq.indicator_value, "" when the indicator has none: the
	// join key of the ES|QL lookup index, which has one document per
	// indicator (Key).
	Value string
	// ExpiredAt is threatq.ioc_expired_at; zero when the event has none
	// (no expiry rule applied), and then the indicator never expires.
	ExpiredAt time.Time
	// Filtered names the curation option that drops the indicator, "" when
	// it is kept. A filtered event is not to be published; it is mapped in
	// full all the same.
	Filtered Filter
}

// ActiveAt reports whether the event, once it is the indicator's newest
// document, keeps the indicator among the active ones at t: it has no
// expiry, or expires after t.
func (e Event) ActiveAt(t time.Time) bool {
	return e.ExpiredAt.IsZero() || e.ExpiredAt.After(t)
}
