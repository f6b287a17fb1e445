package config

import (
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/elastic/go-ucfg"
	"github.com/elastic/go-ucfg/parse"

	conf "github.com/elastic/elastic-agent-libs/config"
)

// unresolved returns an error for every value of raw that refers to a
// variable (${NAME}) defined neither in the keystore nor in the
// environment, saying how to define it; nil when there is none. go-ucfg
// alone reports such a value as "missing field accessing
// 'threatqbeat.client_secret'".
func unresolved(raw *conf.C) error {
	var errs []error
	walkValues(raw, raw.Path(), func(parent *conf.C, name string, idx int, path string) {
		if _, err := parent.String(name, idx); err == nil || !isMissing(err) {
			return
		}
		var names []string
		record := func(key string) (string, parse.Config, error) {
			if !slices.Contains(names, key) {
				names = append(names, key)
			}
			return "", parse.NoopConfig, nil
		}
		_, _ = (*ucfg.Config)(parent).String(name, idx, ucfg.PathSep("."), ucfg.Resolve(record))
		for _, v := range names {
			if _, inEnv := os.LookupEnv(v); inEnv {
				continue
			}
			errs = append(errs, fmt.Errorf("%s refers to ${%s}, which is defined neither in the keystore nor in the environment: "+
				"add it with `threatqbeat keystore add %s` (create the keystore first with `threatqbeat keystore create`; "+
				"under a service, run both as the service's user with its --path.data), or set the environment variable %s",
				path, v, v, v))
		}
	})
	return errors.Join(errs...)
}

// isMissing reports go-ucfg's missing-field error.
func isMissing(err error) bool {
	var uerr ucfg.Error
	return errors.As(err, &uerr) && errors.Is(uerr.Reason(), ucfg.ErrMissing)
}

// walkValues calls fn for every value of c that is not an object: with its
// parent, its name, its index in a list (-1 outside lists) and its path.
func walkValues(c *conf.C, path string, fn func(parent *conf.C, name string, idx int, path string)) {
	fields := c.GetFields()
	slices.Sort(fields)
	for _, name := range fields {
		p := join(path, name)
		if n, err := c.CountField(name); err == nil && isList(c, name) {
			for i := range n {
				if child, err := c.Child(name, i); err == nil && child.IsDict() {
					walkValues(child, fmt.Sprintf("%s[%d]", p, i), fn)
				} else {
					fn(c, name, i, fmt.Sprintf("%s[%d]", p, i))
				}
			}
			continue
		}
		if child, err := c.Child(name, -1); err == nil && child.IsDict() {
			walkValues(child, p, fn)
			continue
		}
		fn(c, name, -1, p)
	}
}

// isList reports whether the field name of c holds a list.
func isList(c *conf.C, name string) bool {
	child, err := c.Child(name, -1)
	return err == nil && child.IsArray()
}
