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
// threatqbeat's PreRun: never its own index management nor its dashboard
// step (threatqbeat imports the dashboards, without libbeat's generated
// data view, when --dashboards is given), and --pipelines (which calls the
// Creator and threatqbeat's installer) whenever anything is asked for.
func TestSetupFlagsMapOntoLibbeat(t *testing.T) {
	for _, tc := range []struct {
		args  string
		steps setup.Steps
		// threatqbeat imports the dashboards itself (dashboards.go)
		dashboards bool
		// libbeat's --pipelines after PreRun: it then calls the Creator and
		// the setup callback and nothing else
		pipelines bool
	}{
		{"", setup.All(), false, true},
		{"--transforms", setup.Steps{Transforms: true}, false, true},
		{"--pipelines", setup.Steps{Pipelines: true}, false, true},
		{"--index-management", setup.Steps{IndexManagement: true}, false, true},
		{"--index-management --transforms", setup.Steps{IndexManagement: true, Transforms: true}, false, true},
		{"--dashboards", setup.Steps{}, true, true},
		{"--dashboards --transforms", setup.Steps{Transforms: true}, true, true},
		{"--lookup-index", setup.Steps{LookupIndex: true}, false, true},
		{"--transforms --lookup-index", setup.Steps{Transforms: true, LookupIndex: true}, false, true},
	} {
		t.Run(tc.args, func(t *testing.T) {
			e, sc := setupCommand()
			require.NoError(t, sc.ParseFlags(strings.Fields(tc.args)))
			sc.PreRun(sc, nil)
			require.Equal(t, tc.steps, e.steps)
			require.Equal(t, tc.dashboards, e.dashboards)
			get := func(k string) bool {
				v, err := sc.Flags().GetBool(k)
				require.NoError(t, err)
				return v
			}
			require.False(t, get(libcmd.IndexManagementKey), "libbeat's own index management must not run")
			require.False(t, get(libcmd.DashboardKey), "libbeat's dashboard step would add the data view threatqbeat-*")
			require.Equal(t, tc.pipelines, get(libcmd.PipelineKey))
		})
	}
}
