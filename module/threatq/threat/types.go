package threat

// The ThreatQ JSON types: one element of the data array of
// GET /api/indicators/query/hash/<collection> (threatq-spec.md §a.3). Only
// the members the mapping reads are declared; the decoder skips the rest
// (they are in event.original when it is preserved). Scalars are value and
// names are named, so a member of an unexpected JSON kind never fails the
// decode: the mapping drops it and records why.

// indicator is one ThreatQ indicator.
type indicator struct {
	ID          value `json:"id"`
	IndicatorID value `json:"indicator_id"`
	Value       value `json:"value"`
	Type        named `json:"type"`   // {id, name, class}
	Status      named `json:"status"` // {id, name, description}
	Class       value `json:"class"`
	Hash        value `json:"hash"` // ThreatQ's hash of the object, not a file hash
	Description value `json:"description"`
	UUID        value `json:"uuid"`

	Score          value `json:"score"` // 0-10
	GeneratedScore value `json:"generated_score"`
	ManualScore    value `json:"manual_score"`

	CreatedAt           value `json:"created_at"`
	UpdatedAt           value `json:"updated_at"`
	PublishedAt         value `json:"published_at"`
	TouchedAt           value `json:"touched_at"`
	ExpiresAt           value `json:"expires_at"`
	ExpiredAt           value `json:"expired_at"`
	ExpiresCalculatedAt value `json:"expires_calculated_at"`
	LastDetectedAt      value `json:"last_detected_at"`

	Tags        []named      `json:"tags"`
	Adversaries []named      `json:"adversaries"`
	Attributes  []*attribute `json:"attributes"`
	Sources     []*source    `json:"sources"`

	relatedCounts
}

// attribute is one element of attributes.
type attribute struct {
	Name  value `json:"name"`
	Value value `json:"value"`
}

// source is one element of sources: the feed or user that reported the
// indicator.
type source struct {
	Name    value `json:"name"`
	TLPName value `json:"tlp_name"` // not confirmed in real payloads
}

// relatedCounts are the related_<object>_count members: how many objects of
// each kind are linked to the indicator.
type relatedCounts struct {
	Adversary      value `json:"related_adversary_count"`
	Asset          value `json:"related_asset_count"`
	Attachment     value `json:"related_attachment_count"`
	AttackPattern  value `json:"related_attack_pattern_count"`
	Campaign       value `json:"related_campaign_count"`
	CourseOfAction value `json:"related_course_of_action_count"`
	Event          value `json:"related_event_count"`
	ExploitTarget  value `json:"related_exploit_target_count"`
	Identity       value `json:"related_identity_count"`
	Incident       value `json:"related_incident_count"`
	Indicator      value `json:"related_indicator_count"`
	Infrastructure value `json:"related_infrastructure_count"`
	IntrusionSet   value `json:"related_intrusion_set_count"`
	Investigation  value `json:"related_investigation_count"`
	Malware        value `json:"related_malware_count"`
	Note           value `json:"related_note_count"`
	Report         value `json:"related_report_count"`
	Signature      value `json:"related_signature_count"`
	Task           value `json:"related_task_count"`
	Tool           value `json:"related_tool_count"`
	TTP            value `json:"related_ttp_count"`
	Vulnerability  value `json:"related_vulnerability_count"`
}

// each calls fn with the field name and value of every count, in a fixed
// order.
func (c *relatedCounts) each(fn func(name string, v value)) {
	fn("related_adversary_count", c.Adversary)
	fn("related_asset_count", c.Asset)
	fn("related_attachment_count", c.Attachment)
	fn("related_attack_pattern_count", c.AttackPattern)
	fn("related_campaign_count", c.Campaign)
	fn("related_course_of_action_count", c.CourseOfAction)
	fn("related_event_count", c.Event)
	fn("related_exploit_target_count", c.ExploitTarget)
	fn("related_identity_count", c.Identity)
	fn("related_incident_count", c.Incident)
	fn("related_indicator_count", c.Indicator)
	fn("related_infrastructure_count", c.Infrastructure)
	fn("related_intrusion_set_count", c.IntrusionSet)
	fn("related_investigation_count", c.Investigation)
	fn("related_malware_count", c.Malware)
	fn("related_note_count", c.Note)
	fn("related_report_count", c.Report)
	fn("related_signature_count", c.Signature)
	fn("related_task_count", c.Task)
	fn("related_tool_count", c.Tool)
	fn("related_ttp_count", c.TTP)
	fn("related_vulnerability_count", c.Vulnerability)
}
