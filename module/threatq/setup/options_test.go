package setup

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/elastic/elastic-agent-libs/config"
)

func TestOptionsFromConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		want func(*Options)
		err  string
	}{
		{name: "empty", yaml: ``, want: func(*Options) {}},
		{name: "namespace", yaml: `threatqbeat.data_stream.namespace: prod`, want: func(o *Options) { o.Namespace = "prod" }},
		{name: "bad namespace", yaml: `threatqbeat.data_stream.namespace: Prod-1`, err: "threatqbeat.data_stream.namespace"},
		{name: "template settings", yaml: `
setup.template:
  overwrite: true
  priority: 300
  settings.index.number_of_replicas: 0`, want: func(o *Options) {
			o.TemplateOverwrite, o.Priority = true, 300
			o.IndexSettings = map[string]any{"number_of_replicas": int64(0)}
		}},
		{name: "template disabled", yaml: `setup.template.enabled: false`, want: func(o *Options) { o.TemplateEnabled = false }},
		{name: "priority of the built-in logs template", yaml: `setup.template.priority: 100`, err: "setup.template.priority 100 must be above 100"},
		{name: "priority below the built-in logs template", yaml: `setup.template.priority: 50`, err: "setup.template.priority 50 must be above 100"},
		{name: "priority just above", yaml: `setup.template.priority: 101`, want: func(o *Options) { o.Priority = 101 }},
		{name: "logsdb asked for", yaml: `setup.template.settings.index.mode: logsdb`, want: func(o *Options) { o.IndexSettings = map[string]any{"mode": "logsdb"} }},
		{name: "unknown index mode", yaml: `setup.template.settings.index.mode: time_series`, err: "setup.template.settings.index.mode time_series: want standard (the default) or logsdb"},
		{name: "template name is fixed", yaml: `setup.template.name: threatqbeat`, err: "setup.template.name and setup.template.pattern are fixed"},
		{name: "same template name is fine", yaml: `setup.template: {name: logs-ti_threatq.threat, pattern: "logs-ti_threatq.threat-*"}`, want: func(*Options) {}},
		{name: "json template refused", yaml: `setup.template.json: {enabled: true, path: t.json, name: t}`, err: "setup.template.json"},
		{name: "ilm disabled", yaml: `setup.ilm.enabled: false`, want: func(o *Options) { o.Lifecycle = LifecycleNone }},
		{name: "ilm explicit", yaml: `setup.ilm: {enabled: true, overwrite: true, policy_file: p.json}`, want: func(o *Options) {
			o.ILMExplicit, o.LifecycleOverwrite, o.PolicyFile = true, true, "p.json"
		}},
		{name: "dsl", yaml: `setup.dsl.enabled: true`, want: func(o *Options) { o.Lifecycle = LifecycleDSL }},
		{name: "dsl and ilm", yaml: `setup: {dsl.enabled: true, ilm.enabled: true}`, err: "both true"},
		{name: "lookup index", yaml: `setup.lookup_index.enabled: true`, want: func(o *Options) { o.LookupIndex = true }},
		{name: "lookup index off", yaml: `setup.lookup_index: {enabled: false}`, want: func(*Options) {}},
		{name: "lookup index not a boolean", yaml: `setup.lookup_index.enabled: sometimes`, err: "setup.lookup_index.enabled"},
		{name: "policy name is fixed", yaml: `setup.ilm.policy_name: threatqbeat`, err: "setup.ilm.policy_name is fixed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.NewConfigWithYAML([]byte(tc.yaml), "test")
			require.NoError(t, err)
			got, err := OptionsFromConfig(cfg)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			want := DefaultOptions()
			tc.want(&want)
			require.Equal(t, want, got)
		})
	}
}

func TestEffectiveLifecycle(t *testing.T) {
	o := DefaultOptions()
	l, err := o.Effective(false)
	require.NoError(t, err)
	require.Equal(t, LifecycleILM, l)
	l, err = o.Effective(true)
	require.NoError(t, err)
	require.Equal(t, LifecycleDSL, l, "Serverless has no ILM")
	o.ILMExplicit = true
	_, err = o.Effective(true)
	require.Error(t, err)
}

func TestNames(t *testing.T) {
	require.Equal(t, "logs-ti_threatq.threat-default", DataStream(""))
	require.Equal(t, "logs-ti_threatq.threat-prod", DataStream("prod"))
	require.Equal(t, "logs-ti_threatq.threat", TemplateName)
	require.Equal(t, "logs-ti_threatq.threat-*", TemplatePattern)
	require.Equal(t, "logs-ti_threatq_latest.dest_threat-7", Destination("7"))
}
