package cmd

import (
	"github.com/elastic/beats/v7/libbeat/cfgfile"
	"github.com/elastic/elastic-agent-libs/config"
)

// queueDefaults are threatqbeat's memory queue defaults, used when the
// configuration has no queue section. ThreatQ pages arrive in bursts of
// page_size (1000) events, and a run ends with a partial batch. With a
// flush timeout, the queue holds a partial batch back until the timeout
// expires: libbeat's 10 s delayed the end of every run, and even 1 s cost a
// quarter of a 100 k sync's time. With no timeout the output takes what the
// queue holds, up to flush.min_events (the largest batch); while a sync is
// faster than the output, as it is during a full sync, the batches are
// full. The queue holds two pages (libbeat: 3200 events) and hands the
// output batches of up to 512 events (libbeat: 1600), so the output sends
// one batch while the worker maps the next instead of the two taking turns:
// measured, this is faster and uses less memory than libbeat's defaults
// (docs/benchmarks.md). Elasticsearch bulks are then up to 512 documents;
// raise flush.min_events (and events) for larger bulks.
var queueDefaults = map[string]any{
	"queue.mem.events":           2048,
	"queue.mem.flush.min_events": 512,
	"queue.mem.flush.timeout":    "0s",
}

// queueOverride applies queueDefaults under a configuration without a
// queue section; a configured queue (memory or disk) is left alone.
func queueOverride() cfgfile.ConditionalOverride {
	return cfgfile.ConditionalOverride{
		Check:  func(c *config.C) bool { return !c.HasField("queue") },
		Config: config.MustNewConfigFrom(queueDefaults),
	}
}
