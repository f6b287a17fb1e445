// Package beater is threatqbeat's beat.Beater and its wiring. Standalone,
// the Beater runs one collector.Runner built from the threatqbeat: section;
// under Elastic Agent it registers a cfgfile.RunnerList whose factory turns
// every input stream into a collector.Runner (agent.go). The collection
// machinery itself (schedule, publish, acknowledgements, cursor files,
// health, metrics) lives in beater/collector.
package beater
