// Package packaging builds threatqbeat's release archive (a tar.gz with the
// binary, configuration files, Elastic Agent spec, systemd unit, Kibana
// saved objects, README, docs, LICENSE and NOTICE), its Linux .deb and
// .rpm packages (with nfpm, linked by this package only, never by the
// binary), and the NOTICE file listing the licences of the code linked
// into the binary. magefile.go's package and notice targets and the tests
// call it.
package packaging
