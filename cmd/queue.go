package cmd

import (
	"flag"

	"github.com/elastic/beats/v7/libbeat/cfgfile"
	"github.com/elastic/elastic-agent-libs/config"
)

// queueDefaults are threatqbeat's memory queue defaults, used for every key
// the configuration leaves out unless it configures another queue type
// (queue.disk). ThreatQ pages arrive in bursts of page_size (1000) events,
// and a run ends with a partial batch, which the queue holds back until the
// flush timeout expires: libbeat's 10 s delayed the end of every run, and
// even 1 s was a quarter of a 100 k sync's time. With no timeout at all the
// output takes whatever the queue holds, and Elasticsearch received bulks
// of ~125 documents on average instead of 512. 50 ms is enough for a full
// sync to fill every batch and costs a run at most 50 ms (docs/benchmarks.md,
// change 9). The queue holds two pages (libbeat: 3200 events) and hands the
// output batches of up to 512 events (libbeat: 1600), so the output sends
// one batch while the worker maps the next instead of the two taking turns:
// measured, this is faster and uses less memory than libbeat's defaults.
// Elasticsearch bulks are then up to 512 documents; raise flush.min_events
// (and events) for larger bulks.
var queueDefaults = map[string]any{
	"queue.mem.events":           2048,
	"queue.mem.flush.min_events": 512,
	"queue.mem.flush.timeout":    "50ms",
}

// queueOverride puts queueDefaults under the configuration: libbeat merges
// the configuration over it, so a configured key wins and the keys left out
// keep threatqbeat's values (setting only queue.mem.events does not bring
// back libbeat's 10 s flush timeout). A configuration with another queue
// type (queue.disk), in the file or in -E settings, gets nothing: libbeat
// accepts one queue type only.
func queueOverride() cfgfile.ConditionalOverride {
	return cfgfile.ConditionalOverride{
		Check:  func(c *config.C) bool { return memQueueOrNone(c) && memQueueOrNone(cliSettings()) },
		Config: config.MustNewConfigFrom(queueDefaults),
	}
}

// memQueueOrNone reports a configuration without a queue section or with a
// memory queue only.
func memQueueOrNone(c *config.C) bool {
	if c == nil || !c.HasField("queue") {
		return true
	}
	q, err := c.Child("queue", -1)
	if err != nil {
		return false
	}
	for _, name := range q.GetFields() {
		if name != "mem" {
			return false
		}
	}
	return true
}

// cliSettings returns the -E settings of the command line, which libbeat
// merges over the configuration file after the overrides were chosen; nil
// when the flag is not registered.
func cliSettings() *config.C {
	f := flag.Lookup("E") // libbeat registers it on the standard flag set
	if f == nil {
		return nil
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return nil
	}
	c, _ := g.Get().(*config.C)
	return c
}
