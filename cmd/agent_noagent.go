//go:build noagent

package cmd

import (
	"github.com/elastic/beats/v7/libbeat/cmd"

	"github.com/threatqbeat/threatqbeat/beater"
)

// registerAgent does nothing in a build without Elastic Agent support
// (-tags noagent): management.enabled then runs the beat standalone, as
// libbeat does without its Agent manager.
func registerAgent(*cmd.BeatsRootCmd, *beater.AgentSecrets) {}
