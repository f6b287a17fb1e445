package setup

import (
	"errors"
	"fmt"
	"strings"

	"github.com/elastic/beats/v7/libbeat/mapping"
	"github.com/elastic/beats/v7/libbeat/template"
	"github.com/elastic/elastic-agent-libs/config"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// Lifecycle says how old data of the source data stream is deleted.
type Lifecycle int

const (
	// LifecycleILM is the ILM policy PolicyName, attached through the
	// template's index.lifecycle.name (the default on stateful clusters).
	LifecycleILM Lifecycle = iota
	// LifecycleDSL is a data stream lifecycle in the template
	// (setup.dsl.enabled, and the default on Serverless).
	LifecycleDSL
	// LifecycleNone attaches nothing (setup.ilm.enabled: false): the
	// cluster's defaults apply and nothing is deleted by threatqbeat's assets.
	LifecycleNone
)

func (l Lifecycle) String() string {
	switch l {
	case LifecycleILM:
		return "ILM"
	case LifecycleDSL:
		return "data stream lifecycle"
	default:
		return "none"
	}
}

// Options are the settings of threatqbeat.yml that shape the assets. The
// zero value is not useful; use DefaultOptions or OptionsFromConfig.
type Options struct {
	// Namespace is threatqbeat.data_stream.namespace: setup creates
	// DataStream(Namespace) and run writes to it.
	Namespace string

	// TemplateEnabled is setup.template.enabled: when false, run installs
	// nothing (neither template nor pipeline); setup still installs what it
	// is asked to.
	TemplateEnabled bool
	// TemplateOverwrite is setup.template.overwrite: setup writes the
	// template even when the installed one is current.
	TemplateOverwrite bool
	// Priority is setup.template.priority.
	Priority int
	// IndexSettings are setup.template.settings.index, merged into the
	// template's index settings (and the transform destination's).
	IndexSettings map[string]any
	// SourceSettings are setup.template.settings._source.
	SourceSettings map[string]any
	// AppendFields are setup.template.append_fields.
	AppendFields mapping.Fields

	// Lifecycle is the lifecycle asked for; on Serverless, ILM becomes DSL
	// unless it was chosen explicitly (see Effective).
	Lifecycle Lifecycle
	// ILMExplicit records setup.ilm.enabled: true in the configuration.
	ILMExplicit bool
	// LifecycleOverwrite is setup.ilm.overwrite or setup.dsl.overwrite:
	// setup writes the policy even when the installed one is current.
	LifecycleOverwrite bool
	// PolicyFile is setup.ilm.policy_file or setup.dsl.policy_file: a JSON
	// file replacing the default policy (ILM: {"policy": ...}; DSL: the
	// lifecycle object, e.g. {"data_retention": "7d"}).
	PolicyFile string

	// LookupIndex is setup.lookup_index.enabled: the transforms step also
	// installs the ES|QL lookup index LookupIndex and its transform.
	LookupIndex bool
}

// builtinLogsPriority is the priority of Elasticsearch's built-in logs
// template (x-pack StackTemplateRegistry, logs@template.json), which also
// matches the data stream's name.
const builtinLogsPriority = 100

// DefaultOptions are the options of an empty configuration.
func DefaultOptions() Options {
	return Options{
		Namespace:       threat.DefaultNamespace,
		TemplateEnabled: true,
		Priority:        150,
		Lifecycle:       LifecycleILM,
	}
}

// lifecycleConfig is the part of setup.ilm / setup.dsl threatqbeat reads.
type lifecycleConfig struct {
	Enabled    *bool  `config:"enabled"`
	PolicyName string `config:"policy_name"`
	PolicyFile string `config:"policy_file"`
	Overwrite  bool   `config:"overwrite"`
}

// OptionsFromConfig reads the options from the root configuration (the
// whole threatqbeat.yml with -E overrides). Settings that would make the
// assets differ from the names Kibana reads are refused.
func OptionsFromConfig(root *config.C) (Options, error) {
	o := DefaultOptions()
	if root == nil {
		return o, nil
	}
	var raw struct {
		Template *config.C       `config:"setup.template"`
		ILM      lifecycleConfig `config:"setup.ilm"`
		DSL      lifecycleConfig `config:"setup.dsl"`
		Lookup   struct {
			Enabled bool `config:"enabled"`
		} `config:"setup.lookup_index"`
		Namespace string `config:"threatqbeat.data_stream.namespace"`
	}
	if err := root.Unpack(&raw); err != nil {
		return o, fmt.Errorf("read setup settings: %w", err)
	}
	var errs []error
	o.LookupIndex = raw.Lookup.Enabled
	if raw.Namespace != "" {
		o.Namespace = raw.Namespace
	}
	if err := ValidateNamespace(o.Namespace); err != nil {
		errs = append(errs, err)
	}

	tc := template.TemplateConfig{Enabled: true, Name: TemplateName, Pattern: TemplatePattern, Priority: o.Priority}
	if raw.Template != nil {
		if err := raw.Template.Unpack(&tc); err != nil {
			return o, fmt.Errorf("read setup.template: %w", err)
		}
	}
	if tc.Name != TemplateName || tc.Pattern != TemplatePattern {
		errs = append(errs, fmt.Errorf("setup.template.name and setup.template.pattern are fixed to %q and %q (Kibana Security reads these names); remove them from the configuration", TemplateName, TemplatePattern))
	}
	if tc.JSON.Enabled || tc.Fields != "" {
		errs = append(errs, errors.New("setup.template.json and setup.template.fields are not supported: threatqbeat builds its template from its own fields; use setup.template.append_fields or setup.template.settings"))
	}
	o.TemplateEnabled, o.TemplateOverwrite, o.Priority = tc.Enabled, tc.Overwrite, tc.Priority
	o.IndexSettings, o.SourceSettings, o.AppendFields = tc.Settings.Index, tc.Settings.Source, tc.AppendFields
	if o.Priority <= builtinLogsPriority {
		errs = append(errs, fmt.Errorf("setup.template.priority %d must be above %d, the priority of Elasticsearch's built-in logs template (logs-*-*): at %d Elasticsearch refuses the template, below it the data stream would be made from the built-in template, without threatqbeat's mappings and ingest pipeline", o.Priority, builtinLogsPriority, builtinLogsPriority))
	}
	if mode, set := o.IndexSettings["mode"]; set && mode != "standard" && mode != "logsdb" {
		errs = append(errs, fmt.Errorf("setup.template.settings.index.mode %v: want standard (the default) or logsdb", mode))
	}

	ilmOn := raw.ILM.Enabled == nil || *raw.ILM.Enabled
	dslOn := raw.DSL.Enabled != nil && *raw.DSL.Enabled
	switch {
	case dslOn && raw.ILM.Enabled != nil && *raw.ILM.Enabled:
		errs = append(errs, errors.New("setup.ilm.enabled and setup.dsl.enabled are both true: choose one lifecycle"))
	case dslOn:
		o.Lifecycle, o.LifecycleOverwrite, o.PolicyFile = LifecycleDSL, raw.DSL.Overwrite, raw.DSL.PolicyFile
	case ilmOn:
		o.Lifecycle, o.LifecycleOverwrite, o.PolicyFile = LifecycleILM, raw.ILM.Overwrite, raw.ILM.PolicyFile
		o.ILMExplicit = raw.ILM.Enabled != nil
	default:
		o.Lifecycle = LifecycleNone
	}
	if n := raw.ILM.PolicyName; n != "" && n != PolicyName {
		errs = append(errs, fmt.Errorf("setup.ilm.policy_name is fixed to %q; remove it from the configuration (edit the policy in Kibana or use setup.ilm.policy_file to change retention)", PolicyName))
	}
	return o, errors.Join(errs...)
}

// Effective returns the lifecycle to install on a cluster: ILM is not
// available on Serverless, where the default becomes the data stream
// lifecycle; an explicit setup.ilm.enabled: true is an error there.
func (o Options) Effective(serverless bool) (Lifecycle, error) {
	if serverless && o.Lifecycle == LifecycleILM {
		if o.ILMExplicit {
			return o.Lifecycle, errors.New("setup.ilm.enabled is true but Elasticsearch is Serverless, which has no ILM: set setup.dsl.enabled: true instead")
		}
		return LifecycleDSL, nil
	}
	return o.Lifecycle, nil
}

// ValidateNamespace applies Elasticsearch's rules for the namespace part of
// a data stream name.
func ValidateNamespace(ns string) error {
	if ns == "" || len(ns) > 100 || strings.ContainsAny(ns, `-\/*?"<>| ,#:`) || strings.ToLower(ns) != ns {
		return fmt.Errorf("threatqbeat.data_stream.namespace %q must be 1-100 lowercase characters without -\\/*?\"<>| ,#:", ns)
	}
	return nil
}
