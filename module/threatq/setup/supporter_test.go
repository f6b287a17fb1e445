package setup

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/idxmgmt"
	"github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/mapstr"
)

func supporter(t *testing.T, yaml string) *Supporter {
	t.Helper()
	cfg, err := config.NewConfigWithYAML([]byte(yaml), "test")
	require.NoError(t, err)
	s, err := NewSupporter(nil, beat.Info{Beat: "threatqbeat", Version: "9.4.0"}, cfg)
	require.NoError(t, err)
	return s
}

func event(namespace string, meta mapstr.M) *beat.Event {
	f := mapstr.M{}
	if namespace != "" {
		f["data_stream"] = mapstr.M{"type": "logs", "dataset": "ti_threatq.threat", "namespace": namespace}
	}
	return &beat.Event{Timestamp: time.Now(), Fields: f, Meta: meta}
}

func TestBuildSelector(t *testing.T) {
	for _, tc := range []struct {
		name   string
		root   string
		output string
		event  *beat.Event
		want   string
	}{
		{"default namespace", ``, ``, event("default", mapstr.M{"_id": "1-2"}), "logs-ti_threatq.threat-default"},
		{"event namespace", ``, ``, event("prod", nil), "logs-ti_threatq.threat-prod"},
		{"configured namespace as fallback", `threatqbeat.data_stream.namespace: dev`, ``, event("", nil), "logs-ti_threatq.threat-dev"},
		{"raw_index from Agent", ``, ``, event("default", mapstr.M{"raw_index": "logs-ti_threatq.threat-Agent"}), "logs-ti_threatq.threat-agent"},
		{"meta index", ``, ``, event("default", mapstr.M{"index": "custom"}), "custom"},
		{"output index", ``, `index: "threatq-%{[agent.name]}"`, &beat.Event{Fields: mapstr.M{"agent": mapstr.M{"name": "x"}}}, "threatq-x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := supporter(t, tc.root)
			out, err := config.NewConfigWithYAML([]byte(tc.output), "output")
			require.NoError(t, err)
			sel, err := s.BuildSelector(out)
			require.NoError(t, err)
			got, err := sel.Select(tc.event)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestSupporterKeepsLibbeatLoaderOff(t *testing.T) {
	s := supporter(t, ``)
	require.False(t, s.Enabled(), "libbeat must not register its template loader")
	m := s.Manager(nil, nil)
	ok, _ := m.VerifySetup(idxmgmt.LoadModeEnabled, idxmgmt.LoadModeEnabled)
	require.True(t, ok)
	require.ErrorIs(t, m.Setup(idxmgmt.LoadModeEnabled, idxmgmt.LoadModeEnabled), ErrLibbeatIndexManagement)
}

func TestSupporterRefusesBadSettings(t *testing.T) {
	cfg, err := config.NewConfigWithYAML([]byte(`setup.template.name: foo`), "test")
	require.NoError(t, err)
	_, err = IndexManagement(nil, beat.Info{}, cfg)
	require.ErrorContains(t, err, "setup.template.name")
}
