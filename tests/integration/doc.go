// Package integration drives the real threatqbeat binary end to end against
// the project's test peers: the ThreatQ simulator, the recording
// Elasticsearch double (internal/estest), mock-es, a Kibana double, the
// Elastic Agent V2 control protocol's mock server, a real redis-server, and
// libbeat outputs writing to local files; it also builds the release archive
// and the Linux packages and inspects them with dpkg-deb and rpm. TestMain
// builds the binary once (without cgo, as magefile.go builds it).
//
// The tests carry the build tag integration, so that `go test ./...` stays
// fast; run them with
//
//	go test -tags integration ./tests/integration/...
//
// They wait on conditions, never on sleeps: waitFor and poll check a
// condition until a generous deadline, and the simulator's Hold fault keeps
// page requests waiting until the test has seen what it needs (a stored
// cursor, a read of /stats), so a loaded machine makes a test slower, not
// red.
//
// TestRealElasticsearch also runs against a real cluster when ES_URL is set
// (see es_real_test.go). Checks that need no binary live beside what they
// check: the dashboards and the Agent spec in cmd, the reference
// configuration in config, the documentation pages in docs, NOTICE in
// deploy/packaging.
package integration
