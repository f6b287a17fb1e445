//go:build integration

package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// goldenDir holds the mapping's golden cases: <case>/indicator.json, the
// expected document (or rejection) in expected.json, and settings.json for
// cases that need other settings.
const goldenDir = "../../module/threatq/threat/testdata"

// goldenURL is the ThreatQ URL of the golden cases without settings.json;
// the deep links of the binary's events start with the simulator's URL.
const goldenURL = "https://threatq.example.com"

// createdPlaceholder replaces the fetch time (event.created, and @timestamp
// of an indicator without updated_at) on both sides of the comparison, and
// expiresPlaceholder the expiry computed from it (an indicator without a
// usable updated_at expires ioc_expiration_duration after it was fetched).
const (
	createdPlaceholder = "<event.created>"
	expiresPlaceholder = "<event.created + ioc_expiration_duration>"
)

// fetchTimeReplacer replaces the strings of a document that are its fetch
// time, or the expiry computed from it, by the placeholders.
func fetchTimeReplacer(t *testing.T, created string, ttl time.Duration) func(string) string {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, created)
	if err != nil {
		t.Fatalf("event.created %q is not a time: %v", created, err)
	}
	expires := at.Add(ttl).UTC().Format("2006-01-02T15:04:05.000Z")
	return func(s string) string {
		switch s {
		case created:
			return createdPlaceholder
		case expires:
			return expiresPlaceholder
		}
		return s
	}
}

// goldenProfile is the configuration that reproduces a case's settings.json
// through threatqbeat.yml. skip says why a case cannot go through the
// binary.
type goldenProfile struct {
	name  string
	extra string // lines under threatqbeat:
	url   string // the URL the case's deep links start with
	ttl   time.Duration
	skip  string
	// lifecycle is set when the case uses a lifecycle option
	// (deploy_statuses, ...).
	lifecycle bool
}

// lifecycleWired says whether the collection loop maps with
// config.Config.Settings, which carries the lifecycle options. Until it
// does, cases that set one are not run through the binary (the mapping
// and config.Settings are tested in their packages).
const lifecycleWired = true

// goldenSettings is the subset of settings.json (module/threatq/threat's
// helpers_test.go) a profile is made from.
type goldenSettings struct {
	Namespace             *string           `json:"namespace"`
	Expiration            *string           `json:"expiration"`
	PreserveOriginalEvent *bool             `json:"preserve_original_event"`
	Tags                  *[]string         `json:"tags"`
	URL                   *string           `json:"url"`
	ReferencePath         *string           `json:"reference_path"`
	MaxValueBytes         *int              `json:"max_value_bytes"`
	DeployStatuses        *[]string         `json:"deploy_statuses"`
	MinScore              *int              `json:"min_score"`
	Types                 *[]string         `json:"types"`
	ExcludeTypes          *[]string         `json:"exclude_types"`
	MaxTLP                *string           `json:"max_tlp"`
	ExpirationByType      map[string]string `json:"ioc_expiration_by_type"`
	UseSourceExpiry       *bool             `json:"use_source_expiry"`
}

