package threat

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// upstreamExpiry is what Elastic's current pipeline (1.32 and later)
// writes in threatq.ioc_expired_at and threatq.ioc_expiration_reason for an
// indicator, with an expiry duration configured (threatq-spec.md §d.1): the
// ThreatQ dates, else updated_at + the duration. Its status rule compares
// the status object with a string and never fires; no other status, no
// source and no type is looked at, and every indicator is published.
func upstreamExpiry(t *testing.T, ind map[string]any, duration time.Duration) (at, reason string) {
	t.Helper()
	date := func(k string) string {
		s, _ := ind[k].(string)
		if s == "" {
			return ""
		}
		tm, err := parseThreatQTime(s)
		require.NoError(t, err, k)
		return formatTime(tm)
	}
	switch expired, expires := date("expired_at"), date("expires_at"); {
	case expired != "":
		return expired, ReasonExpiredAt
	case expires != "":
		return expires, ReasonExpiresAt
	}
	updated, err := parseThreatQTime(ind["updated_at"].(string))
	require.NoError(t, err)
	return formatTime(updated.Add(duration)), ReasonDuration
}

// TestParityDeliberateDifferences records each lifecycle behaviour that
// differs from Elastic's integration (docs/fields.md, docs/migration.md):
// the first record of Elastic's own fixture (an IP Address, Expired at its
// updated_at, one source with source_expire_days "30"), changed as each row
// says and mapped with the row's options, against what upstream makes of the
// same input. Upstream's values are written out and checked against its
// rule (upstreamExpiry); ours are the mapping's. Besides the expiry fields
// and the curation decision, nothing may differ from the mapping of the
// same record with the options off and status Active.
func TestParityDeliberateDifferences(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(findPeerDir(t), "test-threatq-no-preserve-ndjson.log"))
	require.NoError(t, err)
	first, _, _ := bytes.Cut(raw, []byte("\n"))
	const (
		updated  = "2020-11-15T00:00:02.000Z" // the record's updated_at: @timestamp
		plus90d  = "2021-02-13T00:00:02.000Z"
		ahead    = "2099-01-01 00:00:00"
		aheadISO = "2099-01-01T00:00:00.000Z"
	)
	day := 24 * time.Hour
	rows := []struct {
		name     string
		change   func(ind map[string]any)
		options  func(s *Settings)
		upstream [2]string // ioc_expired_at, reason; upstream publishes every indicator
		ours     [2]string // "" when a curation option keeps it from being published
		filtered Filter
	}{
		{"Whitelisted is never deployed", status("Whitelisted", "", ""), nil,
			[2]string{plus90d, ReasonDuration}, [2]string{updated, ReasonStatusWhitelisted}, ""},
		{"Whitelisted with expires_at ahead", status("Whitelisted", "", ahead), nil,
			[2]string{aheadISO, ReasonExpiresAt}, [2]string{updated, ReasonStatusWhitelisted}, ""},
		{"Expired with expires_at ahead", status("Expired", "", ahead), nil,
			[2]string{aheadISO, ReasonExpiresAt}, [2]string{updated, ReasonStatusExpired}, ""},
		{"deploy_statuses leaves Review out", status("Review", "", ""), func(s *Settings) { s.DeployStatuses = []string{"Active"} },
			[2]string{plus90d, ReasonDuration}, [2]string{updated, ReasonStatusNotDeployed}, ""},
		{"ioc_expiration_by_type", status("Active", "", ""), func(s *Settings) { s.ExpirationByType = map[string]time.Duration{"IP Address": 7 * day} },
			[2]string{plus90d, ReasonDuration}, [2]string{"2020-11-22T00:00:02.000Z", ReasonTypeExpiration}, ""},
		{"use_source_expiry", status("Active", "", ""), func(s *Settings) { s.UseSourceExpiry = true },
			[2]string{plus90d, ReasonDuration}, [2]string{"2020-12-15T00:00:02.000Z", ReasonSourceExpireDays}, ""},
		{"min_score", status("Active", "", ""), func(s *Settings) { s.Curation.MinScore = 5 },
			[2]string{plus90d, ReasonDuration}, [2]string{plus90d, ReasonDuration}, FilterMinScore},
		{"types", status("Active", "", ""), func(s *Settings) { s.Curation.Types = []string{"FQDN"} },
			[2]string{plus90d, ReasonDuration}, [2]string{plus90d, ReasonDuration}, FilterTypes},
		{"exclude_types", status("Active", "", ""), func(s *Settings) { s.Curation.ExcludeTypes = []string{"IP Address"} },
			[2]string{plus90d, ReasonDuration}, [2]string{plus90d, ReasonDuration}, FilterExcludeTypes},
		{"max_tlp", func(ind map[string]any) {
			status("Active", "", "")(ind)
			ind["sources"].([]any)[0].(map[string]any)["tlp_name"] = "TLP:RED"
		}, func(s *Settings) { s.Curation.MaxTLP = "AMBER" },
			[2]string{plus90d, ReasonDuration}, [2]string{plus90d, ReasonDuration}, FilterMaxTLP},
		// No difference where upstream's own fixture already agrees: an
		// Expired indicator whose expired_at has passed keeps its rule.
		{"Expired with expired_at passed (the fixture as is)", func(map[string]any) {}, func(s *Settings) { s.DeployStatuses = []string{"Active"} },
			[2]string{updated, ReasonExpiredAt}, [2]string{updated, ReasonExpiredAt}, ""},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			ind := decodeMap(t, first)
			row.change(ind)
			gotAt, gotReason := upstreamExpiry(t, ind, 90*day)
			require.Equal(t, row.upstream, [2]string{gotAt, gotReason}, "the row's upstream values follow upstream's rule")

			s := Settings{Expiration: 90 * day}
			if row.options != nil {
				row.options(&s)
			}
			ev, err := Map(encode(t, ind), s, fixedCreated)
			require.NoError(t, err)
			require.Equal(t, row.filtered, ev.Filtered)
			doc := eventDoc(t, ev)
			tq := doc["threatq"].(map[string]any)
			require.Equal(t, row.ours, [2]string{tq["ioc_expired_at"].(string), tq["ioc_expiration_reason"].(string)})

			// Nothing else differs: compare with the record as Active, options off.
			neutral := decodeMap(t, encode(t, ind))
			neutral["status"] = map[string]any{"name": "Active"}
			base, err := Map(encode(t, neutral), Settings{Expiration: 90 * day}, fixedCreated)
			require.NoError(t, err)
			want := eventDoc(t, base)
			want["threatq"].(map[string]any)["status"] = tq["status"]
			for _, d := range []map[string]any{want, doc} {
				delete(d["threatq"].(map[string]any), "ioc_expired_at")
				delete(d["threatq"].(map[string]any), "ioc_expiration_reason")
			}
			if diff := cmp.Diff(want, doc); diff != "" {
				t.Errorf("more than the expiry differs (-neutral +row):\n%s", diff)
			}
		})
	}
	// Retirement: upstream never removes an indicator from its alias before
	// its expiry, whether it left the collection or curation now drops it;
	// threatqbeat publishes a Tombstone with the indicator's key, expired now.
	ev, err := Map(first, Settings{}, fixedCreated)
	require.NoError(t, err)
	ts := Tombstone(Retirement{Key: ev.Key, Value: ev.Value, Reason: ReasonNotInCollection, At: fixedCreated}, Settings{})
	require.Equal(t, float64(336), eventDoc(t, ts)["threatq"].(map[string]any)["id"])
	require.False(t, ts.ActiveAt(fixedCreated))
}

// status returns a change that sets the status name and the ThreatQ dates
// ("" removes one).
func status(name, expiredAt, expiresAt string) func(map[string]any) {
	return func(ind map[string]any) {
		ind["status"] = map[string]any{"name": name}
		for k, v := range map[string]string{"expired_at": expiredAt, "expires_at": expiresAt} {
			if v == "" {
				delete(ind, k)
			} else {
				ind[k] = v
			}
		}
	}
}

func decodeMap(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
