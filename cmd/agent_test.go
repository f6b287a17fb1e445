//go:build !noagent

package cmd

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/elastic/elastic-agent-client/v7/pkg/client"
	"github.com/elastic/elastic-agent-client/v7/pkg/proto"

	"github.com/threatqbeat/threatqbeat/beater"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// agentGolden is the expected transform result of one unit: the
// configurations, with the sealed secrets shown as "(sealed)" (references
// change with every process) and their names listed, or the error.
type agentGolden struct {
	Inputs []agentGoldenInput `json:"inputs,omitempty"`
	Error  string             `json:"error,omitempty"`
}

type agentGoldenInput struct {
	Config map[string]any `json:"config"`
	Sealed []string       `json:"sealed,omitempty"`
}

// unsealed replaces the references in m by "(sealed)" and returns the keys
// (dotted) that held one, sorted.
func unsealed(m map[string]any, prefix string) []string {
	var keys []string
	for k, v := range m {
		switch v := v.(type) {
		case string:
			if beater.IsSealed(v) {
				m[k] = "(sealed)"
				keys = append(keys, prefix+k)
			}
		case map[string]any:
			keys = append(keys, unsealed(v, prefix+k+".")...)
		}
	}
	sort.Strings(keys)
	return keys
}

// TestAgentTransformGolden runs the unit transform on every
// testdata/agent/*.in.json (a proto.UnitExpectedConfig in protojson) and
// compares with *.out.json; -update rewrites them.
func TestAgentTransformGolden(t *testing.T) {
	ins, err := filepath.Glob("testdata/agent/*.in.json")
	require.NoError(t, err)
	require.NotEmpty(t, ins)
	info := &client.AgentInfo{ID: "agent-0001", Version: "9.4.0", Snapshot: false}
	for _, in := range ins {
		name := strings.TrimSuffix(filepath.Base(in), ".in.json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(in)
			require.NoError(t, err)
			unit := &proto.UnitExpectedConfig{}
			require.NoError(t, protojson.Unmarshal(raw, unit))
			before := protojson.Format(unit)

			var got agentGolden
			list, err := agentTransform(unit, info, beater.NewAgentSecrets())
			if err != nil {
				got.Error = err.Error()
			}
			for _, c := range list {
				var m map[string]any
				require.NoError(t, c.Config.Unpack(&m))
				require.Nil(t, c.Meta, "the metadata becomes fields of every event: nothing goes there")
				gi := agentGoldenInput{Config: m}
				gi.Sealed = unsealed(m, "")
				got.Inputs = append(got.Inputs, gi)
			}
			require.Equal(t, before, protojson.Format(unit), "the transform must not change the manager's unit")
			gotJSON, err := json.MarshalIndent(got, "", "  ")
			require.NoError(t, err)
			gotJSON = append(gotJSON, '\n')
			require.NotContains(t, string(gotJSON), "s3cr3t", "no secret value in the configurations")

			out := strings.TrimSuffix(in, ".in.json") + ".out.json"
			if *update {
				require.NoError(t, os.WriteFile(out, gotJSON, 0o644))
			}
			want, err := os.ReadFile(out)
			require.NoError(t, err, "run with -update to create it")
			var wantV, gotV any
			require.NoError(t, json.Unmarshal(want, &wantV))
			require.NoError(t, json.Unmarshal(gotJSON, &gotV))
			if d := cmp.Diff(wantV, gotV); d != "" {
				t.Fatalf("%s differs (-want +got), run with -update if intended:\n%s", out, d)
			}
		})
	}
}
