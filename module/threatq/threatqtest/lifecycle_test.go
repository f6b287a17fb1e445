package threatqtest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRemoveDeletesFromTheCollection(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	all := Generate(50, 3, start)
	s.SetCollection("c", all)
	ids := func() []int64 {
		var out []int64
		for _, e := range s.snapshotEntries("c") {
			out = append(out, e.key.id)
		}
		return out
	}
	before := ids()
	require.Equal(t, 2, s.Remove("c", before[3], before[40], 999999))
	after := ids()
	require.Len(t, after, 48)
	require.NotContains(t, after, before[3])
	require.NotContains(t, after, before[40])
	require.Equal(t, 48, s.Len("c"))
	require.Zero(t, s.Remove("missing", 1))
}

func TestWithStatusChangesStatusAndUpdatedAt(t *testing.T) {
	ind := Generate(1, 1, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))[0]
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	out, err := WithStatus(ind, "Whitelisted", at)
	require.NoError(t, err)
	var got struct {
		Status struct {
			ID   int
			Name string
		}
		StatusID  int    `json:"status_id"`
		UpdatedAt string `json:"updated_at"`
		Value     string
	}
	require.NoError(t, json.Unmarshal(out, &got))
	require.Equal(t, "Whitelisted", got.Status.Name)
	require.Equal(t, 5, got.Status.ID)
	require.Equal(t, 5, got.StatusID)
	require.Equal(t, "2025-06-01 12:00:00", got.UpdatedAt)
	require.NotEmpty(t, got.Value)

	custom, err := WithStatus(ind, "Deployed-EDR", at)
	require.NoError(t, err)
	require.Contains(t, string(custom), `"status":{"name":"Deployed-EDR"}`)
	require.NotContains(t, string(custom), `,"status_id":`)
	_, err = WithStatus(json.RawMessage(`[1]`), "Active", at)
	require.Error(t, err)
}

func (s *Server) snapshotEntries(id string) []entry {
	e, _ := s.snapshot(id)
	return e
}
