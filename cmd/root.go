package cmd

import (
	"github.com/elastic/beats/v7/libbeat/cmd"

	"github.com/threatqbeat/threatqbeat/beater"
)

// NewRootCommand returns threatqbeat's root command. Call it once per
// process: libbeat registers its flags globally.
func NewRootCommand() *cmd.BeatsRootCmd {
	root := cmd.GenRootCmdWithSettings(beater.New, Settings())
	root.AddCommand(newDemoCommand())
	return root
}
