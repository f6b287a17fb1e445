package beater

import (
	"github.com/elastic/elastic-agent-libs/mapstr"
)

// agentSecretsKey is the key of the secrets in the metadata of an Agent
// input's reload.ConfigWithMeta.
const agentSecretsKey = "threatqbeat_secrets"

// secretKeys are the settings of an input that hold secrets.
var secretKeys = []string{"client_secret", "ssl.key_passphrase", "ssl.key", "proxy_headers"}

// SplitAgentSecrets removes the secret settings (client_secret,
// ssl.key_passphrase, ssl.key, proxy_headers) from the configuration of an
// Elastic Agent input, written either nested or with dotted keys, and
// returns them as the metadata of the input's reload.ConfigWithMeta (nil
// when there are none).
//
// Why: libbeat's Agent manager keeps the configurations it hands to the
// beat and prints them in the component's "beat-rendered-config"
// diagnostics file. The metadata is not printed, and the input manager
// (agentInputs) puts the secrets back into a copy of the configuration.
func SplitAgentSecrets(cfg map[string]any) *mapstr.Pointer {
	m, secrets := mapstr.M(cfg), mapstr.M{}
	for _, key := range secretKeys {
		if v, err := m.GetValue(key); err == nil { // dotted or nested
			secrets[key] = v
			_ = m.Delete(key)
		}
	}
	if len(secrets) == 0 {
		return nil
	}
	p := mapstr.NewPointer(mapstr.M{agentSecretsKey: secrets})
	return &p
}

// joinAgentSecrets puts the secrets of meta (see SplitAgentSecrets) back
// into cfg, nested.
func joinAgentSecrets(cfg map[string]any, meta *mapstr.Pointer) {
	if meta == nil {
		return
	}
	secrets, err := meta.Get().GetValue(agentSecretsKey)
	if err != nil {
		return
	}
	m, ok := secrets.(mapstr.M)
	if !ok {
		if plain, isMap := secrets.(map[string]any); isMap {
			m, ok = plain, true
		}
	}
	if !ok {
		return
	}
	for key, v := range m {
		_, _ = mapstr.M(cfg).Put(key, v)
	}
}
