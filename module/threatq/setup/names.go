package setup

import "github.com/threatqbeat/threatqbeat/module/threatq/threat"

// Names in Elasticsearch. They are the Elastic ti_threatq integration's
// names on purpose: Kibana Security reads logs-ti_*, so indicators show up
// with no Kibana change. Do not install threatqbeat's assets and the
// integration in the same cluster.
const (
	// DataStreamPrefix is the data stream name without the namespace:
	// <type>-<dataset>.
	DataStreamPrefix = threat.DataStreamType + "-" + threat.Dataset
	// TemplateName is the index template's name.
	TemplateName = DataStreamPrefix
	// TemplatePattern is the index template's only index pattern: every
	// namespace of the data stream.
	TemplatePattern = DataStreamPrefix + "-*"
	// PolicyName is the ILM policy's name.
	PolicyName = DataStreamPrefix
	// PipelineID is the ingest pipeline every source document goes through
	// (index.default_pipeline of the template).
	PipelineID = DataStreamPrefix
	// CustomPipelineID is the optional pipeline an operator may create; the
	// ingest pipeline calls it when it exists.
	CustomPipelineID = DataStreamPrefix + "@custom"

	// TransformID is the latest transform.
	TransformID = "logs-ti_threatq.latest_ioc"
	// DestinationPipelineID is the ingest pipeline of the transform's
	// destination (dest.pipeline).
	DestinationPipelineID = TransformID
	// DestinationPrefix is the transform destination's name without its
	// version: the destination is DestinationPrefix + transform version.
	DestinationPrefix = "logs-ti_threatq_latest.dest_threat-"
	// Alias points at the current destination; query it for active
	// indicators.
	Alias = "logs-ti_threatq_latest.threat"
	// DestinationTemplateName is the index template of the current
	// destination. Its only pattern is the destination's exact name, so
	// that it, not the built-in logs-*-* template (priority 100, data
	// streams only), applies when the destination is created.
	DestinationTemplateName = "logs-ti_threatq_latest.dest_threat"
	// DestinationTemplatePriority is the destination template's priority:
	// above the built-in logs template's 100 and the data stream template's
	// default 150, and the priority Fleet gives transform destination
	// templates.
	DestinationTemplatePriority = 250

	// LookupIndex is the ES|QL lookup index (index.mode: lookup) of the
	// active indicators, one document per indicator, joined on its value
	// (threat.indicator.name). A fixed name:
	// LOOKUP JOIN takes no alias before Elasticsearch 9.1. It matches none of
	// the built-in data stream templates (logs-*-*, metrics-*-*, ...) and is
	// outside logs-ti_*, which Kibana Security reads as indicators.
	LookupIndex = "ti_threatq-lookup"
	// LookupTransformID is the latest transform that keeps LookupIndex
	// current.
	LookupTransformID = "logs-ti_threatq.lookup_ioc"
	// LookupPipelineID is the ingest pipeline of LookupIndex (dest.pipeline
	// of the lookup transform).
	LookupPipelineID = LookupTransformID
	// LookupTemplateName is the index template for LookupIndex's exact name,
	// so that the index is a lookup index however it is created.
	LookupTemplateName = LookupIndex
	// LookupJoinKey is the field LOOKUP JOIN matches on: the indicator's
	// value (ECS threat.indicator.name, the indicator's display name).
	LookupJoinKey = "threat.indicator.name"

	// ManagedBy is _meta.managed_by of everything threatqbeat installs.
	ManagedBy = "threatqbeat"
)

// DataStream returns the data stream of a namespace:
// logs-ti_threatq.threat-<namespace>.
func DataStream(namespace string) string {
	if namespace == "" {
		namespace = threat.DefaultNamespace
	}
	return DataStreamPrefix + "-" + namespace
}

// Destination returns the transform destination of a transform version.
func Destination(version string) string { return DestinationPrefix + version }
