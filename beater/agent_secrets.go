package beater

import (
	"strings"

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
	secrets := mapstr.M{}
	for _, key := range secretKeys {
		if v, ok := cfg[key]; ok {
			secrets[key] = v
			delete(cfg, key)
			continue
		}
		parent, last := nestedParent(cfg, key)
		if parent == nil {
			continue
		}
		if v, ok := parent[last]; ok {
			secrets[key] = v
			delete(parent, last)
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
	var secrets map[string]any
	switch v := meta.Get()[agentSecretsKey].(type) {
	case mapstr.M:
		secrets = v
	case map[string]any:
		secrets = v
	default:
		return
	}
	for key, v := range secrets {
		parts := strings.Split(key, ".")
		m := cfg
		for _, p := range parts[:len(parts)-1] {
			child, ok := asMap(m[p])
			if !ok {
				child = map[string]any{}
				m[p] = child
			}
			m = child
		}
		m[parts[len(parts)-1]] = v
	}
}

// nestedParent returns the map holding the last element of a dotted key.
func nestedParent(cfg map[string]any, key string) (map[string]any, string) {
	parts := strings.Split(key, ".")
	m := cfg
	for _, p := range parts[:len(parts)-1] {
		child, ok := asMap(m[p])
		if !ok {
			return nil, ""
		}
		m = child
	}
	return m, parts[len(parts)-1]
}

func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case mapstr.M:
		return m, true
	}
	return nil, false
}
