package threatqtest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// genIndicator is the generated shape, as the mapping reads it.
type genIndicator struct {
	ID       int64  `json:"id"`
	Value    string `json:"value"`
	Class    string `json:"class"`
	TypeID   int    `json:"type_id"`
	StatusID int    `json:"status_id"`
	Type     struct {
		ID          int
		Name, Class string
	}
	Status struct {
		ID                int
		Name, Description string
	}
	Score       *int    `json:"score"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	ExpiresAt   *string `json:"expires_at"`
	ExpiredAt   *string `json:"expired_at"`
	Adversaries []struct {
		ID   int
		Name string
	}
	Attributes          []map[string]any `json:"attributes"`
	Sources             []map[string]any `json:"sources"`
	RelatedMalwareCount *int             `json:"related_malware_count"`
	All                 map[string]any   `json:"-"`
}

func decodeGenerated(t *testing.T, raws []json.RawMessage) []genIndicator {
	t.Helper()
	out := make([]genIndicator, len(raws))
	for i, raw := range raws {
		require.True(t, json.Valid(raw), "%s", raw)
		require.NoError(t, json.Unmarshal(raw, &out[i]), "%s", raw)
		require.NoError(t, json.Unmarshal(raw, &out[i].All))
	}
	return out
}

func TestGenerateDeterministic(t *testing.T) {
	a := Generate(300, 42, t0)
	b := Generate(300, 42, t0)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed, different data:\n%s", diff)
	}
	assert.Equal(t, a[:50], Generate(50, 42, t0), "a shorter run is a prefix")
	c := Generate(300, 43, t0)
	assert.NotEqual(t, a[0], c[0], "another seed gives other data")
	assert.Empty(t, Generate(0, 1, t0))
	for i := range a {
		assert.Equal(t, len(a[i]), cap(a[i]), "appending to one indicator must not clobber the next")
	}
}

func TestGenerateShapeAndCoverage(t *testing.T) {
	const n = 3000
	start := time.Date(2024, 3, 1, 12, 0, 0, 500, time.FixedZone("CET", 3600))
	inds := decodeGenerated(t, Generate(n, 1, start))

	wantTypes := []string{
		"IP Address", "IPv6 Address", "FQDN", "URL", "Email Address", "MD5", "SHA-1", "SHA-256",
		"SHA-384", "SHA-512", "Filename", "x509 Serial", "CIDR Block", "Mutex", "File Path", "Registry Key", "User-agent",
	}
	types := map[string]int{}
	statuses := map[string]int{}
	tlpNames := map[string]int{}
	var noScore, withExpiresAt, withExpiredAt, withAdversaries, withRelated, noAttributes, maxAttributes int
	ids := map[int64]bool{}
	var prev time.Time
	for i, ind := range inds {
		updated, err := time.Parse(threatqTimeLayout, ind.UpdatedAt)
		require.NoError(t, err)
		created, err := time.Parse(threatqTimeLayout, ind.CreatedAt)
		require.NoError(t, err)
		if i == 0 {
			assert.Equal(t, "2024-03-01 11:00:00", ind.UpdatedAt, "starts at start, in UTC, whole seconds")
		} else {
			require.True(t, updated.After(prev), "updated_at strictly increasing at %d", i)
			require.LessOrEqual(t, updated.Sub(prev), time.Minute)
		}
		prev = updated
		assert.False(t, created.After(updated))
		require.False(t, ids[ind.ID], "duplicate id %d", ind.ID)
		ids[ind.ID] = true
		assert.Positive(t, ind.ID)

		types[ind.Type.Name]++
		assert.Equal(t, ind.Type.ID, ind.TypeID)
		assert.Equal(t, ind.Type.Class, ind.Class)
		assert.Contains(t, []string{"network", "host"}, ind.Class)
		checkValue(t, ind.Type.Name, ind.Value)

		statuses[ind.Status.Name]++
		assert.Equal(t, ind.Status.ID, ind.StatusID)
		assert.NotEmpty(t, ind.Status.Description)

		if ind.Score == nil {
			noScore++
		} else {
			assert.GreaterOrEqual(t, *ind.Score, 0)
			assert.LessOrEqual(t, *ind.Score, 10)
		}
		if ind.ExpiresAt != nil {
			withExpiresAt++
		}
		if ind.ExpiredAt != nil {
			withExpiredAt++
		}
		if len(ind.Adversaries) > 0 {
			withAdversaries++
			assert.NotEmpty(t, ind.Adversaries[0].Name)
		}
		if ind.RelatedMalwareCount != nil {
			withRelated++
			for _, kind := range relatedObjects() {
				assert.Contains(t, ind.All, "related_"+kind+"_count")
			}
		}
		require.LessOrEqual(t, len(ind.Attributes), 6)
		if len(ind.Attributes) == 0 {
			noAttributes++
		}
		maxAttributes = max(maxAttributes, len(ind.Attributes))
		names := map[string]bool{}
		for _, a := range ind.Attributes {
			assertKeys(t, a, attributeKeys)
			assert.EqualValues(t, ind.ID, a["indicator_id"])
			name, _ := a["name"].(string)
			assert.False(t, names[name], "attribute names are distinct")
			names[name] = true
			assert.IsType(t, "", a["value"])
		}
		require.NotEmpty(t, ind.Sources)
		require.LessOrEqual(t, len(ind.Sources), 3)
		for _, s := range ind.Sources {
			assertKeys(t, s, sourceKeys)
			assert.NotEmpty(t, s["name"])
			assert.EqualValues(t, ind.ID, s["indicator_id"])
			assert.IsType(t, "", s["source_expire_days"])
			if tlp, ok := s["tlp_name"]; ok {
				if tlp == nil {
					tlpNames["<null>"]++
				} else {
					tlpNames[tlp.(string)]++
				}
			} else {
				tlpNames["<absent>"]++
			}
		}
		assertKeys(t, ind.All, indicatorKeys)
	}
	for _, name := range wantTypes {
		assert.Positive(t, types[name], "type %q generated", name)
	}
	assert.Len(t, types, len(wantTypes))
	for _, name := range []string{"Active", "Expired", "Whitelisted", "Review", "Indirect"} {
		assert.Positive(t, statuses[name], "status %q generated", name)
	}
	for _, name := range []string{"<absent>", "<null>", "AMBER", "TLP:GREEN", "tlp:amber", "CLEAR", "testtlp"} {
		assert.Positive(t, tlpNames[name], "tlp_name %q generated", name)
	}
	for what, count := range map[string]int{
		"no score": noScore, "expires_at": withExpiresAt, "expired_at": withExpiredAt,
		"adversaries": withAdversaries, "related counts": withRelated, "no attributes": noAttributes,
	} {
		assert.Greater(t, count, n/50, what)
		assert.Less(t, count, n, what)
	}
	assert.Equal(t, 6, maxAttributes)
}

// Keys the spec (threatq-spec.md a.3) and the peer fixtures show.

func TestGenerateServedAsGenerated(t *testing.T) {
	s := newServer(t, Options{})
	data := Generate(40, 5, t0)
	s.SetCollection("c", data)
	p := fetchPage(t, s, s.IssueToken(), "c", pageQuery("*", 100))
	items := p.items(t)
	require.Len(t, items, len(data))
	for i := range data {
		assert.Equal(t, string(data[i]), string(items[i]), "generated order is the served order")
	}
}

// TestGeneratedIndicatorsAreValidJSON: every generated indicator is one
// JSON value, and a cut one is refused (the check SetCollection, LoadNDJSON
// and WithUpdatedAt rely on).
func TestGeneratedIndicatorsAreValidJSON(t *testing.T) {
	for _, raw := range Generate(200, 3, t0) {
		assert.True(t, json.Valid(raw))
		assert.False(t, json.Valid(raw[:len(raw)-1]))
	}
}
