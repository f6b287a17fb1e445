// Package beater is the threatqbeat lifecycle: one worker per ThreatQ
// collection runs a sync every interval, publishes each page's events with
// guaranteed delivery, and persists the collection's cursor only once the
// output has acknowledged every event of the pages before it
// (at-least-once). Mapping lives in module/threatq/threat and the API client
// in module/threatq; this package only schedules, publishes, tracks
// acknowledgements and stores cursors.
package beater
