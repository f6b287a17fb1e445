package threat

// The ThreatQ JSON types: one element of the data array of
// GET /api/indicators/query/hash/<collection> (threatq-spec.md §a.3). Only
// the members the mapping reads are declared, and members.go names them:
// the decoder skips the rest (they are in event.original when it is
// preserved). Scalars are value and names are named, so a member of an
// unexpected JSON kind never fails the decode: the mapping drops it and
// records why.

// indicator is one ThreatQ indicator.
type indicator struct {
	ID          value
	IndicatorID value
	Value       value
	Type        named // {id, name, class}
	Status      named // {id, name, description}
	Class       value
	Hash        value // ThreatQ's hash of the object, not a file hash
	Description value
	UUID        value

	Score          value // 0-10
	GeneratedScore value
	ManualScore    value

	CreatedAt           value
	UpdatedAt           value
	PublishedAt         value
	TouchedAt           value
	ExpiresAt           value
	ExpiredAt           value
	ExpiresCalculatedAt value
	LastDetectedAt      value

	Tags        []named
	Adversaries []named
	Attributes  []*attribute
	Sources     []*source

	relatedCounts
}

// attribute is one element of attributes.
type attribute struct {
	Name  value
	Value value
}

// source is one element of sources: the feed or user that reported the
// indicator.
type source struct {
	Name       value
	TLPName    value // tlp_name, not confirmed in real payloads
	ExpireDays value // source_expire_days: a string holding a whole number of days
}

// relatedObjects are the kinds of the related_<kind>_count members, in the
// order the mapping writes them.
var relatedObjects = [...]string{
	"adversary", "asset", "attachment", "attack_pattern", "campaign",
	"course_of_action", "event", "exploit_target", "identity", "incident",
	"indicator", "infrastructure", "intrusion_set", "investigation", "malware",
	"note", "report", "signature", "task", "tool", "ttp", "vulnerability",
}

// relatedCounts are the related_<kind>_count members: how many objects of
// each kind of relatedObjects are linked to the indicator.
type relatedCounts struct {
	counts [len(relatedObjects)]value
}

// relatedNames are the member names of the counts.
var relatedNames = func() (names [len(relatedObjects)]string) {
	for i, kind := range relatedObjects {
		names[i] = "related_" + kind + "_count"
	}
	return names
}()

// each calls fn with the member name and value of every count, in a fixed
// order.
func (c *relatedCounts) each(fn func(name string, v value)) {
	for i, name := range relatedNames {
		fn(name, c.counts[i])
	}
}
