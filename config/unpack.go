package config

import (
	"errors"

	conf "github.com/elastic/elastic-agent-libs/config"
)

// Unpack reads raw, the threatqbeat section or an Elastic Agent input
// configuration, into a Config that starts from Default() and is
// validated. Besides the errors of Validate it refuses keys no setting has
// (CheckKeys; also widens the known keys) and explains variables that
// resolve nowhere.
func Unpack(raw *conf.C, also ...any) (Config, error) {
	cfg := Default()
	if raw == nil {
		raw = conf.NewConfig()
	}
	keysErr := CheckKeys(raw, also...)
	err := raw.Unpack(&cfg)
	if err != nil && isMissing(err) {
		if explained := unresolved(raw); explained != nil {
			err = explained
		}
	}
	if err := errors.Join(keysErr, err); err != nil {
		return Config{}, err
	}
	return cfg, nil
}
