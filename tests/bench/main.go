// Command bench is threatqbeat's end-to-end benchmark. It starts the ThreatQ
// simulator in this process with N generated indicators (about 2 KB each),
// runs the real threatqbeat binary once per run (run_once: true) against it
// with output.file and/or output.elasticsearch pointed at an in-process
// mock-es, and reports, over several runs, min/median/max of:
//
//   - indicators/s, from the first page request to the exit of the process
//     ("sync") and from process start to exit ("process");
//   - CPU-seconds of the beat process (user+system) per 100 000 indicators;
//   - peak RSS of the beat process (getrusage ru_maxrss);
//   - the ratio to a bare fetch-and-decode pass over the same pages, timed
//     in the same run (the threatq client's Walk, nothing mapped or sent):
//     the ceiling.
//
// Every run checks that the output received exactly N distinct documents.
// The simulator, mock-es and the ceiling pass run in this process, so their
// CPU and memory are not the beat's; they share the machine's cores with it.
//
// Usage (from the repository root):
//
//	go run ./tests/bench -n 100000 -runs 5 -output file,es
//	go run ./tests/bench -n 1000000 -runs 3 -output file
//	go run ./tests/bench -binary ./threatqbeat -E queue.mem.events=8192 -cpuprofile /tmp/prof
//
// It is a measuring tool, not a test: nothing fails because a figure is slow.
// docs/benchmarks.md records the figures and how to read them.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// options are the command-line flags.
type options struct {
	n          int
	runs       int
	outputs    []string
	pageSize   int
	seed       uint64
	binary     string
	settings   multiFlag // -E, handed to the beat
	env        multiFlag // extra environment of the beat
	cpuProfile string    // directory for --cpuprofile files
	memProfile string    // directory for --memprofile files
	keep       bool
	jsonOut    string
	mapPass    bool
	serve      bool
	timeout    time.Duration
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	if path := os.Getenv(launchEnv); path != "" {
		launcherMain(path)
		return
	}
	var o options
	var outputs string
	flag.IntVar(&o.n, "n", 100000, "indicators in the simulated collection")
	flag.IntVar(&o.runs, "runs", 3, "runs per output")
	flag.StringVar(&outputs, "output", "file", "comma-separated outputs to measure: file, es")
	flag.IntVar(&o.pageSize, "page-size", 1000, "threatqbeat.page_size")
	flag.Uint64Var(&o.seed, "seed", 7, "generator seed")
	flag.StringVar(&o.binary, "binary", "", "threatqbeat binary to run (default: go build the working tree)")
	flag.Var(&o.settings, "E", "extra beat setting, passed on as -E (repeatable)")
	flag.Var(&o.env, "env", "extra environment variable of the beat, KEY=VALUE (repeatable), e.g. GOGC=200")
	flag.BoolVar(&o.serve, "serve", false, "only start the simulator, print its URL and wait for ^C (for manual profiling)")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "directory for one beat CPU profile per run")
	flag.StringVar(&o.memProfile, "memprofile", "", "directory for one beat heap profile per run")
	flag.BoolVar(&o.keep, "keep", false, "keep the beat home directories (config, logs, output)")
	flag.StringVar(&o.jsonOut, "json", "", "also write every measurement to this JSON file")
	flag.BoolVar(&o.mapPass, "map-pass", true, "also time fetch+decode+map in this process (no libbeat)")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Minute, "limit for one beat run")
	flag.Parse()
	o.outputs = strings.Split(outputs, ",")
	for _, out := range o.outputs {
		if out != "file" && out != "es" {
			fatalf("-output: unknown output %q (want file, es)", out)
		}
	}
	if o.n < 1 || o.runs < 1 || o.pageSize < 1 {
		fatalf("-n, -runs and -page-size must be positive")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

func run(ctx context.Context, o options) error {
	work, err := os.MkdirTemp("", "threatqbeat-bench-")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(work)
	}
	if o.serve {
		// Nothing to build.
	} else if o.binary == "" {
		if o.binary, err = buildBinary(ctx, work); err != nil {
			return err
		}
	} else if o.binary, err = filepath.Abs(o.binary); err != nil {
		return err
	}
	for _, dir := range []string{o.cpuProfile, o.memProfile} {
		if dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
	}

	logf("generating %d indicators (seed %d)", o.n, o.seed)
	start := time.Now()
	data := threatqtest.Generate(o.n, o.seed, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	var size int64
	for _, raw := range data {
		size += int64(len(raw))
	}
	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	sim.SetCollection(collectionID, data)
	logf("simulator ready at %s: %d indicators, %.0f MB, %.1f s", sim.URL(), o.n, float64(size)/1e6, time.Since(start).Seconds())

	if o.serve {
		fmt.Printf("threatqbeat:\n  url: %q\n  client_id: test\n  client_secret: test\n  collections: [{id: %s}]\n  page_size: %d\n  run_once: true\n",
			sim.URL(), collectionID, o.pageSize)
		<-ctx.Done()
		return nil
	}
	res := results{Machine: describeMachine(), N: o.n, PageSize: o.pageSize, Runs: o.runs,
		Settings: o.settings, Env: o.env, Binary: o.binary, BytesPerIndicator: float64(size) / float64(o.n)}
	for i := range o.runs {
		c, err := ceilingPass(ctx, sim.URL(), o.pageSize, o.n, false)
		if err != nil {
			return fmt.Errorf("ceiling pass: %w", err)
		}
		logf("run %d ceiling: %s", i+1, c)
		res.Ceiling = append(res.Ceiling, c)
		if o.mapPass {
			m, err := ceilingPass(ctx, sim.URL(), o.pageSize, o.n, true)
			if err != nil {
				return fmt.Errorf("map pass: %w", err)
			}
			logf("run %d fetch+decode+map: %s", i+1, m)
			res.MapPass = append(res.MapPass, m)
		}
		for _, out := range o.outputs {
			r, err := beatRun(ctx, o, work, sim, out, i)
			if err != nil {
				return fmt.Errorf("%s run %d: %w", out, i+1, err)
			}
			r.CeilingRate = c.Rate
			r.fill(o.n)
			logf("run %d %s: %s", i+1, out, r)
			res.Beat = append(res.Beat, r)
		}
		runtime.GC()
	}
	printSummary(os.Stdout, res, o.outputs)
	if o.jsonOut != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05")+" "+format+"\n", args...)
}
