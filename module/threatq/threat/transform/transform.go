// Package transform holds the threat dataset's latest transform, latest.yml,
// and the ingest pipeline of its destination, pipeline.yml, and the ES|QL
// lookup index's transform, lookup.yml, and pipeline, lookup_pipeline.yml,
// embedded so that `threatqbeat setup` and `threatqbeat export` need no
// files on disk. module/threatq/setup converts them to the JSON bodies that are sent
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
	//go:embed lookup.yml
	lookupYAML []byte
	//go:embed lookup_pipeline.yml
	lookupPipelineYAML []byte
)

// LatestYAML returns a copy of latest.yml: the body of
// PUT /_transform/logs-ti_threatq.latest_ioc, in YAML.
func LatestYAML() []byte { return slices.Clone(latestYAML) }

// DestinationPipelineYAML returns a copy of pipeline.yml: the body of
// PUT /_ingest/pipeline/logs-ti_threatq.latest_ioc, in YAML.
func DestinationPipelineYAML() []byte { return slices.Clone(pipelineYAML) }

// LookupYAML returns a copy of lookup.yml: the body of
// PUT /_transform/logs-ti_threatq.lookup_ioc, in YAML.
func LookupYAML() []byte { return slices.Clone(lookupYAML) }

// LookupPipelineYAML returns a copy of lookup_pipeline.yml: the body of
// PUT /_ingest/pipeline/logs-ti_threatq.lookup_ioc, in YAML.
func LookupPipelineYAML() []byte { return slices.Clone(lookupPipelineYAML) }
