package threat

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzMap checks that Map never panics, returns only ErrNotIndicator errors,
// and returns events whose fields marshal to JSON, with no @timestamp in
// Fields and a non-empty id, whose ExpiredAt is threatq.ioc_expired_at, and
// whose Filtered is a curation option or "". The lifecycle options are on,
// so that sources[].source_expire_days and the curation are fuzzed too. The golden inputs are the seed corpus, so the
// seeds run under plain go test.
func FuzzMap(f *testing.F) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*", "indicator.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{"", "null", "{}", `{"id":1}`, `{"value":"\u0000\ud800"}`, `{"id":1e400}`, "\xff"} {
		f.Add([]byte(s))
	}
	s := baseSettings()
	s.PreserveOriginalEvent = true
	s.Tags = append(s.Tags, TagPreserveDuplicates)
	s.UseSourceExpiry = true
	s.ExpirationByType = map[string]time.Duration{"IP Address": 7 * 24 * time.Hour}
	s.Curation = Curation{MinScore: 5, MaxTLP: "AMBER", ExcludeTypes: []string{"Mutex"}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, err := Map(raw, s, fixedCreated)
		if err != nil {
			if !errors.Is(err, ErrNotIndicator) {
				t.Fatalf("error does not wrap ErrNotIndicator: %v", err)
			}
			return
		}
		if _, ok := ev.Fields["@timestamp"]; ok {
			t.Fatal("Fields contains @timestamp")
		}
		if ev.ID == "" {
			t.Fatal("empty document id")
		}
		if _, err := json.Marshal(ev.Fields); err != nil {
			t.Fatalf("fields do not marshal: %v", err)
		}
		at, _ := ev.Fields["threatq"].(object)["ioc_expired_at"].(string)
		if ev.ExpiredAt.IsZero() != (at == "") || at != "" && at != formatTime(ev.ExpiredAt) {
			t.Fatalf("ExpiredAt %v, threatq.ioc_expired_at %q", ev.ExpiredAt, at)
		}
		switch ev.Filtered {
		case "", FilterMinScore, FilterMaxTLP, FilterExcludeTypes:
		default:
			t.Fatalf("Filtered %q", ev.Filtered)
		}
	})
}
