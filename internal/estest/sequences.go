package estest

import (
	"embed"
	"fmt"
	"strings"
)

// sequences holds the golden request sequences, one "METHOD /path" line
// per request, as Summary renders them. TestSequencesAreWhatSetupSends
// replays each one against setup and rewrites them with -update.
//
//go:embed testdata/sequences/*.txt
var sequences embed.FS

// Sequence names a golden request sequence of threatqbeat's setup on a
// Server: testdata/sequences/<name>.txt.
type Sequence string

// The request sequences of setup.
const (
	// FirstSetup is a first `threatqbeat setup` (default options,
	// namespace default) on an empty Server.
	FirstSetup Sequence = "first-setup"
	// SecondSetup is the same setup run again: reads only.
	SecondSetup Sequence = "second-setup"
	// TransformUpgrade is `setup --transforms` over a started transform of
	// an older version whose destination holds the alias and indicators of
	// the namespace default: the pipeline is updated, the destination
	// template follows the new destination, the transform is stopped and
	// deleted, the new destination created, the old destination's active
	// indicators copied back into the source data stream (the namespaces
	// listed, then one reindex per namespace), the alias moved in one
	// request and the new transform started.
	TransformUpgrade Sequence = "transform-upgrade"
	// LookupFirstSetup is the lookup index step on a cluster where the
	// transforms step has just run: its pipeline and template, the
	// transform (missing), the index (missing), the alias's namespaces to
	// restore (none yet), then the index and the transform.
	LookupFirstSetup Sequence = "lookup-first-setup"
	// LookupSecondSetup is the same step run again: reads only.
	LookupSecondSetup Sequence = "lookup-second-setup"
	// LookupUpgrade is the lookup index step over a started lookup
	// transform of another version whose index exists, with the alias
	// holding indicators of the namespace default: the transform is
	// stopped and deleted, the alias's active indicators copied back into
	// the source, the index deleted and created again, and the new
	// transform started.
	LookupUpgrade Sequence = "lookup-upgrade"
)

// Sequences lists every golden sequence.
func Sequences() []Sequence {
	return []Sequence{FirstSetup, SecondSetup, TransformUpgrade, LookupFirstSetup, LookupSecondSetup, LookupUpgrade}
}

// Path is the sequence's file, relative to this package's directory.
func (s Sequence) Path() string { return "testdata/sequences/" + string(s) + ".txt" }

// Requests returns the sequence's requests as Summary renders them, in a
// new slice on every call. It panics for a name without a file: the names
// are the constants above, each backed by an embedded file.
func (s Sequence) Requests() []string {
	data, err := sequences.ReadFile(s.Path())
	if err != nil {
		panic(fmt.Sprintf("estest: no request sequence %q: %v", string(s), err))
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}
