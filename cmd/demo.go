package cmd

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/cmd/instance"
	conf "github.com/elastic/elastic-agent-libs/config"

	"github.com/threatqbeat/threatqbeat/beater"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// demoCollection is the collection id the demo serves.
const demoCollection = "demo-collection"

func newDemoCommand() *cobra.Command {
	var n, port int
	var out string
	var serve bool
	c := &cobra.Command{
		Use:   "demo",
		Short: "Sync a built-in ThreatQ simulator into ./demo-output (no ThreatQ, no Elasticsearch needed); --serve runs the simulator alone",
		Long: `demo starts the built-in ThreatQ API simulator on a loopback port with generated
indicators, runs one full sync of it with the real pipeline into NDJSON files under
./demo-output (or into Elasticsearch when -E output.elasticsearch.hosts=... is given),
then plays a day in ThreatQ (some indicators set Whitelisted, a few deleted) and runs
again: the Whitelisted versions retire their indicators, and the sweep that follows
publishes tombstones for the deleted ones. It shows progress and prints a summary. The files of an earlier demo in the output
directory are removed first.

demo --serve only starts the simulator, on 127.0.0.1:--port, prints its URL, client
credentials and a configuration for it, and serves until Ctrl-C: try "test threatq",
"run" and your own configuration against it.`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n < 1 {
				return errors.New("demo: --indicators must be at least 1")
			}
			if serve {
				return serveSimulator(cmd.OutOrStdout(), n, port, interrupted())
			}
			return runDemo(cmd.OutOrStdout(), n, out)
		},
	}
	c.Flags().IntVar(&n, "indicators", 3000, "number of generated indicators")
	c.Flags().StringVar(&out, "output-dir", "demo-output", "directory for the NDJSON output")
	c.Flags().BoolVar(&serve, "serve", false, "only run the ThreatQ simulator, until Ctrl-C, and print a configuration for it")
	c.Flags().IntVar(&port, "port", defaultServePort, "loopback port of the simulator with --serve (0: any free port)")
	return c
}

func runDemo(stdout io.Writer, n int, outDir string) error {
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	indicators := threatqtest.Generate(n, 1, demoStart(n))
	sim.SetCollection(demoCollection, indicators)
	finished := make(chan struct{}) // closed when the beat ended
	life := newDemoLifecycle(sim, stdout, indicators, finished)

	home, err := os.MkdirTemp("", "threatqbeat-demo-")
	if err != nil {
		return fmt.Errorf("demo: create home directory: %w", err)
	}
	defer os.RemoveAll(home)
	outDir, err = filepath.Abs(outDir)
	if err != nil {
		return fmt.Errorf("demo: resolve output directory: %w", err)
	}
	toFile := !overridesHave("output")
	cfgPath := filepath.Join(home, Name+".yml")
	if err := os.WriteFile(cfgPath, []byte(demoConfig(sim.URL(), outDir, toFile)), 0o600); err != nil {
		return fmt.Errorf("demo: write config: %w", err)
	}
	if err := setFlagIfUnset("c", cfgPath); err != nil {
		return err
	}
	if err := setFlagIfUnset("path.home", home); err != nil {
		return err
	}

	target := outDir
	if toFile {
		removed, err := removeEarlierOutput(outDir)
		if err != nil {
			return err
		}
		if removed > 0 {
			fmt.Fprintf(stdout, "threatqbeat demo: removed %d file(s) of an earlier demo from %s\n", removed, outDir)
		}
	} else {
		target = "the configured output"
	}
	fmt.Fprintf(stdout, "threatqbeat demo: simulator at %s serving %d indicators; writing to %s\n", sim.URL(), n, target)
	var bt *beater.Beater
	stopped := interrupted()
	watch := &outputWatch{out: stdout, done: make(chan struct{})}
	defer watch.stop()
	start := time.Now()
	creator := func(b *beat.Beat, cfg *conf.C) (beat.Beater, error) {
		var err error
		bt, err = beater.NewWithOptions(b, cfg, beater.Options{
			DataDir:  filepath.Join(home, "data", "threatq"),
			Progress: func(p beater.Progress) { fmt.Fprintln(stdout, "  "+p.String()) },
			Now:      life.now,
			After:    life.after,
		})
		if err != nil {
			return nil, err
		}
		life.counts = func() (beater.Counts, bool) { return bt.Counts(demoCollection) }
		go life.stop(bt)
		watch.start(b, func() (beater.Counts, bool) { return bt.Counts(demoCollection) })
		return stoppable{bt, stopped}, nil
	}
	runErr := instance.Run(Settings(), creator)
	close(finished)
	elapsed := time.Since(start)
	watch.stop()
	if sig := stopped.signal(); sig != nil {
		c, _ := countsOf(bt)
		return fmt.Errorf("demo: stopped by %s with %d of %d events acknowledged by the output", signalName(sig), c.Acked, c.Published)
	}
	if runErr != nil {
		return fmt.Errorf("demo: %w", runErr)
	}
	c, ok := countsOf(bt)
	if !ok {
		return errors.New("demo: the collection was not synced")
	}
	fmt.Fprintf(stdout, "summary: %d indicators fetched, %d events published, %d acknowledged in %s\n",
		c.Fetched, c.Published, c.Acked, seconds(elapsed))
	fmt.Fprintln(stdout, retiredSummary(c))
	if c.Acked != c.Published || c.Published == 0 {
		return fmt.Errorf("demo: only %d of %d events were acknowledged", c.Acked, c.Published)
	}
	return nil
}

