package cmd

import (
	libcmd "github.com/elastic/beats/v7/libbeat/cmd"

	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
)

// describeCommands replaces libbeat's generic descriptions of the root,
// export and test commands with what they do in threatqbeat.
func describeCommands(root *libcmd.BeatsRootCmd) {
	root.Short = "threatqbeat ships ThreatQ indicators of compromise to Elasticsearch"
	root.Long = `threatqbeat reads the indicators of ThreatQ data collections (OAuth2 client
credentials, cursor-paged) and publishes them as ECS threat.indicator events
through any libbeat output.

First steps:
  threatqbeat demo             sync a built-in ThreatQ simulator into ./demo-output
  threatqbeat demo --serve     run the simulator alone and print a configuration for it
  threatqbeat test config      check threatqbeat.yml
  threatqbeat test threatq     authenticate to ThreatQ and read one page per collection
  threatqbeat setup            install the Elasticsearch assets (template, pipeline, transform)
  threatqbeat run -e           sync every interval, logging to the terminal`

	root.ExportCmd.Short = "Print the configuration, or the Elasticsearch and Kibana assets that setup installs"
	root.ExportCmd.Long = `export prints, without contacting Elasticsearch or ThreatQ, what threatqbeat
would use or install:

  config         the configuration as read (files, -E overrides), secrets included
  template       the index template ` + setup.TemplateName + `
  ilm-policy     the ILM policy (or the data stream lifecycle with setup.dsl.enabled)
  pipeline       the ingest pipeline ` + setup.PipelineID + `
  transform      the latest transform ` + setup.TransformID + ` and, with --dir, its
                 destination index and pipeline
  lookup-index   the ES|QL lookup index's transform and, with --dir, the index,
                 its template and pipeline
  dashboard      a dashboard from Kibana (needs setup.kibana.host)
  index-pattern  the Kibana data views of the dashboards, as NDJSON

template, ilm-policy, pipeline and transform print exactly the bodies ` + "`setup`" + ` sends.`

	root.TestCmd.Short = "Check the configuration, the connection to ThreatQ or the connection to the output"
	root.TestCmd.Long = `test checks one thing and exits non-zero with the reason when it fails:

  config    threatqbeat.yml and -E overrides are valid (unknown keys, wrong values,
            variables the keystore and the environment do not define)
  threatq   ThreatQ accepts the client credentials and serves a page of every
            configured collection (the first check against a new ThreatQ)
  output    the configured output (Elasticsearch, Logstash...) can be reached

None of them publishes events or moves a cursor.`
}
