package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	libcmd "github.com/elastic/beats/v7/libbeat/cmd"
	"github.com/elastic/beats/v7/libbeat/cmd/instance"

	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
)

// exportFile is one body an export command writes with --dir.
type exportFile struct {
	dir, name string
	body      setup.Body
}

// addExportCommands replaces libbeat's `export template` and `export
// ilm-policy` (which would print libbeat's template and policy, not the
// ones setup installs) and adds `export pipeline` and `export transform`.
// All print the JSON bodies setup sends, built without Elasticsearch.
func (e *esAssets) addExportCommands(root *libcmd.BeatsRootCmd) {
	for _, c := range root.ExportCmd.Commands() {
		if n := c.Name(); n == "template" || n == "ilm-policy" {
			root.ExportCmd.RemoveCommand(c)
		}
	}
	root.ExportCmd.AddCommand(
		e.exportCommand("template", "Export the index template "+setup.TemplateName+" to stdout",
			func(a *setup.Assets) (setup.Body, []exportFile, error) {
				return a.Template, []exportFile{{"template", setup.TemplateName, a.Template}}, nil
			}, true),
		e.exportCommand("ilm-policy", "Export the ILM policy "+setup.PolicyName+" (or the data stream lifecycle with setup.dsl.enabled)",
			func(a *setup.Assets) (setup.Body, []exportFile, error) {
				switch a.Lifecycle {
				case setup.LifecycleILM:
					return a.Policy, []exportFile{{"policy", setup.PolicyName, a.Policy}}, nil
				case setup.LifecycleDSL:
					return a.DataStreamLifecycle, []exportFile{{"policy", setup.PolicyName, a.DataStreamLifecycle}}, nil
				}
				return nil, nil, errors.New("export ilm-policy: setup.ilm.enabled is false and setup.dsl.enabled is not true: no lifecycle is installed")
			}, false),
		e.exportCommand("pipeline", "Export the ingest pipeline "+setup.PipelineID+" (--dir also writes the transform destination's pipeline)",
			func(a *setup.Assets) (setup.Body, []exportFile, error) {
				return a.Pipeline, []exportFile{
					{"pipeline", setup.PipelineID, a.Pipeline},
					{"pipeline", setup.DestinationPipelineID, a.DestinationPipeline},
				}, nil
			}, false),
		e.exportCommand("transform", "Export the latest transform "+setup.TransformID+" (--dir also writes its destination index and pipeline)",
			func(a *setup.Assets) (setup.Body, []exportFile, error) {
				dest := setup.Body{"aliases": setup.Body{setup.Alias: setup.Body{}}}
				for k, v := range a.Destination {
					dest[k] = v
				}
				return a.Transform, []exportFile{
					{"transform", setup.TransformID, a.Transform},
					{"index", setup.Destination(a.TransformVersion), dest},
					{"pipeline", setup.DestinationPipelineID, a.DestinationPipeline},
				}, nil
			}, true),
	)
}

// exportCommand builds one export subcommand. pick returns the body for
// stdout and the files for --dir.
func (e *esAssets) exportCommand(use, short string, pick func(*setup.Assets) (setup.Body, []exportFile, error), mappings bool) *cobra.Command {
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
			body, files, err := pick(a)
			if err != nil {
				return err
			}
			dir, _ := c.Flags().GetString("dir")
			if dir == "" {
				return writeJSON(c.OutOrStdout(), body)
			}
			for _, f := range files {
				p := filepath.Join(dir, f.dir, f.name+".json")
				if err := writeJSONFile(p, f.body); err != nil {
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
