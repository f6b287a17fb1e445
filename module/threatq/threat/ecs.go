package threat

// ECS and envelope values written on every event. They are the names the
// Elastic ti_threatq integration uses, so that Kibana Security's Intelligence
// page and its indicator-match rules (logs-ti_*, event.module: ti_*) find the
// data without any Kibana change.
const (
	// ECSVersion is ecs.version: the ECS release the mapping follows.
	ECSVersion = "8.17.0"
	// Module is event.module.
	Module = "ti_threatq"
	// Dataset is event.dataset and data_stream.dataset.
	Dataset = "ti_threatq.threat"
	// DataStreamType is data_stream.type.
	DataStreamType = "logs"
	// DefaultNamespace is data_stream.namespace when Settings.Namespace is empty.
	DefaultNamespace = "default"
	// FeedName is threat.feed.name.
	FeedName = "ThreatQuotient"
	// FeedDashboardID is threat.feed.dashboard_id: the id of the shipped
	// "[Logs ThreatQ] Overview" dashboard, linked from Kibana's Intelligence page.
	FeedDashboardID = "ti_threatq-a05fd810-78f1-11ec-a97c-7db1518ab848"
	// InputType is input.type.
	InputType = "threatq"
	// DefaultReferencePath is Settings.ReferencePath when empty.
	DefaultReferencePath = "/indicators/{id}/details"

	eventKindEnrichment = "enrichment" // event.kind
	eventCategoryThreat = "threat"     // event.category
	eventTypeIndicator  = "indicator"  // event.type
	// labelTransformSource is labels.is_ioc_transform_source in the source
	// data stream; the latest transform writes "false" in its destination.
	labelTransformSource = "true"

	// TagPreserveOriginal keeps event.original.
	TagPreserveOriginal = "preserve_original_event"
	// TagPreserveDuplicates keeps threatq.updated_at, threatq.score and
	// threatq.description, which duplicate @timestamp, confidence and
	// threat.indicator.description.
	TagPreserveDuplicates = "preserve_duplicate_custom_fields"
)

// Confidence values of threat.indicator.confidence (ECS allowed values).
const (
	confidenceLow    = "Low"
	confidenceMedium = "Medium"
	confidenceHigh   = "High"
)

// confidence buckets a ThreatQ score (0-10, whole numbers) into ECS
// confidence: 0-4 Low, 5-7 Medium, 8-10 High. Any other score has none.
func confidence(score int64) (string, bool) {
	switch {
	case score < 0 || score > 10:
		return "", false
	case score <= 4:
		return confidenceLow, true
	case score <= 7:
		return confidenceMedium, true
	default:
		return confidenceHigh, true
	}
}
