package cmd

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/elastic/elastic-agent-libs/keystore"
)

// fileStore opens the same file keystore at every call, as each command
// invocation does.
func fileStore(t *testing.T) func() (keystore.Keystore, error) {
	path := filepath.Join(t.TempDir(), "threatqbeat.keystore")
	return func() (keystore.Keystore, error) { return keystore.NewFileKeystore(path) }
}

func value(t *testing.T, open func() (keystore.Keystore, error), key string) string {
	t.Helper()
	s, err := open()
	require.NoError(t, err)
	v, err := s.Retrieve(key)
	require.NoError(t, err)
	b, err := v.Get()
	require.NoError(t, err)
	return string(b)
}

// Without a terminal every question becomes an error naming the flag that
// answers it; nothing panics and nothing is read from a pipe as an answer.
func TestKeystoreWithoutTerminal(t *testing.T) {
	open := fileStore(t)
	pipe := func(in string) *console { return &console{in: strings.NewReader(in), out: &bytes.Buffer{}} }

	err := addKey(open, pipe(""), "THREATQ_CLIENT_SECRET", false, false)
	require.ErrorContains(t, err, "standard input is not a terminal, so the value cannot be typed in")
	require.ErrorContains(t, err, "threatqbeat keystore add THREATQ_CLIENT_SECRET --stdin")

	err = addKey(open, pipe("s1"), "THREATQ_CLIENT_SECRET", false, true)
	require.ErrorContains(t, err, "there is no keystore yet: create it with `threatqbeat keystore create`, or pass --force")

	require.NoError(t, createKeystore(open, pipe(""), false))
	err = createKeystore(open, pipe("y\n"), false)
	require.ErrorContains(t, err, "A keystore already exists. Replace it and lose its keys (standard input is not a terminal, so nobody can answer): keep it, or pass --force")

	require.NoError(t, addKey(open, pipe("s1"), "THREATQ_CLIENT_SECRET", false, true))
	require.Equal(t, "s1", value(t, open, "THREATQ_CLIENT_SECRET"))

	// An existing key: libbeat asked on the terminal and panicked without one.
	err = addKey(open, pipe(""), "THREATQ_CLIENT_SECRET", false, false)
	require.ErrorContains(t, err, "--stdin")
	err = addKey(open, pipe("s2"), "THREATQ_CLIENT_SECRET", false, true)
	require.ErrorContains(t, err, "the key exists already: pass --force to replace it")
	require.NoError(t, addKey(open, pipe("s2"), "THREATQ_CLIENT_SECRET", true, true))
	require.Equal(t, "s2", value(t, open, "THREATQ_CLIENT_SECRET"))
}

// On a terminal the value is read without echo and questions are asked.
func TestKeystoreOnTerminal(t *testing.T) {
	open := fileStore(t)
	term := func(answers, secret string) *console {
		return &console{in: strings.NewReader(answers), out: &bytes.Buffer{}, terminal: true,
			password: func() ([]byte, error) { return []byte(secret), nil }}
	}
	require.NoError(t, addKey(open, term("y\n", "typed"), "K", false, false), "creates the keystore after a yes")
	require.Equal(t, "typed", value(t, open, "K"))

	require.NoError(t, addKey(open, term("n\n", "other"), "K", false, false))
	require.Equal(t, "typed", value(t, open, "K"), "a no keeps the old value")
	require.NoError(t, addKey(open, term("maybe\nyes\n", "other"), "K", false, false))
	require.Equal(t, "other", value(t, open, "K"))

	c := term("", "")
	c.password = func() ([]byte, error) { return nil, errors.New("interrupted") }
	require.ErrorContains(t, addKey(open, c, "K2", false, false), "read the value: interrupted")
	require.ErrorContains(t, createKeystore(open, term("", ""), false), "no answer")
}
