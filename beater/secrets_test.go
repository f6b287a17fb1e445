package beater

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/elastic/beats/v7/libbeat/beat"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// observedBeat builds a Beater from a complete threatqbeat: section whose
// logs (debug level) are recorded; its cursors go to dataDir.
func observedBeat(t *testing.T, dataDir, yaml string, opts Options) (*Beater, *beat.Beat, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	log, err := logp.NewZapLogger(zap.New(core))
	require.NoError(t, err)
	raw, err := conf.NewConfigWithYAML([]byte(yaml), "test")
	require.NoError(t, err)
	b := &beat.Beat{Info: beat.Info{Logger: log}}
	opts.DataDir, opts.LogsDir = dataDir, t.TempDir()
	bt, err := NewWithOptions(b, raw, opts)
	require.NoError(t, err)
	return bt, b, logs
}

// logText is every recorded log line with its fields.
func logText(logs *observer.ObservedLogs) string {
	var b strings.Builder
	for _, e := range logs.All() {
		fmt.Fprintf(&b, "%s %s %v\n", e.Level, e.Message, e.ContextMap())
	}
	return b.String()
}

// TestURLUserinfoNeverLeaves: a user and password in url are used nowhere:
// not in threat.indicator.reference, not in any log line, not in the
// requests (ThreatQ authenticates with the client credentials).
func TestURLUserinfoNeverLeaves(t *testing.T) {
	sim := threatqtest.New(threatqtest.Options{})
	t.Cleanup(sim.Close)
	sim.SetCollection("c1", threatqtest.Generate(20, 1, start))
	withUser := strings.Replace(sim.URL(), "http://", "http://url-user:url-pa55w0rd@", 1)
	yaml := fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\nrun_once: true\ncollections: [{id: c1}]\n", withUser)
	bt, b, logs := observedBeat(t, t.TempDir(), yaml, Options{})
	p := &beatertest.Pipeline{AutoAck: true}
	b.Publisher = p
	require.NoError(t, bt.Run(b))
	require.Len(t, p.Events(), 20)

	for _, e := range p.Events() {
		ref, err := e.Fields.GetValue("threat.indicator.reference")
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(ref.(string), sim.URL()+"/indicators/"), ref)
	}
	text := logText(logs)
	require.Contains(t, text, "threatqbeat is running")
	for _, secret := range []string{"url-pa55w0rd", "url-user"} {
		require.NotContains(t, text, secret)
		for _, e := range p.Events() {
			require.NotContains(t, e.Fields.String(), secret)
		}
	}
	require.NotContains(t, sim.Stats().LastHeader.Get("Authorization"), "Basic", "the bearer token authenticates the page requests")
}
