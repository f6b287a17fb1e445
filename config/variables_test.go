package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A ${VAR} that neither the keystore nor the environment defines is named
// with the key that uses it and how to define it, instead of go-ucfg's
// "missing field accessing 'threatqbeat.client_secret'".
func TestUnresolvedVariableIsExplained(t *testing.T) {
	const yaml = `
url: https://threatq.example.com
client_id: id
client_secret: ${THREATQBEAT_TEST_UNDEFINED_SECRET}
collections: [{id: abc123}]
ssl.key_passphrase: ${THREATQBEAT_TEST_UNDEFINED_PASS}
`
	_, err := Unpack(section(t, yaml))
	require.Error(t, err)
	msg := err.Error()
	require.Contains(t, msg, "threatqbeat.client_secret refers to ${THREATQBEAT_TEST_UNDEFINED_SECRET}, which is defined neither in the keystore nor in the environment")
	require.Contains(t, msg, "threatqbeat keystore add THREATQBEAT_TEST_UNDEFINED_SECRET")
	require.Contains(t, msg, "threatqbeat keystore create")
	require.Contains(t, msg, "set the environment variable THREATQBEAT_TEST_UNDEFINED_SECRET")
	require.NotContains(t, msg, "missing field accessing")

	t.Setenv("THREATQBEAT_TEST_UNDEFINED_SECRET", "from-env")
	t.Setenv("THREATQBEAT_TEST_UNDEFINED_PASS", "pass")
	c, err := Unpack(section(t, yaml))
	require.NoError(t, err)
	require.Equal(t, "from-env", c.ClientSecret)
}

// A reference to another setting that does not exist is still reported.
func TestMissingReferenceKeepsItsError(t *testing.T) {
	_, err := Unpack(section(t, minimal+"\nreference_path: /x/{id}/${THREATQBEAT_TEST_UNDEFINED_PATH}"))
	require.ErrorContains(t, err, "THREATQBEAT_TEST_UNDEFINED_PATH")
}
