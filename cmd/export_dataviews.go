package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	libcmd "github.com/elastic/beats/v7/libbeat/cmd"
	"github.com/elastic/beats/v7/libbeat/cmd/instance"
	"github.com/elastic/elastic-agent-libs/paths"
)

// addExportDataViewsCommand replaces libbeat's `export index-pattern`,
// which prints a data view "threatqbeat-*" built from fields.yml: it
// matches no index (events go to logs-ti_threatq.threat-*), and `setup
// --dashboards` does not import it either (dashboards.go). This one prints
// the data views the dashboards use, read from the same directory `setup
// --dashboards` imports (setup.dashboards.directory, by default
// <path.home>/kibana): one saved object per line, the NDJSON that Kibana's
// saved objects import API takes.
func addExportDataViewsCommand(root *libcmd.BeatsRootCmd, settings instance.Settings) {
	for _, c := range root.ExportCmd.Commands() {
		if c.Name() == "index-pattern" {
			root.ExportCmd.RemoveCommand(c)
		}
	}
	root.ExportCmd.AddCommand(&cobra.Command{
		Use:          "index-pattern",
		Short:        "Export the Kibana data views of the dashboards (NDJSON for Kibana's saved objects import)",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(c *cobra.Command, _ []string) error {
			b, err := instance.NewInitializedBeat(settings)
			if err != nil {
				return fmt.Errorf("initialise threatqbeat: %w", err)
			}
			dir, _ := b.RawConfig.String("setup.dashboards.directory", -1)
			if dir == "" {
				dir = b.Paths.Resolve(paths.Home, "kibana")
			}
			return writeDataViews(c.OutOrStdout(), dir)
		},
	})
}

// writeDataViews writes the saved objects of dir/7/index-pattern, sorted
// by file name, one compact JSON object per line.
func writeDataViews(w io.Writer, dir string) error {
	viewDir := filepath.Join(dir, "7", "index-pattern")
	files, err := filepath.Glob(filepath.Join(viewDir, "*.json"))
	if err != nil {
		return fmt.Errorf("list the data views in %s: %w", viewDir, err)
	}
	if len(files) == 0 {
		if _, err := os.Stat(viewDir); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("no data views: %s does not exist (the release archive's kibana folder belongs in path.home, or set setup.dashboards.directory)", viewDir)
		}
		return fmt.Errorf("no data views: %s holds no .json file", viewDir)
	}
	slices.Sort(files)
	var out bytes.Buffer
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("read the data view %s: %w", f, err)
		}
		var obj map[string]any
		if err := json.Unmarshal(raw, &obj); err != nil {
			return fmt.Errorf("read the data view %s: %w", f, err)
		}
		if obj["type"] != "index-pattern" {
			return fmt.Errorf("read the data view %s: type is %v, not index-pattern", f, obj["type"])
		}
		if err := json.Compact(&out, raw); err != nil {
			return fmt.Errorf("read the data view %s: %w", f, err)
		}
		out.WriteByte('\n')
	}
	_, err = w.Write(out.Bytes())
	return err
}
