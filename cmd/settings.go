// Package cmd is threatqbeat's command line: libbeat's run, setup, export,
// test, keystore and version commands, plus demo.
package cmd

import (
	"github.com/elastic/beats/v7/libbeat/cmd/instance"
	"github.com/elastic/beats/v7/libbeat/publisher/processing"

	// Registers the generated fields.yml as the beat's fields asset.
	_ "github.com/threatqbeat/threatqbeat/include"
)

// Name is the beat's name: binary, config file, fields asset and logger.
const Name = "threatqbeat"

// Version is threatqbeat's version.
const Version = "0.1.0"

// Settings are the libbeat instance settings of threatqbeat.
func Settings() instance.Settings {
	return instance.Settings{
		Name:    Name,
		Version: Version,
		// agent.* metadata only: ecs.version is set by the mapping (the
		// default modifier would overwrite it with libbeat's older ECS
		// version), and host.* would describe the machine threatqbeat runs
		// on, not where an indicator was seen.
		Processing: processing.MakeDefaultSupport(true, nil, processing.WithAgentMeta()),
	}
}
