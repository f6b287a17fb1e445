// Package ingest holds the threat dataset's ingest pipeline, pipeline.yml,
// embedded so that `threatqbeat setup` and `threatqbeat export pipeline` need
// no files on disk. module/threatq/setup converts it to the JSON body that is
// sent to Elasticsearch.
package ingest

import (
	_ "embed"
	"slices"
)

//go:embed pipeline.yml
var pipelineYAML []byte

// PipelineYAML returns a copy of pipeline.yml: the body of
// PUT /_ingest/pipeline/logs-ti_threatq.threat, in YAML.
func PipelineYAML() []byte { return slices.Clone(pipelineYAML) }
