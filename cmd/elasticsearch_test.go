package cmd

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	libcmd "github.com/elastic/beats/v7/libbeat/cmd"

	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
)

// setupCommand is a setup command with libbeat's flags and threatqbeat's
// additions, without building the whole root command (whose flags libbeat
// registers globally).
func setupCommand() (*esAssets, *cobra.Command) {
	sc := &cobra.Command{Use: "setup"}
	for _, k := range []string{libcmd.DashboardKey, libcmd.PipelineKey, libcmd.IndexManagementKey, libcmd.EnableAllFilesetsKey, libcmd.ForceEnableModuleFilesets} {
		sc.Flags().Bool(k, false, "")
	}
	e := &esAssets{}
	e.addSetupFlags(&libcmd.BeatsRootCmd{SetupCmd: sc})
	return e, sc
}

// TestSetupFlagsMapOntoLibbeat checks what libbeat is left to do after
// threatqbeat's PreRun: never its own index management, --pipelines (which
// calls threatqbeat's installer) whenever a threatqbeat step is chosen, and
// dashboards only when asked for.
func TestSetupFlagsMapOntoLibbeat(t *testing.T) {
	for _, tc := range []struct {
		args  string
		steps setup.Steps
		// libbeat's flags after PreRun
		pipelines, dashboards bool
	}{
		{"", setup.All(), true, false},
		{"--transforms", setup.Steps{Transforms: true}, true, false},
		{"--pipelines", setup.Steps{Pipelines: true}, true, false},
		{"--index-management", setup.Steps{IndexManagement: true}, true, false},
		{"--index-management --transforms", setup.Steps{IndexManagement: true, Transforms: true}, true, false},
		{"--dashboards", setup.Steps{}, false, true},
		{"--dashboards --transforms", setup.Steps{Transforms: true}, true, true},
	} {
		t.Run(tc.args, func(t *testing.T) {
			e, sc := setupCommand()
			require.NoError(t, sc.ParseFlags(strings.Fields(tc.args)))
			sc.PreRun(sc, nil)
			require.Equal(t, tc.steps, e.steps)
			get := func(k string) bool {
				v, err := sc.Flags().GetBool(k)
				require.NoError(t, err)
				return v
			}
			require.False(t, get(libcmd.IndexManagementKey), "libbeat's own index management must not run")
			require.Equal(t, tc.pipelines, get(libcmd.PipelineKey))
			require.Equal(t, tc.dashboards, get(libcmd.DashboardKey))
		})
	}
}
