package setup

import "fmt"

// Export is one body `threatqbeat export <what> --dir DIR` writes, as
// DIR/<Dir>/<Name>.json: the body of a request to API (the Elasticsearch
// API specification's name, e.g. indices.put_index_template).
type Export struct {
	Dir, Name, API string
	Body           Body
}

// ExportNames are the arguments Export accepts, in the order export lists
// its subcommands.
var ExportNames = []string{"template", "ilm-policy", "pipeline", "transform", "lookup-index"}

// Export returns what `threatqbeat export <what>` prints (the first file)
// and, with --dir, writes (every file): the bodies setup sends.
func (a *Assets) Export(what string) ([]Export, error) {
	switch what {
	case "template":
		return []Export{{"template", TemplateName, "indices.put_index_template", a.Template}}, nil
	case "ilm-policy":
		switch a.Lifecycle {
		case LifecycleILM:
			return []Export{{"policy", PolicyName, "ilm.put_lifecycle", a.Policy}}, nil
		case LifecycleDSL:
			return []Export{{"policy", PolicyName, "indices.put_data_lifecycle", a.DataStreamLifecycle}}, nil
		}
		return nil, fmt.Errorf("export ilm-policy: setup.ilm.enabled is false and setup.dsl.enabled is not true: no lifecycle is installed")
	case "pipeline":
		return []Export{
			{"pipeline", PipelineID, "ingest.put_pipeline", a.Pipeline},
			{"pipeline", DestinationPipelineID, "ingest.put_pipeline", a.DestinationPipeline},
		}, nil
	case "transform":
		return []Export{
			{"transform", TransformID, "transform.put_transform", a.Transform},
			{"template", DestinationTemplateName, "indices.put_index_template", a.DestinationTemplate},
			{"index", Destination(a.TransformVersion), "indices.create", a.DestinationCreate(true)},
			{"pipeline", DestinationPipelineID, "ingest.put_pipeline", a.DestinationPipeline},
		}, nil
	case "lookup-index":
		return []Export{
			{"transform", LookupTransformID, "transform.put_transform", a.Lookup.Transform},
			{"template", LookupTemplateName, "indices.put_index_template", a.Lookup.Template},
			{"index", LookupIndex, "indices.create", a.Lookup.Index},
			{"pipeline", LookupPipelineID, "ingest.put_pipeline", a.Lookup.Pipeline},
		}, nil
	}
	return nil, fmt.Errorf("export: no asset %q (want one of %v)", what, ExportNames)
}

// DestinationCreate is the body of PUT /<destination>: the destination's
// settings and mappings, and the alias when withAlias.
func (a *Assets) DestinationCreate(withAlias bool) Body {
	body := Body{}
	for k, v := range a.Destination {
		body[k] = v
	}
	if withAlias {
		body["aliases"] = Body{Alias: Body{}}
	}
	return body
}
