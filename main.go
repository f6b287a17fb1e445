// Command threatqbeat ships ThreatQ indicators of compromise to
// Elasticsearch as ECS threat indicator events.
package main

import (
	"os"

	"github.com/threatqbeat/threatqbeat/cmd"
)

func main() {
	if err := cmd.NewRootCommand().Execute(); err != nil {
		os.Exit(1)
	}
}
