package threat

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*/expected.json from the current mapping")

// goldenCases returns the case directories under testdata.
func goldenCases(t testing.TB) []string {
	return caseDirs(t, filepath.Join("testdata", "*", "indicator.json"))
}

// caseDirs returns the directories of the input files matching pattern;
// there must be some.
func caseDirs(t testing.TB, pattern string) []string {
	t.Helper()
	inputs, err := filepath.Glob(pattern)
	require.NoError(t, err)
	require.NotEmpty(t, inputs, "no cases match %s", pattern)
	dirs := make([]string, len(inputs))
	for i, in := range inputs {
		dirs[i] = filepath.Dir(in)
	}
	return dirs
}

// goldenResult is what a case's expected.json holds: the published document;
// for an indicator a curation option drops, the option, the reason of the
// tombstone that would retire it and the document it is not published as;
// or the error for input that is rejected.
func goldenResult(t testing.TB, dir string) any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "indicator.json"))
	require.NoError(t, err)
	ev, err := Map(raw, loadSettings(t, dir), fixedCreated)
	if err != nil {
		return map[string]any{"error": err.Error(), "not_indicator": errors.Is(err, ErrNotIndicator)}
	}
	if ev.Filtered != "" {
		return map[string]any{"filtered": string(ev.Filtered), "reason": ev.Filtered.Reason(), "document": eventDoc(t, ev)}
	}
	return eventDoc(t, ev)
}

// writeOrCompare writes got to path with -update, else compares it with the
// file.
func writeOrCompare(t *testing.T, path string, got any) {
	t.Helper()
	if *update {
		b, err := json.MarshalIndent(got, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, append(b, '\n'), 0o644))
		return
	}
	want := readJSON(t, path)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mapping differs from %s (-want +got):\n%s", path, diff)
	}
}

// TestGolden maps testdata/<case>/indicator.json with the base settings
// overridden by settings.json and compares with expected.json. Run with
// -update to regenerate, then review the diff.
func TestGolden(t *testing.T) {
	for _, dir := range goldenCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			writeOrCompare(t, filepath.Join(dir, "expected.json"), goldenResult(t, dir))
		})
	}
}

// TestGoldenCoverage keeps the cases the spec asks for from disappearing.
func TestGoldenCoverage(t *testing.T) {
	required := []string{
		// One per indicator type.
		"type_ipv4", "type_ipv6", "type_fqdn", "type_url_parsable", "type_url_schemeless",
		"type_email", "type_md5", "type_sha1", "type_sha256", "type_sha384", "type_sha512",
		"type_filename", "type_x509_serial", "type_unknown",
		// One per expiry rule, and the duration units.
		"expiry_status_expired_no_dates", "expiry_expires_at_only", "expiry_expired_and_expires_at",
		"expiry_default_days", "expiry_default_hours", "expiry_default_minutes", "expiry_none",
		// Deploy by status: Whitelisted and Expired, deploy_statuses.
		"status_whitelisted", "status_whitelisted_expires_ahead", "status_whitelisted_expires_passed",
		"status_expired_expires_ahead", "status_review_deployed", "deploy_statuses_not_listed",
		"deploy_statuses_custom_listed", "deploy_statuses_no_status", "deploy_statuses_case_exact",
		// Expiry per type and per source.
		"expiry_by_type", "expiry_by_type_other_type", "expiry_source_days_shortest",
		"expiry_source_days_before_type", "expiry_source_days_bad", "expiry_source_days_whitelisted",
		// Curation: each option dropping and keeping.
		"curation_min_score_below", "curation_min_score_met", "curation_min_score_no_score",
		"curation_types_listed", "curation_types_not_listed", "curation_exclude_types",
		"curation_max_tlp_red_dropped", "curation_max_tlp_amber_strict_dropped", "curation_max_tlp_kept",
		"curation_max_tlp_unmarked_kept", "curation_whitelisted_filtered",
		// Tombstones.
		"tombstones/not_in_collection", "tombstones/indicator_key_min_score", "tombstones/settings",
		// TLP forms.
		"tlp_amber", "tlp_prefixed_lower", "tlp_clear_lower", "tlp_white", "tlp_garbage",
		// Bad or unusual fields.
		"score_missing", "score_out_of_range", "score_not_number", "source_null_element",
		"bad_date", "bad_updated_at", "bad_ip_value", "wrong_kinds", "attributes_spaces_multi",
		// Tags and settings.
		"preserve_original_event", "preserve_original_event_tag", "preserve_duplicate_custom_fields",
		"reference_custom_path", "full_record", "value_only", "id_only", "indicator_id_only",
		// Rejected input.
		"not_object", "not_object_string", "no_id_no_value", "invalid_json",
	}
	for _, name := range required {
		_, err := os.Stat(filepath.Join("testdata", name, "expected.json"))
		require.NoError(t, err, "golden case %s is missing", name)
	}
}
