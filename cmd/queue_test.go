package cmd

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/elastic/elastic-agent-libs/config"
)

func TestQueueDefaultsApplyUnlessAnotherQueueTypeIsConfigured(t *testing.T) {
	o := queueOverride()
	require.True(t, o.Check(config.MustNewConfigFrom(map[string]any{"output.file.path": "/tmp"})))
	require.False(t, o.Check(config.MustNewConfigFrom(map[string]any{"queue.disk.max_size": "1GB"})))
	require.True(t, o.Check(config.MustNewConfigFrom(map[string]any{"queue.mem.events": 8192})))

	var got struct {
		Events    int    `config:"queue.mem.events"`
		MinEvents int    `config:"queue.mem.flush.min_events"`
		Timeout   string `config:"queue.mem.flush.timeout"`
	}
	require.NoError(t, o.Config.Unpack(&got))
	require.Equal(t, 2048, got.Events)
	require.Equal(t, 512, got.MinEvents)
	require.Equal(t, "50ms", got.Timeout)
}

// TestQueueDefaultsFillOnlyMissingKeys merges as libbeat's cfgfile.Load
// does (the override under the configuration): a configured key wins, the
// others keep threatqbeat's values.
func TestQueueDefaultsFillOnlyMissingKeys(t *testing.T) {
	user := config.MustNewConfigFrom(map[string]any{"queue.mem.events": 8192})
	o := queueOverride()
	require.True(t, o.Check(user))
	merged, err := config.MergeConfigs(o.Config, user)
	require.NoError(t, err)
	var got struct {
		Events    int    `config:"queue.mem.events"`
		MinEvents int    `config:"queue.mem.flush.min_events"`
		Timeout   string `config:"queue.mem.flush.timeout"`
	}
	require.NoError(t, merged.Unpack(&got))
	require.Equal(t, 8192, got.Events)
	require.Equal(t, 512, got.MinEvents)
	require.Equal(t, "50ms", got.Timeout)
}
