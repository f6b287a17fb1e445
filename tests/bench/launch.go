package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The beat is started through a small launcher process (this program
// re-executed) because ru_maxrss of a child started directly from this
// large process would report this process's RSS: Go starts children with
// vfork semantics, and Linux carries the parent's high-water mark into the
// child's maxrss at exec. The launcher is small, so the beat's maxrss is its
// own peak. The launcher also times the beat and reads its CPU time.
const (
	launchEnv = "THREATQBEAT_BENCH_LAUNCH" // set to the result file path
)

// launchResult is what the launcher measured.
type launchResult struct {
	StartUnixNano int64   `json:"start"`
	EndUnixNano   int64   `json:"end"`
	UserSeconds   float64 `json:"user_seconds"`
	SystemSeconds float64 `json:"system_seconds"`
	MaxRSSKB      int64   `json:"maxrss_kb"`
	// PeakAnonKB and PeakFileKB are the highest RssAnon (heap, stacks) and
	// RssFile (mostly the binary's pages) seen in /proc/PID/status, sampled
	// every rssSampleEvery: the binary's share of RSS depends on the page
	// cache, the anonymous share on the sync.
	PeakAnonKB int64  `json:"peak_anon_kb"`
	PeakFileKB int64  `json:"peak_file_kb"`
	ExitCode   int    `json:"exit_code"`
	Error      string `json:"error,omitempty"`
}

// launcherMain runs os.Args[1:] and writes a launchResult to path. The
// beat inherits stdout, stderr and the environment; it is killed if the
// launcher dies.
func launcherMain(path string) {
	var res launchResult
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	res.StartUnixNano = time.Now().UnixNano()
	err := cmd.Start()
	if err == nil {
		done := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			sampleRSS(cmd.Process.Pid, done, &res)
		}()
		err = cmd.Wait()
		close(done)
		<-sampled
	}
	res.EndUnixNano = time.Now().UnixNano()
	if st := cmd.ProcessState; st != nil {
		res.ExitCode = st.ExitCode()
		res.UserSeconds = st.UserTime().Seconds()
		res.SystemSeconds = st.SystemTime().Seconds()
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			res.MaxRSSKB = ru.Maxrss // KiB on Linux
		}
	}
	if err != nil {
		res.Error = err.Error()
	}
	b, _ := json.Marshal(res)
	if werr := os.WriteFile(path, b, 0o600); werr != nil {
		fmt.Fprintln(os.Stderr, "launcher:", werr)
		os.Exit(2)
	}
}

// rssSampleEvery is how often the launcher reads the beat's RSS split.
const rssSampleEvery = 20 * time.Millisecond

// sampleRSS records the highest RssAnon and RssFile of pid until done is
// closed.
func sampleRSS(pid int, done <-chan struct{}, res *launchResult) {
	path := fmt.Sprintf("/proc/%d/status", pid)
	tick := time.NewTicker(rssSampleEvery)
	defer tick.Stop()
	for {
		if b, err := os.ReadFile(path); err == nil {
			for line := range strings.SplitSeq(string(b), "\n") {
				name, val, ok := strings.Cut(line, ":")
				if !ok {
					continue
				}
				kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
				if err != nil {
					continue
				}
				switch name {
				case "RssAnon":
					res.PeakAnonKB = max(res.PeakAnonKB, kb)
				case "RssFile":
					res.PeakFileKB = max(res.PeakFileKB, kb)
				}
			}
		}
		select {
		case <-done:
			return
		case <-tick.C:
		}
	}
}
