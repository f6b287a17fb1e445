// Package transform holds the threat dataset's latest transform, latest.yml,
// and the ingest pipeline of its destination, pipeline.yml, embedded so that
// `threatqbeat setup` and `threatqbeat export transform` need no files on
// disk. module/threatq/setup converts them to the JSON bodies that are sent
// to Elasticsearch.
package transform

import (
	_ "embed"
	"slices"
)

var (
	//go:embed latest.yml
	latestYAML []byte
	//go:embed pipeline.yml
	pipelineYAML []byte
)

// LatestYAML returns a copy of latest.yml: the body of
// PUT /_transform/logs-ti_threatq.latest_ioc, in YAML.
func LatestYAML() []byte { return slices.Clone(latestYAML) }

// DestinationPipelineYAML returns a copy of pipeline.yml: the body of
// PUT /_ingest/pipeline/logs-ti_threatq.latest_ioc, in YAML.
func DestinationPipelineYAML() []byte { return slices.Clone(pipelineYAML) }
