// Package cmd is threatqbeat's command line: libbeat's run, setup, export,
// test, keystore and version commands, plus demo.
package cmd

import (
	"github.com/elastic/beats/v7/libbeat/cfgfile"
	"github.com/elastic/beats/v7/libbeat/cmd/instance"
	"github.com/elastic/beats/v7/libbeat/publisher/processing"
	"github.com/elastic/beats/v7/libbeat/version"

	"github.com/threatqbeat/threatqbeat/module/threatq/setup"

	// Registers the generated fields.yml as the beat's fields asset.
	_ "github.com/threatqbeat/threatqbeat/include"
)

// Name is the beat's name: binary, config file, fields asset and logger.
const Name = "threatqbeat"

// Settings are the libbeat instance settings of threatqbeat.
func Settings() instance.Settings {
	return instance.Settings{
		Name: Name,
		// threatqbeat's version follows the libbeat release it is built on:
		// libbeat derives the Elasticsearch compatibility check, the default
		// template and the ILM support test from it.
		Version: version.GetDefaultVersion(),
		// Lets the template use the wildcard and match_only_text types of
		// Elasticsearch's default (basic) distribution, as ECS asks for URLs.
		ElasticLicensed: true,
		// `setup --dashboards` imports the saved objects of
		// <path.home>/kibana/7 (_meta/kibana/7 in the source tree; set
		// setup.dashboards.directory to load them from elsewhere).
		HasDashboards: true,
		// agent.* metadata only: ecs.version is set by the mapping (the
		// default modifier would overwrite it with libbeat's older ECS
		// version), and host.* would describe the machine threatqbeat runs
		// on, not where an indicator was seen.
		// No event normalization: the mapping builds normalized events
		// already (threat.TestEventsAreAlreadyNormalized), and normalizing
		// copied every event.
		Processing: processing.MakeDefaultSupport(false, nil, processing.WithAgentMeta()),
		// The Elasticsearch output writes to logs-ti_threatq.threat-<namespace>
		// and libbeat's own template loader stays off: threatqbeat installs
		// its assets itself (see module/threatq/setup.Supporter).
		IndexManagement: setup.IndexManagement,
		// Memory queue defaults for bursts of a page (cmd/queue.go).
		ConfigOverrides: []cfgfile.ConditionalOverride{queueOverride()},
	}
}
