// Package setup installs threatqbeat's Elasticsearch assets for the threat
// dataset: the ILM policy (or data stream lifecycle), the index template and
// data stream logs-ti_threatq.threat-<namespace>, the ingest pipeline, and
// the latest transform with its destination index and alias, and, with
// setup.lookup_index.enabled or --lookup-index, the ES|QL lookup index
// ti_threatq-lookup and its transform (lookup.go). docs/elasticsearch.md is
// the user-facing description.
//
// # Pure bodies
//
// Build returns every request body from Options (read from threatqbeat.yml
// by OptionsFromConfig) and Env (fields.yml, versions) without talking to
// Elasticsearch, so `threatqbeat export` and the golden tests need no
// cluster. The pipelines and transforms come from the YAML files the threat
// dataset package embeds (module/threatq/threat/ingest and .../transform); the
// template and the transform destination's mappings come from libbeat's
// template generator and the beat's fields.yml, so they always agree.
//
// # Installing
//
// Installer sends them through an ESClient (libbeat's eslegclient
// connection, built from output.elasticsearch so TLS, API keys and proxies
// match the output). Setup runs the selected Steps; every asset is first
// read back, and written only when missing or when its _meta.hash differs
// from the body's (Build stamps the hash), so a second setup sends only
// reads. The transforms are versioned instead (_meta.version); a new version
// replaces the old transform and destination (see transforms.go, lookup.go),
// after copying the destination's active indicators back into the source
// data stream (restore.go), so that the rebuilt destination has every active
// indicator, not only those within the source's retention.
// EnsureForRun is the Elasticsearch output's connect callback for `run`:
// it writes only what is missing.
//
// # Where run writes
//
// Supporter (libbeat's index-management support) selects the index:
// logs-ti_threatq.threat-<data_stream.namespace> unless the configuration or
// the event's metadata says otherwise, and keeps libbeat's template loader
// disabled (see Supporter for why).
//
// # Errors
//
// A failed request is an *Error naming the step, the action, the resource,
// the request and Elasticsearch's answer, with the privilege to check on
// 401/403.
package setup
