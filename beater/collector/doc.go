// Package collector runs ThreatQ collections: a Runner syncs the
// collections of one configuration (the threatqbeat: section, or one stream
// of an Elastic Agent input) and implements libbeat's cfgfile.Runner, so
// that the Beater starts one and cfgfile.RunnerList starts one per Agent
// input. It reports its health through a status.StatusReporter and its
// state through a diagnostics hook.
//
// Every collection runs in its own goroutine with its own pipeline client
// (loop.go): a run every interval drains every page after the stored cursor
// (sync.go), one page fetched ahead of the one being published
// (prefetch.go), and maps and publishes each page with guaranteed delivery
// (publish.go). The collection's cursor file (cursor.go) moves only once
// the output acknowledged every event of the pages before it (ack.go):
// at-least-once. Per-collection counters (metrics.go), health (health.go),
// events the output drops (drops.go), progress lines (progress.go) and the
// request tracer (tracer.go) complete the picture.
//
// The alias of active indicators follows the collection both ways: each
// collection keeps a record of the indicators it published active
// (active.go, record.go, active_record.go), changed only by acknowledged
// pages, before their cursor is stored. A run retires a recorded indicator
// that a curation option now drops with a tombstone; every sweep_interval a
// sweep (sweep.go) walks the whole collection apart from the cursor and
// retires those it did not return, and publishes again those back in it.
//
// Mapping lives in module/threatq/threat and the API client in
// module/threatq; this package only schedules, publishes, tracks
// acknowledgements and stores cursors.
package collector