// stoppable is the demo's beat: a run stopped by Ctrl-C or SIGTERM ends
// without an error of its own, so that the demo says in one line why it
// stopped (libbeat would print "Exiting: <error>" first).
type stoppable struct {
	*beater.Beater
	stopped *signalSeen
}

func (s stoppable) Run(b *beat.Beat) error {
	err := s.Beater.Run(b)
	if s.stopped.signal() != nil {
		return nil
	}
	return err
}

// countsOf returns the demo collection's counters, if the beat started.
func countsOf(bt *beater.Beater) (beater.Counts, bool) {
	if bt == nil {
		return beater.Counts{}, false
	}
	return bt.Counts(demoCollection)
}

// demoConfig is the configuration the demo runs with: into outDir unless
// an output is given with -E. A stopped demo waits little for
// acknowledgements.
func demoConfig(url, outDir string, toFile bool) string {
	s := fmt.Sprintf(`threatqbeat:
  url: %q
  client_id: test
  client_secret: test
  collections: [{id: %s}]
  page_size: 500
  shutdown_timeout: 2s
logging.level: warning
logging.to_files: true
logging.to_stderr: false
queue.mem.flush.timeout: 0s
`, url, demoCollection)
	if toFile {
		s += fmt.Sprintf("output.file:\n  path: %q\n  filename: %s\n", outDir, Name)
	}
	return s
}

// setFlagIfUnset sets one of libbeat's global flags unless the user did.
func setFlagIfUnset(name, value string) error {
	f := flag.CommandLine.Lookup(name)
	if f == nil {
		return fmt.Errorf("demo: flag -%s is not registered", name)
	}
	set := false
	flag.CommandLine.Visit(func(v *flag.Flag) { set = set || v.Name == name })
	if set || (name == "path.home" && f.Value.String() != "") {
		return nil
	}
	if err := flag.CommandLine.Set(name, value); err != nil {
		return fmt.Errorf("demo: set -%s: %w", name, err)
	}
	return nil
}

// overridesHave reports whether a -E setting names key.
func overridesHave(key string) bool {
	f := flag.CommandLine.Lookup("E")
	if f == nil {
		return false
	}
	v, ok := f.Value.(interface{ Config() *conf.C })
	if !ok {
		return false
	}
	c := v.Config()
	parts := strings.Split(key, ".")
	for i, p := range parts {
		if c == nil || !c.HasField(p) {
			return false
		}
		if i < len(parts)-1 {
			var err error
			if c, err = c.Child(p, -1); err != nil {
				return false
			}
		}
	}
	return true
}
