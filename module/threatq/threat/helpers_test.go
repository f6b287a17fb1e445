package threat

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixedCreated is the fetch time used by every test (event.created, and
// @timestamp when updated_at is absent).
var fixedCreated = time.Date(2024, 5, 6, 7, 8, 9, 123_000_000, time.UTC)

// baseSettings are production-like settings; a case's settings.json
// overrides them member by member.
func baseSettings() Settings {
	return Settings{
		Expiration: 90 * 24 * time.Hour,
		Tags:       []string{"threatq-threat"},
		URL:        "https://threatq.example.com",
	}
}

// settingsFile is the JSON form of Settings in testdata/<case>/settings.json.
// A member that is absent keeps the base value.
type settingsFile struct {
	Namespace             *string           `json:"namespace"`
	Expiration            *string           `json:"expiration"` // "" means no expiry duration
	PreserveOriginalEvent *bool             `json:"preserve_original_event"`
	Tags                  *[]string         `json:"tags"`
	URL                   *string           `json:"url"`
	ReferencePath         *string           `json:"reference_path"`
	MaxValueBytes         *int              `json:"max_value_bytes"`
	DeployStatuses        *[]string         `json:"deploy_statuses"`
	MinScore              *int              `json:"min_score"`
	Types                 *[]string         `json:"types"`
	ExcludeTypes          *[]string         `json:"exclude_types"`
	MaxTLP                *string           `json:"max_tlp"` // as configured, e.g. "amber"
	ExpirationByType      map[string]string `json:"ioc_expiration_by_type"`
	UseSourceExpiry       *bool             `json:"use_source_expiry"`
}

func loadSettings(t testing.TB, dir string) Settings {
	t.Helper()
	s := baseSettings()
	b, err := os.ReadFile(filepath.Join(dir, "settings.json"))
	if errors.Is(err, os.ErrNotExist) {
		return s
	}
	require.NoError(t, err)
	var f settingsFile
	require.NoError(t, json.Unmarshal(b, &f))
	if f.Namespace != nil {
		s.Namespace = *f.Namespace
	}
	if f.Expiration != nil {
		s.Expiration = 0
		if *f.Expiration != "" {
			s.Expiration, err = ParseExpiration(*f.Expiration)
			require.NoError(t, err)
		}
	}
	if f.PreserveOriginalEvent != nil {
		s.PreserveOriginalEvent = *f.PreserveOriginalEvent
	}
	if f.Tags != nil {
		s.Tags = *f.Tags
	}
	if f.URL != nil {
		s.URL = *f.URL
	}
	if f.ReferencePath != nil {
		s.ReferencePath = *f.ReferencePath
	}
	if f.MaxValueBytes != nil {
		s.MaxValueBytes = *f.MaxValueBytes
	}
	if f.DeployStatuses != nil {
		s.DeployStatuses = *f.DeployStatuses
	}
	if f.MinScore != nil {
		s.Curation.MinScore = *f.MinScore
	}
	if f.Types != nil {
		s.Curation.Types = *f.Types
	}
	if f.ExcludeTypes != nil {
		s.Curation.ExcludeTypes = *f.ExcludeTypes
	}
	if f.MaxTLP != nil {
		tlp, ok := ParseTLP(*f.MaxTLP)
		require.True(t, ok, "max_tlp %q", *f.MaxTLP)
		s.Curation.MaxTLP = tlp
	}
	if f.ExpirationByType != nil {
		s.ExpirationByType = map[string]time.Duration{}
		for typ, v := range f.ExpirationByType {
			s.ExpirationByType[typ], err = ParseExpiration(v)
			require.NoError(t, err)
		}
	}
	if f.UseSourceExpiry != nil {
		s.UseSourceExpiry = *f.UseSourceExpiry
	}
	return s
}

// eventDoc is the document as the beater publishes it: the fields plus
// @timestamp and @metadata._id, normalised through JSON (numbers become
// float64), so it compares with parsed expected files.
func eventDoc(t testing.TB, ev Event) map[string]any {
	t.Helper()
	_, hasTimestamp := ev.Fields["@timestamp"]
	require.False(t, hasTimestamp, "Fields must not contain @timestamp")
	b, err := json.Marshal(ev.Fields)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	doc["@timestamp"] = formatTime(ev.Timestamp)
	doc["@metadata"] = map[string]any{"_id": ev.ID}
	return doc
}

// readJSON parses a JSON file into generic values.
func readJSON(t testing.TB, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var v any
	require.NoError(t, json.Unmarshal(b, &v), path)
	return v
}

// mustFloat parses a decimal string as JSON would decode a number.
func mustFloat(t testing.TB, s string) float64 {
	t.Helper()
	var f float64
	require.NoError(t, json.Unmarshal([]byte(s), &f))
	return f
}

// findPeerDir returns shared/peer, the Elastic ti_threatq test fixtures, by
// walking up from the working directory (CI clones the repository with
// shared/ beside it). The test is skipped only when no such directory exists.
func findPeerDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		p := filepath.Join(dir, "shared", "peer")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/peer (Elastic ti_threatq fixtures) not found in any parent directory; parity not checked")
		}
		dir = parent
	}
}

// setPath sets a nested value, creating objects on the way.
func setPath(doc map[string]any, path []string, v any) {
	m := doc
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

// asSlice returns v as a JSON array, or nil.
func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// expiryCase is one row of a table of expiry rules.
type expiryCase struct {
	name       string
	in         expiryInput
	wantAt     time.Time
	wantReason string
}

// checkExpiry runs the rows through rules, each of which must apply.
func checkExpiry(t *testing.T, rules func(expiryInput) (time.Time, string, bool), cases []expiryCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			at, reason, ok := rules(tt.in)
			require.True(t, ok)
			assert.Equal(t, tt.wantAt, at)
			assert.Equal(t, tt.wantReason, reason)
		})
	}
}