func profileOf(t *testing.T, dir string) goldenProfile {
	t.Helper()
	p := goldenProfile{name: "defaults", url: goldenURL, ttl: 90 * 24 * time.Hour}
	b, err := os.ReadFile(filepath.Join(dir, "settings.json"))
	if errors.Is(err, os.ErrNotExist) {
		return p
	}
	if err != nil {
		t.Fatal(err)
	}
	var s goldenSettings
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	var lines []string
	if s.MaxValueBytes != nil {
		p.skip = "a value cap below the binary's 32 KiB: the cap is not a setting (module/threatq/threat caps with it)"
	}
	if s.Expiration != nil {
		if *s.Expiration == "" {
			p.skip = "no expiry duration: the configuration always has one (ioc_expiration_duration must be at least 1)"
		}
		lines = append(lines, fmt.Sprintf("ioc_expiration_duration: %q", *s.Expiration))
		if p.skip == "" {
			if p.ttl, err = threat.ParseExpiration(*s.Expiration); err != nil {
				t.Fatalf("%s: %v", dir, err)
			}
		}
	}
	if s.Namespace != nil {
		lines = append(lines, fmt.Sprintf("data_stream.namespace: %q", *s.Namespace))
	}
	if s.PreserveOriginalEvent != nil {
		lines = append(lines, fmt.Sprintf("preserve_original_event: %v", *s.PreserveOriginalEvent))
	}
	if s.Tags != nil {
		tags, _ := json.Marshal(*s.Tags)
		lines = append(lines, "tags: "+string(tags))
	}
	if s.ReferencePath != nil {
		lines = append(lines, fmt.Sprintf("reference_path: %q", *s.ReferencePath))
	}
	if s.URL != nil {
		p.url = strings.TrimSuffix(*s.URL, "/")
	}
	for key, list := range map[string]*[]string{"deploy_statuses": s.DeployStatuses, "types": s.Types, "exclude_types": s.ExcludeTypes} {
		if list != nil {
			b, _ := json.Marshal(*list)
			lines = append(lines, key+": "+string(b))
			p.lifecycle = true
		}
	}
	if s.MinScore != nil {
		lines = append(lines, fmt.Sprintf("min_score: %d", *s.MinScore))
		p.lifecycle = true
	}
	if s.MaxTLP != nil {
		lines = append(lines, fmt.Sprintf("max_tlp: %q", *s.MaxTLP))
		p.lifecycle = true
	}
	if s.ExpirationByType != nil {
		b, _ := json.Marshal(s.ExpirationByType) // sorted keys: one profile per map
		lines = append(lines, "ioc_expiration_by_type: "+string(b))
		p.lifecycle = true
	}
	if s.UseSourceExpiry != nil {
		lines = append(lines, fmt.Sprintf("use_source_expiry: %v", *s.UseSourceExpiry))
		p.lifecycle = true
	}
	if p.lifecycle && !lifecycleWired && p.skip == "" {
		p.skip = "a lifecycle option, which reaches the mapping once the collection loop uses config.Config.Settings"
	}
	sort.Strings(lines)
	p.extra = "  " + strings.Join(lines, "\n  ")
	p.name = strings.Join(lines, ", ")
	return p
}

// goldenGroup is the cases sharing one configuration: one collection, one
// run of the binary.
type goldenGroup struct {
	profile    goldenProfile
	cases      []string
	indicators []json.RawMessage
	want       []map[string]any // documents expected in the output
	filtered   int              // indicators a curation option keeps out of it
}

// TestRunOutputEqualsGoldenCases serves the mapping's golden cases from the
// ThreatQ simulator, runs the binary with output.file and checks that the
// written events are the golden documents (modulo the fetch time and the
// deep links' host) and that rejected elements are not published.
func TestRunOutputEqualsGoldenCases(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join(goldenDir, "*", "indicator.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden cases under %s: %v", goldenDir, err)
	}
	groups := map[string]*goldenGroup{}
	var skipped, lifecycleSkipped []string
	for _, in := range inputs {
		dir := filepath.Dir(in)
		name := filepath.Base(dir)
		raw, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(raw) {
			skipped = append(skipped, name+" (not JSON: a page holding it is a decode error, tested in module/threatq)")
			continue
		}
		p := profileOf(t, dir)
		if p.skip != "" && p.lifecycle {
			lifecycleSkipped = append(lifecycleSkipped, name)
			continue
		}
		if p.skip != "" {
			skipped = append(skipped, name+" ("+p.skip+")")
			continue
		}
		g := groups[p.name]
		if g == nil {
			g = &goldenGroup{profile: p}
			groups[p.name] = g
		}
		g.cases = append(g.cases, name)
		g.indicators = append(g.indicators, json.RawMessage(raw))
		var want map[string]any
		readJSONFile(t, filepath.Join(dir, "expected.json"), &want)
		if _, published := want["@metadata"]; published {
			g.want = append(g.want, want)
		}
		if _, filtered := want["filtered"]; filtered {
			g.filtered++
		}
	}
	if len(groups) < 2 || len(skipped) > 3 {
		t.Fatalf("golden cases not found as expected: %d groups, skipped %v", len(groups), skipped)
	}
	t.Logf("cases not run through the binary: %s", strings.Join(skipped, "; "))
	if len(lifecycleSkipped) > 0 {
		t.Logf("cases with a lifecycle option not run through the binary until the collection loop maps with config.Config.Settings: %s",
			strings.Join(lifecycleSkipped, ", "))
	}

	sim := threatqtest.New(threatqtest.Options{})
	defer sim.Close()
	names := make([]string, 0, len(groups))
	for name := range groups {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		g := groups[name]
		col := fmt.Sprintf("golden-%d", i)
		t.Logf("%s: %s", col, name)
		t.Run(col, func(t *testing.T) {
			sim.SetCollection(col, g.indicators)
			out := t.TempDir()
			cfg := fileOutputConfig(sim.URL(), out, "  run_once: true\n"+g.profile.extra)
			cfg = strings.Replace(cfg, "collections: [{id: col-e2e}]", "collections: [{id: "+col+"}]", 1)
			b := newBeat(t, cfg)
			logs, err := b.command(timeout(t, 2*time.Minute), "run", "-e").CombinedOutput()
			if err != nil {
				t.Fatalf("threatqbeat run: %v\n%s", err, tail(logs))
			}
			got := readNDJSON(t, out)
			for _, e := range got {
				normaliseEmitted(t, e, g.profile.ttl)
			}
			want := make([]map[string]any, len(g.want))
			for j, w := range g.want {
				want[j] = normaliseGolden(t, w, g.profile, sim.URL())
			}
			compareDocuments(t, g.cases, want, got)
			if rejected := len(g.indicators) - len(g.want) - g.filtered; rejected > 0 {
				if n := totalMetrics(t, string(logs))["threatq.collections."+col+".indicators_rejected"]; n != float64(rejected) {
					t.Fatalf("indicators_rejected = %v, want %d", n, rejected)
				}
			}
		})
	}
}

