package beater

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/elastic/beats/v7/libbeat/common/reload"
	"github.com/elastic/beats/v7/libbeat/management/status"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestAgentSecretsNeverReachEventsLogsOrDiagnostics drives the input list
// through a start, a new client secret (which restarts the input) and an
// input that cannot run, with every log at debug level (the RunnerList's
// included), and searches everything the secrets could reach: the
// configurations the manager prints, the events and their client's
// dynamic fields, the logs, the diagnostics file and the errors.
func TestAgentSecretsNeverReachEventsLogsOrDiagnostics(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	log, err := logp.NewZapLogger(zap.New(core))
	require.NoError(t, err)
	p := &beatertest.Pipeline{AutoAck: true}
	h := newAgentHarnessWith(t, p, log)
	h.sim.SetCollection("c1", threatqtest.Generate(20, 3, start))
	const rotated = "rotated-s3cr3t-value"
	secrets := []string{agentSecret, rotated, "hunter2-passphrase", "proxy-hunter2-header"}
	withSecrets := func(clientSecret string) map[string]any {
		return map[string]any{
			"client_secret": clientSecret, "ssl.key_passphrase": "hunter2-passphrase",
			"proxy_headers": map[string]any{"X-Proxy-Auth": "proxy-hunter2-header"},
		}
	}
	diag := &diagRecorder{}
	var shown []string // every configuration as the manager keeps it
	reloadAll := func(list ...*reload.ConfigWithMeta) error {
		for _, c := range list {
			c.DiagCallback = diag
			var m map[string]any
			require.NoError(t, c.Config.Unpack(&m))
			b, err := json.Marshal(m)
			require.NoError(t, err)
			shown = append(shown, string(b))
		}
		return h.a.Reload(list)
	}

	require.NoError(t, reloadAll(h.unit("s1", []string{"c1"}, withSecrets(agentSecret))))
	require.Eventually(t, func() bool { return len(p.Events()) == 20 }, 10*time.Second, 5*time.Millisecond)
	first := h.runners()

	// A new secret is a new configuration: the input restarts with it
	// (ThreatQ refuses it here).
	rep := &beatertest.StatusRecorder{}
	changed := h.unit("s1", []string{"c1"}, withSecrets(rotated))
	changed.StatusReporter = rep
	bad := h.unit("bad", nil, withSecrets(rotated)) // no collections, no stream: an error of its unit
	reloadErr := reloadAll(changed, bad)
	require.Error(t, reloadErr)
	require.Len(t, h.runners(), 1)
	require.NotSame(t, first[0], h.runners()[0], "a new client secret restarts the input")
	require.Eventually(t, func() bool { s, _ := rep.Last(); return s == status.Degraded }, 10*time.Second, 5*time.Millisecond)

	texts := map[string]string{"reload error": reloadErr.Error()}
	var lines strings.Builder
	for _, e := range logs.All() {
		fmt.Fprintf(&lines, "%s %s %v\n", e.Level, e.Message, e.ContextMap())
	}
	texts["logs"] = lines.String()
	require.Contains(t, texts["logs"], "Starting runner", "the RunnerList's debug lines are among the logs searched")
	for i, e := range p.Events() {
		texts[fmt.Sprintf("event %d", i)] = e.Fields.String() + e.Meta.String()
	}
	for i, c := range p.Clients() {
		require.Nil(t, c.Config().Processing.DynamicFields, "no metadata is added to the events")
		texts[fmt.Sprintf("client %d", i)] = fmt.Sprint(c.Config().Processing.Meta)
	}
	diag.mu.Lock()
	hook := diag.hooks["threatq-input-s1"]
	diag.mu.Unlock()
	require.NotNil(t, hook)
	texts["diagnostics"] = string(hook())
	for i, c := range shown {
		texts[fmt.Sprintf("configuration %d", i)] = c
		require.Contains(t, c, sealedPrefix, "the configuration holds references")
	}
	for what, text := range texts {
		for _, secret := range secrets {
			require.NotContains(t, text, secret, "%s", what)
		}
	}
}

func TestAgentSecretsStayOutOfConfigAndDiagnostics(t *testing.T) {
	h := newAgentHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(10, 3, start))
	// A password in the URL is a secret too: diagnostics redact it.
	withPassword := strings.Replace(h.sim.URL(), "://", "://svc:urlpass-hunter2@", 1)
	u := h.unit("s1", []string{"c1"}, map[string]any{"ssl.key_passphrase": "hunter2-passphrase", "url": withPassword})
	var rendered map[string]any
	require.NoError(t, u.Config.Unpack(&rendered))
	b, _ := json.Marshal(rendered)
	require.True(t, IsSealed(rendered["client_secret"].(string)), "client_secret is a sealed reference")
	require.NotContains(t, string(b), "hunter2-passphrase")
	require.NotContains(t, string(b), agentSecret)

	d := &diagRecorder{}
	u.DiagCallback = d
	require.NoError(t, h.a.Reload([]*reload.ConfigWithMeta{u}))
	require.Eventually(t, func() bool { return len(h.p.Events()) == 10 }, 10*time.Second, 5*time.Millisecond)
	var again map[string]any
	require.NoError(t, u.Config.Unpack(&again))
	require.Equal(t, rendered, again, "the manager's copy is not changed")

	d.mu.Lock()
	hook := d.hooks["threatq-input-s1"]
	d.mu.Unlock()
	require.NotNil(t, hook)
	out := string(hook())
	require.Contains(t, out, `"collection_total": 10`)
	require.Contains(t, out, `"url": "http://127.0.0.1`, "url is shown without its user information")
	for _, secret := range []string{"hunter2", agentSecret, "svc:", "svc@"} {
		require.NotContains(t, out, secret)
	}
}

func TestAgentSecretsSealAndOpen(t *testing.T) {
	secrets := NewAgentSecrets()
	m := map[string]any{
		"client_secret": "s3",
		"ssl":           map[string]any{"key_passphrase": "p", "verification_mode": "full"},
		"url":           "https://tq",
	}
	require.Equal(t, []string{"client_secret", "ssl.key_passphrase"}, secrets.Seal(m))
	ref := m["client_secret"].(string)
	require.True(t, IsSealed(ref))
	require.True(t, IsSealed(m["ssl"].(map[string]any)["key_passphrase"].(string)))
	require.Equal(t, "full", m["ssl"].(map[string]any)["verification_mode"])
	require.Equal(t, "https://tq", m["url"])
	require.NoError(t, secrets.open(m))
	require.Equal(t, "s3", m["client_secret"])
	require.Equal(t, "p", m["ssl"].(map[string]any)["key_passphrase"])
	require.Nil(t, secrets.Seal(map[string]any{"url": "x"}))

	// The same value seals to the same reference, another value to another;
	// another process's references do not open.
	again := map[string]any{"client_secret": "s3"}
	secrets.Seal(again)
	require.Equal(t, ref, again["client_secret"])
	other := map[string]any{"client_secret": "s4"}
	secrets.Seal(other)
	require.NotEqual(t, ref, other["client_secret"])
	foreign := map[string]any{"client_secret": ref}
	require.ErrorContains(t, NewAgentSecrets().open(foreign), "threatqbeat.client_secret holds a sealed secret that this process did not seal")
	require.NotContains(t, ref, "s3")
}
