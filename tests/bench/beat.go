package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// collectionID is the simulated collection every run syncs.
const collectionID = "bench"

// buildBinary builds the working tree's threatqbeat into dir.
func buildBinary(ctx context.Context, dir string) (string, error) {
	root, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	bin := filepath.Join(dir, "threatqbeat")
	logf("building threatqbeat")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(root)))
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // as magefile.go builds it
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build threatqbeat: %w", err)
	}
	return bin, nil
}

// beatConfig is threatqbeat.yml for one run. Only what the run needs is
// set: queue, bulk and processing settings stay at the binary's defaults
// unless given with -E.
func beatConfig(simURL string, pageSize int, output string) string {
	return fmt.Sprintf(`threatqbeat:
  url: %q
  client_id: test
  client_secret: test
  collections: [{id: %s}]
  page_size: %d
  run_once: true
%s
logging.level: info
`, simURL, collectionID, pageSize, output)
}

// fileOutput writes every event to dir, in files large enough that a
// 1 M-indicator run never rotates an event away.
func fileOutput(dir string) string {
	return fmt.Sprintf(`output.file:
  path: %q
  filename: events
  rotate_every_kb: 1048576
  number_of_files: 1024
`, dir)
}

// esOutput sends to a mock-es listening on addr.
func esOutput(addr string) string {
	return fmt.Sprintf(`output.elasticsearch:
  hosts: ["http://%s"]
setup.template.enabled: false
setup.ilm.enabled: false
`, addr)
}

// beatRun runs the binary once with one output and measures it.
func beatRun(ctx context.Context, o options, work string, sim *threatqtest.Server, output string, run int) (beatResult, error) {
	res := beatResult{Output: output, Run: run + 1}
	home := filepath.Join(work, fmt.Sprintf("%s-%d", output, run+1))
	out := filepath.Join(home, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return res, err
	}
	defer func() {
		if !o.keep {
			os.RemoveAll(home)
		}
	}()
	var outCfg string
	var sink *esSink
	switch output {
	case "file":
		outCfg = fileOutput(out)
	case "es":
		var err error
		if sink, err = startESSink(); err != nil {
			return res, err
		}
		defer sink.close()
		outCfg = esOutput(sink.addr)
	}
	cfgPath := filepath.Join(home, "threatqbeat.yml")
	if err := os.WriteFile(cfgPath, []byte(beatConfig(sim.URL(), o.pageSize, outCfg)), 0o600); err != nil {
		return res, err
	}
	args := []string{"run", "-e", "--path.home", home, "-c", cfgPath}
	for _, s := range o.settings {
		args = append(args, "-E", s)
	}
	if o.cpuProfile != "" {
		// Go's CPU profiler creates and deletes a timer per thread;
		// libbeat's seccomp policy does not allow timer_delete, and the
		// runtime aborts ("fatal error: timer_delete") when the profile
		// stops. Profiled runs go without the syscall filter.
		args = append(args, "-E", "seccomp.enabled=false")
		args = append(args, "--cpuprofile", filepath.Join(o.cpuProfile, fmt.Sprintf("%s-%d.pprof", output, run+1)))
	}
	if o.memProfile != "" {
		args = append(args, "--memprofile", filepath.Join(o.memProfile, fmt.Sprintf("%s-%d.pprof", output, run+1)))
	}
	logPath := filepath.Join(home, "beat.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return res, err
	}
	defer logFile.Close()

	self, err := os.Executable()
	if err != nil {
		return res, err
	}
	resultPath := filepath.Join(home, "launch.json")
	runCtx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, self, append([]string{o.binary}, args...)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(os.Environ(), o.env...)
	cmd.Env = append(cmd.Env, launchEnv+"="+resultPath)
	sim.ResetStats()
	peerBefore := selfCPU()
	if err := cmd.Start(); err != nil {
		return res, err
	}
	firstPage := make(chan time.Time, 1)
	stopWatch := make(chan struct{})
	go watchFirstPage(sim, firstPage, stopWatch)
	err = cmd.Wait()
	close(stopWatch)
	res.PeerCPUSeconds = (selfCPU() - peerBefore).Seconds()
	if err != nil {
		return res, fmt.Errorf("launcher: %w\n%s", err, tailFile(logPath, 30))
	}
	var lr launchResult
	b, err := os.ReadFile(resultPath)
	if err == nil {
		err = json.Unmarshal(b, &lr)
	}
	if err != nil {
		return res, fmt.Errorf("read launcher result: %w", err)
	}
	if lr.Error != "" {
		return res, fmt.Errorf("threatqbeat run: %s\n%s", lr.Error, tailFile(logPath, 30))
	}
	started, ended := time.Unix(0, lr.StartUnixNano), time.Unix(0, lr.EndUnixNano)
	res.ProcessSeconds = ended.Sub(started).Seconds()
	syncStart := started
	select {
	case t := <-firstPage:
		syncStart = t
	default:
	}
	res.SyncSeconds = ended.Sub(syncStart).Seconds()
	res.CPUSeconds = lr.UserSeconds + lr.SystemSeconds
	res.PeakRSSMB = float64(lr.MaxRSSKB) / 1024
	res.PeakAnonMB = float64(lr.PeakAnonKB) / 1024
	res.PeakFileMB = float64(lr.PeakFileKB) / 1024
	switch output {
	case "file":
		res.Events, res.Distinct, err = countFileEvents(out)
	case "es":
		res.Events, res.Distinct = sink.counts()
	}
	if err != nil {
		return res, err
	}
	if res.Distinct != o.n {
		return res, fmt.Errorf("output received %d events, %d distinct, want %d\n%s", res.Events, res.Distinct, o.n, tailFile(logPath, 30))
	}
	return res, nil
}

// watchFirstPage sends the time the simulator saw the first page request.
func watchFirstPage(sim *threatqtest.Server, first chan<- time.Time, stop <-chan struct{}) {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if sim.Stats().PageRequests > 0 {
				first <- time.Now()
				return
			}
		}
	}
}

// selfCPU is the CPU time used by this process (simulator, mock-es, ...).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// countFileEvents counts the lines written by output.file under dir and the
// distinct @metadata._id values among them.
func countFileEvents(dir string) (events, distinct int, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "events*"))
	if err != nil {
		return 0, 0, err
	}
	ids := make(map[string]struct{})
	key := []byte(`"_id":"`)
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return 0, 0, err
		}
		r := bufio.NewReaderSize(fh, 1<<20)
		for {
			line, err := r.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				// A line longer than the buffer: keep reading it.
				rest, err2 := r.ReadBytes('\n')
				line, err = append(line[:len(line):len(line)], rest...), err2
			}
			if len(bytes.TrimSpace(line)) > 0 {
				events++
				if i := bytes.Index(line, key); i >= 0 {
					v := line[i+len(key):]
					if j := bytes.IndexByte(v, '"'); j >= 0 {
						ids[string(v[:j])] = struct{}{}
					}
				}
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				fh.Close()
				return 0, 0, err
			}
		}
		fh.Close()
	}
	return events, len(ids), nil
}

// tailFile returns the last n lines of a file, for error messages; after a
// Go crash, the n lines from the crash message instead.
func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			return strings.Join(lines[i:min(len(lines), i+n)], "\n")
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
