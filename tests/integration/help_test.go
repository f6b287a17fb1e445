//go:build integration

package integration

import (
	"strings"
	"testing"
)

// TestHelpDescribesThreatqbeatCommands: `export --help`, `test --help` and
// `--help` say what threatqbeat's subcommands do, not libbeat's generic
// "Export current config or index template" and "Test config".
func TestHelpDescribesThreatqbeatCommands(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"export", "--help"}, []string{"without contacting Elasticsearch", "ingest pipeline logs-ti_threatq.threat", "latest transform logs-ti_threatq.latest_ioc", "lookup-index", "data views of the dashboards", "the bodies `setup` sends"}},
		{[]string{"test", "--help"}, []string{"ThreatQ accepts the client credentials", "unknown keys", "the configured output", "threatq ", "config ", "output "}},
		{[]string{"--help"}, []string{"threatqbeat demo --serve", "threatqbeat test threatq", "indicators of ThreatQ data collections"}},
	} {
		out, err := runIn(t, t.TempDir(), tc.args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", tc.args, err, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("%v does not say %q:\n%s", tc.args, w, out)
			}
		}
		for _, generic := range []string{"Export current config or index template", "Test config\n"} {
			if strings.Contains(string(out), generic) {
				t.Errorf("%v still says libbeat's %q", tc.args, generic)
			}
		}
	}
}
