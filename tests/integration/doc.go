// Package integration drives the real threatqbeat binary end to end against the
// project's test peers: the ThreatQ simulator and libbeat outputs writing to
// local files. TestMain builds the binary once.
package integration
