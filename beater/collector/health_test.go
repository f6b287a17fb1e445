package collector

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestHealthForgetDropsOnlyTheGivenKeys: stopping input "a" must not clear
// the health of input "a/b", whose keys start with "a/" too.
func TestHealthForgetDropsOnlyTheGivenKeys(t *testing.T) {
	h := NewHealth(nil)
	h.set("a/c1", errors.New("down"))
	h.set("a/b/c1", errors.New("refused"))
	h.forget("a/c1")
	require.Equal(t, map[string]string{"a/b/c1": "refused"}, h.snapshot())
}
