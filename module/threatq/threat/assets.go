package threat

import (
	_ "embed"
	"slices"
)

// The dataset's Elasticsearch assets, embedded so that `threatqbeat setup`
// and `threatqbeat export` need no files on disk. module/threatq/setup
// converts them to the JSON bodies sent to Elasticsearch.
var (
	//go:embed ingest/pipeline.yml
	pipelineYAML []byte
	//go:embed transform/latest.yml
	latestYAML []byte
	//go:embed transform/pipeline.yml
	destinationPipelineYAML []byte
	//go:embed transform/lookup.yml
	lookupYAML []byte
	//go:embed transform/lookup_pipeline.yml
	lookupPipelineYAML []byte
)

// PipelineYAML returns a copy of ingest/pipeline.yml: the body of
// PUT /_ingest/pipeline/logs-ti_threatq.threat, in YAML.
func PipelineYAML() []byte { return slices.Clone(pipelineYAML) }

// LatestTransformYAML returns a copy of transform/latest.yml: the body of
// PUT /_transform/logs-ti_threatq.latest_ioc, in YAML.
func LatestTransformYAML() []byte { return slices.Clone(latestYAML) }

// DestinationPipelineYAML returns a copy of transform/pipeline.yml: the
// body of PUT /_ingest/pipeline/logs-ti_threatq.latest_ioc, in YAML.
func DestinationPipelineYAML() []byte { return slices.Clone(destinationPipelineYAML) }

// LookupTransformYAML returns a copy of transform/lookup.yml: the body of
// PUT /_transform/logs-ti_threatq.lookup_ioc, in YAML.
func LookupTransformYAML() []byte { return slices.Clone(lookupYAML) }

// LookupPipelineYAML returns a copy of transform/lookup_pipeline.yml: the
// body of PUT /_ingest/pipeline/logs-ti_threatq.lookup_ioc, in YAML.
func LookupPipelineYAML() []byte { return slices.Clone(lookupPipelineYAML) }
