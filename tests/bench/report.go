package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// results are every measurement of one invocation.
type results struct {
	Machine           machine      `json:"machine"`
	N                 int          `json:"indicators"`
	PageSize          int          `json:"page_size"`
	Runs              int          `json:"runs"`
	Settings          []string     `json:"settings,omitempty"`
	Env               []string     `json:"env,omitempty"`
	Binary            string       `json:"binary"`
	BytesPerIndicator float64      `json:"bytes_per_indicator"`
	Ceiling           []passResult `json:"ceiling"`
	MapPass           []passResult `json:"map_pass,omitempty"`
	Beat              []beatResult `json:"beat"`
}

// beatResult is one run of the binary.
type beatResult struct {
	Output         string  `json:"output"`
	Run            int     `json:"run"`
	Events         int     `json:"events"`
	Distinct       int     `json:"distinct"`
	ProcessSeconds float64 `json:"process_seconds"`
	SyncSeconds    float64 `json:"sync_seconds"`
	CPUSeconds     float64 `json:"cpu_seconds"`
	PeakRSSMB      float64 `json:"peak_rss_mb"`
	PeakAnonMB     float64 `json:"peak_anon_rss_mb"` // heap, stacks: the sync's share
	PeakFileMB     float64 `json:"peak_file_rss_mb"` // mostly the binary's pages
	PeerCPUSeconds float64 `json:"peer_cpu_seconds"`
	CeilingRate    float64 `json:"ceiling_indicators_per_s"`

	SyncRate    float64 `json:"sync_indicators_per_s"`
	ProcessRate float64 `json:"process_indicators_per_s"`
	CPUPer100k  float64 `json:"cpu_seconds_per_100k"`
	VsCeiling   float64 `json:"sync_rate_vs_ceiling"`
}

func (r *beatResult) fill(n int) {
	r.SyncRate = float64(n) / r.SyncSeconds
	r.ProcessRate = float64(n) / r.ProcessSeconds
	r.CPUPer100k = r.CPUSeconds * 100000 / float64(n)
	if r.CeilingRate > 0 {
		r.VsCeiling = r.SyncRate / r.CeilingRate
	}
}

func (r beatResult) String() string {
	return fmt.Sprintf("%d events; sync %.0f/s (%.2f s), process %.0f/s (%.2f s); %.2f CPU-s/100k; peak RSS %.0f MB (anon %.0f, file %.0f); peers %.2f CPU-s",
		r.Distinct, r.SyncRate, r.SyncSeconds, r.ProcessRate, r.ProcessSeconds, r.CPUPer100k, r.PeakRSSMB, r.PeakAnonMB, r.PeakFileMB, r.PeerCPUSeconds)
}

// machine describes where the figures were measured.
type machine struct {
	Date       string `json:"date"`
	GoVersion  string `json:"go"`
	NumCPU     int    `json:"cpus"`
	MemTotalMB int    `json:"mem_total_mb"`
	CPUModel   string `json:"cpu_model"`
	Kernel     string `json:"kernel"`
}

func describeMachine() machine {
	m := machine{Date: time.Now().Format("2006-01-02"), GoVersion: runtime.Version(), NumCPU: runtime.NumCPU()}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			m.MemTotalMB = kb / 1024
		}
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				m.CPUModel = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// spread is min, median and max of a sample.
type spread struct{ min, med, max float64 }

func spreadOf(xs []float64) spread {
	if len(xs) == 0 {
		return spread{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return spread{s[0], med, s[len(s)-1]}
}

func collect[T any](xs []T, f func(T) float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// printSummary writes the min/median/max table.
func printSummary(w io.Writer, res results, outputs []string) {
	m := res.Machine
	fmt.Fprintf(w, "\nthreatqbeat end-to-end benchmark, %s: %d indicators (%.0f B each), page_size %d, %d runs\n",
		m.Date, res.N, res.BytesPerIndicator, res.PageSize, res.Runs)
	fmt.Fprintf(w, "machine: %d CPUs (%s), %d MB, %s, Linux %s\n", m.NumCPU, m.CPUModel, m.MemTotalMB, m.GoVersion, m.Kernel)
	if len(res.Settings) > 0 {
		fmt.Fprintf(w, "settings: -E %s\n", strings.Join(res.Settings, " -E "))
	}
	if len(res.Env) > 0 {
		fmt.Fprintf(w, "environment: %s\n", strings.Join(res.Env, " "))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "measurement\tmin\tmedian\tmax\t")
	row := func(name, format string, xs []float64) {
		s := spreadOf(xs)
		fmt.Fprintf(tw, "%s\t"+format+"\t"+format+"\t"+format+"\t\n", name, s.min, s.med, s.max)
	}
	row("ceiling fetch+decode, indicators/s", "%.0f", collect(res.Ceiling, func(p passResult) float64 { return p.Rate }))
	if len(res.MapPass) > 0 {
		row("fetch+decode+map (no libbeat), indicators/s", "%.0f", collect(res.MapPass, func(p passResult) float64 { return p.Rate }))
	}
	for _, out := range outputs {
		var rs []beatResult
		for _, r := range res.Beat {
			if r.Output == out {
				rs = append(rs, r)
			}
		}
		row(out+": indicators/s (first request to exit)", "%.0f", collect(rs, func(r beatResult) float64 { return r.SyncRate }))
		row(out+": indicators/s (process start to exit)", "%.0f", collect(rs, func(r beatResult) float64 { return r.ProcessRate }))
		row(out+": share of ceiling (same run)", "%.2f", collect(rs, func(r beatResult) float64 { return r.VsCeiling }))
		row(out+": beat CPU-s per 100k indicators", "%.2f", collect(rs, func(r beatResult) float64 { return r.CPUPer100k }))
		row(out+": beat peak RSS, MB", "%.0f", collect(rs, func(r beatResult) float64 { return r.PeakRSSMB }))
		row(out+": peak anonymous RSS (heap), MB", "%.0f", collect(rs, func(r beatResult) float64 { return r.PeakAnonMB }))
		row(out+": peak file-backed RSS (binary), MB", "%.0f", collect(rs, func(r beatResult) float64 { return r.PeakFileMB }))
		row(out+": peer CPU-s (simulator, sink)", "%.2f", collect(rs, func(r beatResult) float64 { return r.PeerCPUSeconds }))
	}
	tw.Flush()
}
