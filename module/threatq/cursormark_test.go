package threatq

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// TestCursorMarkIsSentBackExactly: a nextCursorMark with bytes that are not
// valid UTF-8 (raw, or next to escapes) is sent back byte for byte, never
// rewritten.
func TestCursorMarkIsSentBackExactly(t *testing.T) {
	for literal, want := range map[string]string{
		"\"A\xffB\"":          "A\xffB",
		"\"\\u00e9\xc3\\/x\"": "\u00e9\xc3/x",
		"\"AoE\\/MjAy\"":      "AoE/MjAy",
		"\"\xe2\x82\"":        "\xe2\x82",
		"\"\\ud800\xff\"":     "\ufffd\xff",
	} {
		sim := threatqtest.New(threatqtest.Options{})
		sim.InjectFault(threatqtest.Fault{Body: `{"total":2,"data":[{"id":1}],"nextCursorMark":` + literal + `}`})
		sim.InjectFault(threatqtest.Fault{Body: `{"total":2,"data":[]}`})
		w := simClient(t, sim).Walk("c", "")
		p, err := w.Next(context.Background())
		require.NoError(t, err, literal)
		require.Equal(t, []byte(want), []byte(p.NextCursor), literal)
		_, err = w.Next(context.Background())
		require.ErrorIs(t, err, ErrNoMorePages)
		require.Equal(t, []string{"*", want}, sim.Stats().Cursors["c"], literal)
		sim.Close()
	}
}
