package beater

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/elastic/elastic-agent-libs/mapstr"
)

// secretKeys are the settings of an input that hold secrets.
var secretKeys = []string{"client_secret", "ssl.key_passphrase", "ssl.key", "proxy_headers"}

// sealedPrefix starts every reference AgentSecrets makes.
const sealedPrefix = "threatqbeat-sealed:"

// AgentSecrets keeps the secret settings of Elastic Agent inputs
// (client_secret, ssl.key_passphrase, ssl.key, proxy_headers) inside the
// process, out of the input configurations.
//
// Why: libbeat's Agent manager keeps the configurations it hands to the
// beat and prints them in the component's beat-rendered-config diagnostics
// file, whose inputs elastic-agent's redaction does not cover (it redacts
// secret-looking keys outside lists only); and cfgfile.RunnerList adds a
// configuration's metadata to every event of its runner (as dynamic
// fields), so the metadata cannot carry them either. The unit transform
// (cmd/agent.go) seals each secret: the value stays here and the
// configuration holds a reference, an HMAC of the value under a key drawn
// when the process starts. The reference tells nothing about the value and
// no other process can open it; a changed secret is a changed reference,
// so the RunnerList restarts the input. The input factory opens the
// references of its copy of the configuration.
type AgentSecrets struct {
	key [32]byte

	mu     sync.Mutex
	values map[string]any // by reference; one entry per distinct secret
}

// NewAgentSecrets returns an empty store with a fresh key.
func NewAgentSecrets() *AgentSecrets {
	s := &AgentSecrets{values: map[string]any{}}
	_, _ = rand.Read(s.key[:]) // never fails (crypto/rand)
	return s
}

// Seal replaces each secret setting of cfg, written nested or with dotted
// keys, by a reference (nested), keeps its value, and returns the keys it
// sealed, sorted.
func (s *AgentSecrets) Seal(cfg map[string]any) []string {
	m := mapstr.M(cfg)
	var sealed []string
	for _, key := range secretKeys {
		v, err := m.GetValue(key)
		if err != nil {
			continue
		}
		_ = m.Delete(key)
		_, _ = m.Put(key, s.keep(key, v))
		sealed = append(sealed, key)
	}
	slices.Sort(sealed)
	return sealed
}

// keep stores v and returns its reference.
func (s *AgentSecrets) keep(key string, v any) string {
	b, err := json.Marshal(v) // map keys sorted: one reference per value
	if err != nil {
		b = []byte(fmt.Sprint(v))
	}
	mac := hmac.New(sha256.New, s.key[:])
	mac.Write([]byte(key))
	mac.Write([]byte{0})
	mac.Write(b)
	ref := sealedPrefix + hex.EncodeToString(mac.Sum(nil)[:16])
	s.mu.Lock()
	s.values[ref] = v
	s.mu.Unlock()
	return ref
}

// open puts the values of cfg's references back (nested). A setting that
// is not a reference is left as it is; a reference this store did not make
// is an error naming the setting. A nil store opens nothing.
func (s *AgentSecrets) open(cfg map[string]any) error {
	m := mapstr.M(cfg)
	for _, key := range secretKeys {
		v, err := m.GetValue(key)
		if err != nil {
			continue
		}
		ref, ok := v.(string)
		if !ok || !IsSealed(ref) {
			continue
		}
		var val any
		found := false
		if s != nil {
			s.mu.Lock()
			val, found = s.values[ref]
			s.mu.Unlock()
		}
		if !found {
			return fmt.Errorf("threatqbeat.%s holds a sealed secret that this process did not seal", key)
		}
		_ = m.Delete(key)
		_, _ = m.Put(key, val)
	}
	return nil
}

// IsSealed reports a reference made by AgentSecrets.Seal.
func IsSealed(v string) bool { return strings.HasPrefix(v, sealedPrefix) }
