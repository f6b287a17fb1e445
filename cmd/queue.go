package cmd

import (
	"github.com/elastic/beats/v7/libbeat/cfgfile"
	"github.com/elastic/elastic-agent-libs/config"
)

// queueDefaults are threatqbeat's memory queue defaults, used when the
// configuration has no queue section. ThreatQ pages arrive in bursts of
// page_size (1000) events, and a run_once sync ends with a partial batch:
// libbeat's default flush.timeout of 10 s held that last batch back for 10 s
// at the end of every run; one second bounds the wait. The queue holds two
// pages (libbeat's default is 3200 events): the worker maps one page while
// the output sends the previous one, and a smaller queue keeps the peak
// memory lower at the same throughput. flush.min_events stays at libbeat's
// 1600, the Elasticsearch output's bulk_max_size. docs/benchmarks.md has
// the measurements.
var queueDefaults = map[string]any{
	"queue.mem.events":        2048,
	"queue.mem.flush.timeout": "1s",
}

// queueOverride applies queueDefaults under a configuration without a
// queue section; a configured queue (memory or disk) is left alone.
func queueOverride() cfgfile.ConditionalOverride {
	return cfgfile.ConditionalOverride{
		Check:  func(c *config.C) bool { return !c.HasField("queue") },
		Config: config.MustNewConfigFrom(queueDefaults),
	}
}
