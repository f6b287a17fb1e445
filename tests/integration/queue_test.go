//go:build integration

package integration

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestQueueDefaultsUnderConfiguredKeys checks the memory queue settings the
// binary runs with (export config prints the loaded configuration): keys
// the file leaves out take threatqbeat's defaults, configured keys win, and
// a disk queue, in the file or in -E settings, is left alone.
func TestQueueDefaultsUnderConfiguredKeys(t *testing.T) {
	base := `threatqbeat:
  url: "http://127.0.0.1:1"
  client_id: test
  client_secret: test
  collections: [{id: col-queue}]
output.file.path: /tmp/unused
`
	type queue struct {
		Mem *struct {
			Events int `yaml:"events"`
			Flush  struct {
				MinEvents int    `yaml:"min_events"`
				Timeout   string `yaml:"timeout"`
			} `yaml:"flush"`
		} `yaml:"mem"`
		Disk map[string]any `yaml:"disk"`
	}
	exported := func(t *testing.T, extra string, flags ...string) queue {
		t.Helper()
		out := newBeat(t, base+extra).run(t, true, append([]string{"export", "config"}, flags...)...)
		var cfg struct {
			Queue queue `yaml:"queue"`
		}
		require.NoError(t, yaml.Unmarshal([]byte(out), &cfg), out)
		return cfg.Queue
	}

	q := exported(t, "")
	require.NotNil(t, q.Mem)
	require.Equal(t, 2048, q.Mem.Events)
	require.Equal(t, 512, q.Mem.Flush.MinEvents)
	require.Equal(t, "50ms", q.Mem.Flush.Timeout)

	q = exported(t, "queue.mem.events: 4096\n")
	require.NotNil(t, q.Mem)
	require.Equal(t, 4096, q.Mem.Events)
	require.Equal(t, 512, q.Mem.Flush.MinEvents)
	require.Equal(t, "50ms", q.Mem.Flush.Timeout)

	q = exported(t, "queue.disk.max_size: 1GB\n")
	require.Nil(t, q.Mem)
	require.Equal(t, "1GB", q.Disk["max_size"])

	q = exported(t, "", "-E", "queue.disk.max_size=2GB")
	require.Nil(t, q.Mem)
	require.Equal(t, "2GB", q.Disk["max_size"])

	q = exported(t, "", "-E", "queue.mem.flush.timeout=5s")
	require.NotNil(t, q.Mem)
	require.Equal(t, 2048, q.Mem.Events)
	require.Equal(t, "5s", q.Mem.Flush.Timeout)
}
