package cmd

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/idxmgmt"
	"github.com/elastic/beats/v7/libbeat/outputs"
	conf "github.com/elastic/elastic-agent-libs/config"
	libtesting "github.com/elastic/elastic-agent-libs/testing"

	"github.com/threatqbeat/threatqbeat/beater"
)

// Timing of the demo's output watch.
const (
	watchTick   = time.Second      // how often the counters are read
	stallAfter  = 3 * time.Second  // acknowledgements stalled this long: say why
	reportEvery = 10 * time.Second // repeat while they stay stalled
	probeLimit  = 15 * time.Second // longest wait for the output check
)

// signalSeen records the first Ctrl-C or SIGTERM, which libbeat also
// receives and stops the beat on.
type signalSeen struct {
	ch  chan os.Signal
	sig os.Signal
}

func interrupted() *signalSeen {
	s := &signalSeen{ch: make(chan os.Signal, 1)}
	signal.Notify(s.ch, os.Interrupt, syscall.SIGTERM)
	return s
}

// signal returns the signal received so far, or nil.
func (s *signalSeen) signal() os.Signal {
	if s.sig == nil {
		select {
		case s.sig = <-s.ch:
		default:
		}
	}
	return s.sig
}

// signalName names a stop signal as users know it.
func signalName(sig os.Signal) string {
	if sig == os.Interrupt {
		return "Ctrl-C (SIGINT)"
	}
	if sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return sig.String()
}

// wait blocks until a signal arrives.
func (s *signalSeen) wait() os.Signal {
	if s.sig == nil {
		s.sig = <-s.ch
	}
	return s.sig
}

// outputWatch tells the demo's user, while the output does not acknowledge
// the published events, why: it checks the output the way `test output`
// does and prints the failing step ("dial tcp ...: connection refused"),
// every reportEvery until the events are acknowledged or the demo stops.
type outputWatch struct {
	out      io.Writer
	done     chan struct{}
	wg       sync.WaitGroup
	stopOnce sync.Once
}

func (w *outputWatch) start(b *beat.Beat, counts func() (beater.Counts, bool)) {
	var name string
	var cfg *conf.C
	if b.Config != nil {
		name, cfg = b.Config.Output.Name(), b.Config.Output.Config()
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		w.loop(name, func() string { return probeOutput(b, name, cfg) }, counts)
	}()
}

func (w *outputWatch) stop() {
	w.stopOnce.Do(func() { close(w.done) })
	w.wg.Wait()
}

func (w *outputWatch) loop(name string, probe func() string, counts func() (beater.Counts, bool)) {
	tick := time.NewTicker(watchTick)
	defer tick.Stop()
	var acked uint64
	moved, reported := time.Now(), time.Time{}
	for {
		select {
		case <-w.done:
			return
		case <-tick.C:
		}
		c, ok := counts()
		now := time.Now()
		if !ok || c.Acked >= c.Published || c.Acked != acked {
			acked, moved = c.Acked, now
			continue
		}
		if now.Sub(moved) < stallAfter || (!reported.IsZero() && now.Sub(reported) < reportEvery) {
			continue
		}
		reason := probe()
		select {
		case <-w.done:
			return
		default:
		}
		reported = time.Now()
		if reason != "" {
			fmt.Fprintf(w.out, "  cannot reach the %s output: %s; %d of %d events acknowledged, still trying (Ctrl-C to stop)\n", name, reason, c.Acked, c.Published)
		} else {
			fmt.Fprintf(w.out, "  waiting for the %s output: %d of %d events acknowledged (Ctrl-C to stop)\n", name, c.Acked, c.Published)
		}
	}
}

// probeOutput runs libbeat's connection check of the output (`test
// output`) and returns its first failure, "" when it passed or the output
// has no check.
func probeOutput(b *beat.Beat, name string, cfg *conf.C) string {
	if cfg == nil {
		return ""
	}
	im, err := idxmgmt.DefaultSupport(b.Info, nil)
	if err != nil {
		return ""
	}
	group, err := outputs.Load(im, b.Info, nil, name, cfg)
	if err != nil {
		return fmt.Sprintf("its configuration is refused: %v", err)
	}
	defer func() {
		for _, c := range group.Clients {
			_ = c.Close()
		}
	}()
	for _, c := range group.Clients {
		t, ok := c.(libtesting.Testable)
		if !ok {
			continue
		}
		d := &probeDriver{result: &probeResult{}}
		done := make(chan struct{})
		go func() {
			defer close(done)
			t.Test(d)
		}()
		select {
		case <-done:
		case <-time.After(probeLimit):
			return fmt.Sprintf("no answer within %s", probeLimit)
		}
		if msg := d.result.get(); msg != "" {
			return msg
		}
	}
	return ""
}

// probeResult is the first failure of a check; shared by its drivers.
type probeResult struct {
	mu    sync.Mutex
	first string
}

func (r *probeResult) set(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.first == "" {
		r.first = s
	}
}

func (r *probeResult) get() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.first
}

// probeDriver is a libbeat test driver that keeps the first failure with
// the names of the steps that led to it.
type probeDriver struct {
	steps  []string
	result *probeResult
}

func (d *probeDriver) Run(name string, f func(libtesting.Driver)) {
	f(&probeDriver{steps: append(append([]string(nil), d.steps...), name), result: d.result})
}

func (d *probeDriver) Info(string, string) {}
func (d *probeDriver) Warn(string, string) {}
func (d *probeDriver) Result(string)       {}

func (d *probeDriver) Error(field string, err error) {
	if err != nil {
		d.result.set(strings.Join(append(append([]string(nil), d.steps...), field), ": ") + ": " + err.Error())
	}
}

// Fatal records the failure and ends the check's goroutine, as libbeat's
// console driver ends the process.
func (d *probeDriver) Fatal(field string, err error) {
	if err != nil {
		d.Error(field, err)
		runtime.Goexit()
	}
}
