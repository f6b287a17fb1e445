package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	libcmd "github.com/elastic/beats/v7/libbeat/cmd"
	"github.com/elastic/beats/v7/libbeat/cmd/instance"

	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
)

// addExportCommands replaces libbeat's `export template` and `export
// ilm-policy` (which would print libbeat's template and policy, not the
// ones setup installs) and adds `export pipeline`, `export transform` and
// `export lookup-index`.
// All print the JSON bodies setup sends, built without Elasticsearch
// (setup.Assets.Export says which).
func (e *esAssets) addExportCommands(root *libcmd.BeatsRootCmd) {
	for _, c := range root.ExportCmd.Commands() {
		if n := c.Name(); n == "template" || n == "ilm-policy" {
			root.ExportCmd.RemoveCommand(c)
		}
	}
	root.ExportCmd.AddCommand(
		e.exportCommand("template", "Export the index template "+setup.TemplateName+" to stdout", true),
		e.exportCommand("ilm-policy", "Export the ILM policy "+setup.PolicyName+" (or the data stream lifecycle with setup.dsl.enabled)", false),
		e.exportCommand("pipeline", "Export the ingest pipeline "+setup.PipelineID+" (--dir also writes the transform destination's pipeline)", false),
		e.exportCommand("transform", "Export the latest transform "+setup.TransformID+" (--dir also writes its destination's index template, index and pipeline)", true),
		e.exportCommand("lookup-index", "Export the ES|QL lookup index's transform "+setup.LookupTransformID+" (--dir also writes the index "+setup.LookupIndex+", its template and pipeline)", true),
	)
}

// exportCommand builds one export subcommand: the first of the asset's
// files on stdout, or all of them under --dir.
func (e *esAssets) exportCommand(use, short string, mappings bool) *cobra.Command {
	c := &cobra.Command{
		Use:          use,
		Short:        short,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(c *cobra.Command, _ []string) error {
			a, err := e.buildForExport(c)
			if err != nil {
				return err
			}
			files, err := a.Export(use)
			if err != nil {
				return err
			}
			dir, _ := c.Flags().GetString("dir")
			if dir == "" {
				return writeJSON(c.OutOrStdout(), files[0].Body)
			}
			for _, f := range files {
				p := filepath.Join(dir, f.Dir, f.Name+".json")
				if err := writeJSONFile(p, f.Body); err != nil {
					return fmt.Errorf("export %s: %w", use, err)
				}
				fmt.Fprintln(c.OutOrStdout(), "Wrote "+p)
			}
			return nil
		},
	}
	c.Flags().String("dir", "", "Write the JSON files under this directory instead of printing to stdout")
	if mappings {
		c.Flags().String("es.version", e.settings.Version, "Elasticsearch version the mappings are built for")
	}
	if use == "template" {
		c.Flags().Bool("noilm", false, "Build the template without a lifecycle")
	}
	return c
}

// buildForExport reads the configuration (no Elasticsearch) and builds the
// bodies as setup would.
func (e *esAssets) buildForExport(c *cobra.Command) (*setup.Assets, error) {
	b, err := instance.NewInitializedBeat(e.settings)
	if err != nil {
		return nil, fmt.Errorf("initialise threatqbeat: %w", err)
	}
	opts, err := setup.OptionsFromConfig(b.RawConfig)
	if err != nil {
		return nil, err
	}
	if noILM, _ := c.Flags().GetBool("noilm"); noILM {
		opts.Lifecycle = setup.LifecycleNone
	}
	ev := env(&b.Beat)
	ev.ESVersion, _ = c.Flags().GetString("es.version")
	return setup.Build(opts, ev, b.Info.Logger)
}

func writeJSON(w io.Writer, body setup.Body) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(body); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func writeJSONFile(path string, body setup.Body) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := writeJSON(f, body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
