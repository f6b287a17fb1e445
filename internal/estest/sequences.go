package estest

// FirstSetup is the exact request sequence of a first `threatqbeat setup`
// (default options, namespace default) on an empty Server, as estest.Summary
// renders it.
var FirstSetup = []string{
	"GET /_ingest/pipeline/logs-ti_threatq.threat",
	"PUT /_ingest/pipeline/logs-ti_threatq.threat",
	"GET /_ilm/policy/logs-ti_threatq.threat",
	"PUT /_ilm/policy/logs-ti_threatq.threat",
	"GET /_index_template/logs-ti_threatq.threat",
	"PUT /_index_template/logs-ti_threatq.threat",
	"GET /_data_stream/logs-ti_threatq.threat-default",
	"PUT /_data_stream/logs-ti_threatq.threat-default",
	"GET /_ingest/pipeline/logs-ti_threatq.latest_ioc",
	"PUT /_ingest/pipeline/logs-ti_threatq.latest_ioc",
	"GET /_index_template/logs-ti_threatq_latest.dest_threat",
	"PUT /_index_template/logs-ti_threatq_latest.dest_threat",
	"GET /_transform/logs-ti_threatq.latest_ioc",
	"GET /_alias/logs-ti_threatq_latest.threat",
	"HEAD /logs-ti_threatq_latest.dest_threat-2",
	"PUT /logs-ti_threatq_latest.dest_threat-2",
	"PUT /_transform/logs-ti_threatq.latest_ioc?defer_validation=true",
	"POST /_transform/logs-ti_threatq.latest_ioc/_start",
}

// TransformUpgrade is the request sequence of `setup --transforms` over a
// started transform of an older version whose destination holds the alias
// and indicators of the namespace default: the pipeline is updated, the
// destination template follows the new destination, the transform is
// stopped and deleted, the new destination created, the old destination's
// active indicators copied back into the source data stream (the
// namespaces listed, then one reindex per namespace), the alias moved in
// one request and the new transform started.
var TransformUpgrade = []string{
	"GET /_ingest/pipeline/logs-ti_threatq.latest_ioc",
	"PUT /_ingest/pipeline/logs-ti_threatq.latest_ioc",
	"GET /_index_template/logs-ti_threatq_latest.dest_threat",
	"PUT /_index_template/logs-ti_threatq_latest.dest_threat",
	"GET /_transform/logs-ti_threatq.latest_ioc",
	"POST /_transform/logs-ti_threatq.latest_ioc/_stop?force=true&wait_for_completion=true",
	"DELETE /_transform/logs-ti_threatq.latest_ioc",
	"GET /_alias/logs-ti_threatq_latest.threat",
	"HEAD /logs-ti_threatq_latest.dest_threat-2",
	"PUT /logs-ti_threatq_latest.dest_threat-2",
	"POST /logs-ti_threatq_latest.dest_threat-1/_search",
	"POST /_reindex?refresh=true&wait_for_completion=true",
	"POST /_aliases",
	"PUT /_transform/logs-ti_threatq.latest_ioc?defer_validation=true",
	"POST /_transform/logs-ti_threatq.latest_ioc/_start",
}

// SecondSetup is the request sequence of the same setup run again: reads
// only.
var SecondSetup = []string{
	"GET /_ingest/pipeline/logs-ti_threatq.threat",
	"GET /_ilm/policy/logs-ti_threatq.threat",
	"GET /_index_template/logs-ti_threatq.threat",
	"GET /_data_stream/logs-ti_threatq.threat-default",
	"GET /_ingest/pipeline/logs-ti_threatq.latest_ioc",
	"GET /_index_template/logs-ti_threatq_latest.dest_threat",
	"GET /_transform/logs-ti_threatq.latest_ioc",
	"GET /_alias/logs-ti_threatq_latest.threat",
	"GET /_transform/logs-ti_threatq.latest_ioc/_stats",
}

// LookupFirstSetup is the request sequence of the lookup index step on a
// cluster where the transforms step has just run (FirstSetup): its
// pipeline and template, the transform (missing), the index (missing), the
// alias's namespaces to restore (none yet), then the index and the
// transform.
var LookupFirstSetup = []string{
	"GET /_ingest/pipeline/logs-ti_threatq.lookup_ioc",
	"PUT /_ingest/pipeline/logs-ti_threatq.lookup_ioc",
	"GET /_index_template/ti_threatq-lookup",
	"PUT /_index_template/ti_threatq-lookup",
	"GET /_transform/logs-ti_threatq.lookup_ioc",
	"HEAD /ti_threatq-lookup",
	"POST /logs-ti_threatq_latest.threat/_search",
	"PUT /ti_threatq-lookup",
	"PUT /_transform/logs-ti_threatq.lookup_ioc?defer_validation=true",
	"POST /_transform/logs-ti_threatq.lookup_ioc/_start",
}

// LookupSecondSetup is the same step run again: reads only.
var LookupSecondSetup = []string{
	"GET /_ingest/pipeline/logs-ti_threatq.lookup_ioc",
	"GET /_index_template/ti_threatq-lookup",
	"GET /_transform/logs-ti_threatq.lookup_ioc",
	"HEAD /ti_threatq-lookup",
	"GET /_transform/logs-ti_threatq.lookup_ioc/_stats",
}

// LookupUpgrade is the lookup index step over a started lookup transform
// of another version whose index exists, with the alias holding
// indicators of the namespace default: the transform is stopped and
// deleted, the alias's active indicators copied back into the source, the
// index deleted and created again, and the new transform started.
var LookupUpgrade = []string{
	"GET /_ingest/pipeline/logs-ti_threatq.lookup_ioc",
	"GET /_index_template/ti_threatq-lookup",
	"GET /_transform/logs-ti_threatq.lookup_ioc",
	"HEAD /ti_threatq-lookup",
	"POST /_transform/logs-ti_threatq.lookup_ioc/_stop?force=true&wait_for_completion=true",
	"DELETE /_transform/logs-ti_threatq.lookup_ioc",
	"POST /logs-ti_threatq_latest.threat/_search",
	"POST /_reindex?refresh=true&wait_for_completion=true",
	"GET /ti_threatq-lookup/_mapping",
	"DELETE /ti_threatq-lookup",
	"PUT /ti_threatq-lookup",
	"PUT /_transform/logs-ti_threatq.lookup_ioc?defer_validation=true",
	"POST /_transform/logs-ti_threatq.lookup_ioc/_start",
}
