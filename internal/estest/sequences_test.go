package estest_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/elastic/beats/v7/libbeat/esleg/eslegclient"
	"github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/include"
	"github.com/threatqbeat/threatqbeat/internal/estest"
	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
)

var update = flag.Bool("update", false, "rewrite testdata/sequences with the requests setup sends")

// installer connects setup's Installer to the double, as `threatqbeat
// setup` connects it to output.elasticsearch.
func installer(t *testing.T, es *estest.Server, opts setup.Options) *setup.Installer {
	t.Helper()
	cfg := config.MustNewConfigFrom(map[string]any{"hosts": []string{es.URL}})
	conn, err := eslegclient.NewConnectedClient(context.Background(), cfg, "threatqbeat", logp.NewNopLogger())
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	env := setup.Env{Fields: []byte(include.Fields), BeatVersion: "9.4.0", ESVersion: "9.4.0", ElasticLicensed: true}
	inst, err := setup.NewInstaller(conn, opts, env, nil, nil)
	require.NoError(t, err)
	return inst
}

// run runs setup's steps on es with default options and returns the
// requests it sent.
func run(t *testing.T, es *estest.Server, steps setup.Steps) []string {
	t.Helper()
	es.Reset()
	require.NoError(t, installer(t, es, setup.DefaultOptions()).Setup(steps))
	return estest.Summary(es.Requests())
}

// sent replays each golden sequence's situation, as its doc comment
// describes it, and returns what setup sent.
func sent(t *testing.T) map[estest.Sequence][]string {
	got := map[estest.Sequence][]string{}

	es := estest.New(estest.Options{})
	t.Cleanup(es.Close)
	got[estest.FirstSetup] = run(t, es, setup.All())
	got[estest.SecondSetup] = run(t, es, setup.All())

	// A started transform of version 1 whose destination holds the alias
	// and an indicator of the namespace default.
	es = estest.New(estest.Options{})
	t.Cleanup(es.Close)
	es.SeedTransform(setup.TransformID, setup.Body{
		"source":   setup.Body{"index": []any{setup.TemplatePattern}},
		"dest":     setup.Body{"index": setup.Destination("1"), "pipeline": setup.DestinationPipelineID},
		"latest":   setup.Body{"unique_key": []any{"threatq.id"}, "sort": "event.ingested"},
		"_meta":    setup.Body{"managed_by": setup.ManagedBy, "version": 1},
		"settings": setup.Body{},
	}, "started")
	es.SeedIndex(setup.Destination("1"), setup.Body{}, setup.Alias)
	es.SeedDocument(setup.Destination("1"), "x", setup.Body{"data_stream": setup.Body{"namespace": "default"}, "@timestamp": "2026-01-01T00:00:00Z"})
	got[estest.TransformUpgrade] = run(t, es, setup.Steps{Transforms: true})

	// The lookup index after the transforms step, then again, then over a
	// started lookup transform of version 1 (keyed by value) with an
	// indicator behind the alias: the upgrade to the current version.
	es = estest.New(estest.Options{})
	t.Cleanup(es.Close)
	run(t, es, setup.Steps{Transforms: true})
	got[estest.LookupFirstSetup] = run(t, es, setup.Steps{LookupIndex: true})
	got[estest.LookupSecondSetup] = run(t, es, setup.Steps{LookupIndex: true})
	es.SeedTransform(setup.LookupTransformID, setup.Body{
		"source": setup.Body{"index": []any{setup.TemplatePattern}},
		"dest":   setup.Body{"index": setup.LookupIndex, "pipeline": setup.LookupPipelineID},
		"latest": setup.Body{"unique_key": []any{"threatq.indicator_value"}, "sort": "event.ingested"},
		"_meta":  setup.Body{"managed_by": setup.ManagedBy, "version": 1},
	}, "started")
	dest := setup.Destination(installer(t, es, setup.DefaultOptions()).Assets().TransformVersion)
	es.SeedDocument(dest, "x", setup.Body{"data_stream": setup.Body{"namespace": "default"}, "@timestamp": "2026-01-01T00:00:00Z"})
	got[estest.LookupUpgrade] = run(t, es, setup.Steps{LookupIndex: true})
	return got
}

// TestSequencesAreWhatSetupSends: every golden sequence is what setup
// sends in its situation. `go test ./internal/estest -run
// TestSequencesAreWhatSetupSends -update` rewrites the files after a
// change of setup's requests; setup's own tests and the end-to-end tests
// then compare against them.
func TestSequencesAreWhatSetupSends(t *testing.T) {
	for seq, requests := range sent(t) {
		t.Run(string(seq), func(t *testing.T) {
			require.NotEmpty(t, requests)
			if *update {
				require.NoError(t, os.WriteFile(seq.Path(), []byte(strings.Join(requests, "\n")+"\n"), 0o644))
				return
			}
			require.Equal(t, seq.Requests(), requests, "run with -update if setup's requests changed on purpose")
		})
	}
}

// TestSequencesAreEmbeddedAndNamed: every file of testdata/sequences is
// a named Sequence and the other way round, and each holds requests only.
func TestSequencesAreEmbeddedAndNamed(t *testing.T) {
	files, err := filepath.Glob("testdata/sequences/*")
	require.NoError(t, err)
	var named []string
	for _, s := range estest.Sequences() {
		named = append(named, filepath.FromSlash(s.Path()))
		for _, line := range s.Requests() {
			method, path, ok := strings.Cut(line, " ")
			require.True(t, ok && slices.Contains([]string{"GET", "HEAD", "PUT", "POST", "DELETE"}, method) && strings.HasPrefix(path, "/"),
				"%s: %q is not a METHOD /path line", s, line)
		}
	}
	require.ElementsMatch(t, files, named)
	require.Panics(t, func() { estest.Sequence("no-such-sequence").Requests() })
}

// TestSequenceRequestsAreCopies: a test that changes the slice it got
// changes nobody else's expectation.
func TestSequenceRequestsAreCopies(t *testing.T) {
	first := estest.FirstSetup.Requests()
	want := slices.Clone(first)
	first[0] = "changed"
	_ = append(first[:2], "appended")
	require.Equal(t, want, estest.FirstSetup.Requests())
}
