// Package packaging builds threatqbeat's release archive (a tar.gz with the
// binary, configuration files, Elastic Agent spec, systemd unit, README,
// LICENSE and NOTICE) and the NOTICE file listing the licences of the code
// linked into the binary. magefile.go's package and notice targets and the
// tests call it.
package packaging
