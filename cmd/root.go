package cmd

import (
	"github.com/elastic/beats/v7/libbeat/cmd"

	"github.com/threatqbeat/threatqbeat/beater"
)

// NewRootCommand returns threatqbeat's root command. Call it once per
// process: libbeat registers its flags globally.
func NewRootCommand() *cmd.BeatsRootCmd {
	es := newESAssets(Settings())
	secrets := beater.NewAgentSecrets() // sealed by the Agent unit transform, opened by the inputs
	root := cmd.GenRootCmdWithSettings(es.creator(beater.Creator(beater.Options{AgentSecrets: secrets})), es.settings)
	root.AddCommand(newDemoCommand())
	es.addSetupFlags(root)
	es.addExportCommands(root)
	addExportDataViewsCommand(root, es.settings)                // export_dataviews.go
	root.TestCmd.AddCommand(newTestThreatQCommand(es.settings)) // test_threatq.go
	replaceKeystoreCommands(root, es.settings)                  // keystore.go: no terminal, no panic
	registerAgent(root, secrets)                                // agent.go: Elastic Agent unit transform
	describeCommands(root)                                      // help.go
	return root
}
