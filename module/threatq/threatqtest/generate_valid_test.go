package threatqtest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/threatqbeat/threatqbeat/module/threatq/internal/jsonscan"
)

// TestGeneratedIndicatorsAreValidJSON: every generated indicator is one
// JSON value, and a cut one is refused (the check SetCollection, LoadNDJSON
// and WithUpdatedAt rely on; jsonscan's own tests compare it with
// encoding/json).
func TestGeneratedIndicatorsAreValidJSON(t *testing.T) {
	for _, raw := range Generate(200, 3, t0) {
		assert.True(t, jsonscan.Valid(raw))
		assert.False(t, jsonscan.Valid(raw[:len(raw)-1]))
	}
}