// normaliseEmitted keeps what the mapping produced: it drops what libbeat
// adds around it (agent.*, @metadata beat/type/version) and replaces the
// fetch time.
func normaliseEmitted(t *testing.T, e map[string]any, ttl time.Duration) {
	t.Helper()
	created, _ := field(e, "event.created").(string)
	replace := fetchTimeReplacer(t, created, ttl)
	delete(e, "agent")
	if md, ok := e["@metadata"].(map[string]any); ok {
		for k := range md {
			if k != "_id" {
				delete(md, k)
			}
		}
	}
	replaceStrings(e, replace)
}

// normaliseGolden rewrites an expected document for the binary's run: the
// fixed fetch time of the golden tests becomes the placeholder and deep
// links point at the simulator.
func normaliseGolden(t *testing.T, w map[string]any, p goldenProfile, simURL string) map[string]any {
	t.Helper()
	created, _ := field(w, "event.created").(string)
	replace := fetchTimeReplacer(t, created, p.ttl)
	replaceStrings(w, func(s string) string {
		if strings.HasPrefix(s, p.url+"/") {
			return simURL + strings.TrimPrefix(s, p.url)
		}
		return replace(s)
	})
	return w
}

func replaceStrings(v any, f func(string) string) {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			if s, ok := c.(string); ok {
				v[k] = f(s)
				continue
			}
			replaceStrings(c, f)
		}
	case []any:
		for i, c := range v {
			if s, ok := c.(string); ok {
				v[i] = f(s)
				continue
			}
			replaceStrings(c, f)
		}
	}
}

// compareDocuments checks that got and want hold the same documents, as
// multisets (cases may share an id, the output's order is not the input's).
func compareDocuments(t *testing.T, cases []string, want, got []map[string]any) {
	t.Helper()
	left := append([]map[string]any(nil), got...)
	var missing []map[string]any
	for _, w := range want {
		found := -1
		for j, g := range left {
			if cmp.Equal(w, g) {
				found = j
				break
			}
		}
		if found < 0 {
			missing = append(missing, w)
			continue
		}
		left = append(left[:found], left[found+1:]...)
	}
	for _, w := range missing {
		id := field(w, "@metadata._id")
		for _, g := range left {
			if field(g, "@metadata._id") == id {
				t.Errorf("event %v differs from its golden document (-want +got):\n%s", id, cmp.Diff(w, g))
				return
			}
		}
		t.Errorf("golden document %v was not written", id)
		for _, g := range left {
			t.Logf("written, not expected: %v", g)
		}
	}
	if len(missing) == 0 && len(left) > 0 {
		t.Errorf("%d events written that no golden case expects, first: %v", len(left), left[0])
	}
	if t.Failed() {
		t.Logf("cases of this run: %s", strings.Join(cases, ", "))
	}
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
