package collector

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

func openTestRecord(t *testing.T, dir, collection string) (*record, bool, error) {
	t.Helper()
	s, err := NewCursorStore(dir, time.Now)
	require.NoError(t, err)
	return s.openRecord(collection)
}

// contents is the set as key strings.
func contents(s *activeSet) map[string]bool {
	out := map[string]bool{}
	s.each(func(k threat.Key) { out[k.String()] = true })
	return out
}

func TestActiveSetPutDeleteMarks(t *testing.T) {
	s := newActiveSet()
	require.True(t, s.put(threat.Key{ID: 1}))
	require.True(t, s.put(threat.Key{IndicatorKey: "sha256-ab"}))
	require.True(t, s.put(threat.Key{ID: 2}))
	require.False(t, s.put(threat.Key{ID: 1}), "recorded already")
	require.Equal(t, 3, s.Len())
	require.True(t, s.has(threat.Key{ID: 1}))
	require.True(t, s.del(threat.Key{ID: 2}))
	require.False(t, s.del(threat.Key{ID: 2}))
	require.False(t, s.has(threat.Key{ID: 2}))
	require.Equal(t, map[string]bool{"id:1": true, "key:sha256-ab": true}, contents(s))

	s.clearMarks()
	require.True(t, s.mark(threat.Key{ID: 1}))
	require.False(t, s.mark(threat.Key{ID: 99}), "not recorded: nothing")
	require.Equal(t, 2, s.Len())
	require.Equal(t, []threat.Key{{IndicatorKey: "sha256-ab"}}, s.unmarked())
	s.clearMarks()
	require.Len(t, s.unmarked(), 2)
	s.put(threat.Key{ID: 1})
	s.put(threat.Key{IndicatorKey: "sha256-ab"})
	require.Empty(t, s.unmarked(), "put marks")
}

func TestRecordRoundTripJournalAndSnapshot(t *testing.T) {
	dir := t.TempDir()
	rec, found, err := openTestRecord(t, dir, "c1")
	require.NoError(t, err)
	require.False(t, found)
	require.NoError(t, rec.flush(), "an empty record is written: it exists from now on")
	rec, found, err = openTestRecord(t, dir, "c1")
	require.NoError(t, err)
	require.True(t, found)
	require.Zero(t, rec.set.Len())

	want := map[string]bool{}
	for i := range int64(2000) {
		rec.put(threat.Key{ID: i})
		want[fmt.Sprintf("id:%d", i)] = true
	}
	rec.put(threat.Key{IndicatorKey: "sha256-00ff"})
	want["key:sha256-00ff"] = true
	require.NoError(t, rec.flush())
	snap := rec.snap
	for i := range int64(100) {
		rec.del(threat.Key{ID: i})
		delete(want, fmt.Sprintf("id:%d", i))
	}
	rec.del(threat.Key{IndicatorKey: "sha256-00ff"})
	delete(want, "key:sha256-00ff")
	rec.put(threat.Key{ID: 5000})
	want["id:5000"] = true
	require.NoError(t, rec.flush())
	require.Equal(t, snap, rec.snap, "a small change is a journal frame")
	require.Greater(t, rec.size, snap)

	again, _, err := openTestRecord(t, dir, "c1")
	require.NoError(t, err)
	require.Equal(t, want, contents(again.set))
	require.Equal(t, rec.size, again.size)
	require.Equal(t, rec.snap, again.snap)
	st, err := os.Stat(rec.path)
	require.NoError(t, err)
	require.Equal(t, rec.size, st.Size())
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
}

func TestRecordJournalTurnsIntoASnapshot(t *testing.T) {
	dir := t.TempDir()
	rec, _, err := openTestRecord(t, dir, "c1")
	require.NoError(t, err)
	rec.put(threat.Key{ID: 1})
	require.NoError(t, rec.flush())
	key := strings.Repeat("k", 1000)
	for round := range 3000 {
		rec.del(threat.Key{IndicatorKey: fmt.Sprintf("%s%d", key, round-1)})
		rec.put(threat.Key{IndicatorKey: fmt.Sprintf("%s%d", key, round)})
		require.NoError(t, rec.flush())
	}
	require.Less(t, rec.size-rec.snap, int64(minJournal)+2000, "the journal stays bounded")
	again, _, err := openTestRecord(t, dir, "c1")
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"id:1": true, "key:" + key + "2999": true}, contents(again.set))
	left, _ := filepath.Glob(filepath.Join(dir, ".cursor-*.tmp"))
	require.Empty(t, left)
}

// twoFrames writes the record of c1 in dir: id 1 in a snapshot, then
// second in a journal frame. It returns the record and the file.
func twoFrames(t *testing.T, dir string, second threat.Key) (*record, []byte) {
	t.Helper()
	rec, _, err := openTestRecord(t, dir, "c1")
	require.NoError(t, err)
	rec.put(threat.Key{ID: 1})
	require.NoError(t, rec.flush())
	rec.put(second)
	require.NoError(t, rec.flush())
	whole, err := os.ReadFile(rec.path)
	require.NoError(t, err)
	return rec, whole
}

// A crash while appending leaves the last frame cut short: it is dropped,
// and cut off before the next append.
func TestRecordTornLastFrameIsDropped(t *testing.T) {
	dir := t.TempDir()
	rec, whole := twoFrames(t, dir, threat.Key{IndicatorKey: "sha256-two"}) // a last frame of more than 12 bytes
	for cut := 1; cut < 12; cut++ {
		require.NoError(t, os.WriteFile(rec.path, whole[:len(whole)-cut], 0o600))
		again, found, err := openTestRecord(t, dir, "c1")
		require.NoError(t, err, "cut %d", cut)
		require.True(t, found)
		require.Equal(t, map[string]bool{"id:1": true}, contents(again.set), "cut %d", cut)
		require.True(t, again.torn)
		again.put(threat.Key{ID: 3})
		require.NoError(t, again.flush())
		third, _, err := openTestRecord(t, dir, "c1")
		require.NoError(t, err)
		require.Equal(t, map[string]bool{"id:1": true, "id:3": true}, contents(third.set), "cut %d", cut)
	}
}

func TestRecordDamageIsAnErrorNamingTheFile(t *testing.T) {
	dir := t.TempDir()
	rec, whole := twoFrames(t, dir, threat.Key{ID: 2})
	header := len(recordHeader("c1"))
	for name, damage := range map[string]func(b []byte) []byte{
		"bit flip in the snapshot": func(b []byte) []byte { b[header+6] ^= 0x40; return b },
		"another collection":       func(b []byte) []byte { return append([]byte(recordHeader("c2")), b[header:]...) },
		"not a record":             func([]byte) []byte { return []byte(`{"version":1}`) },
		"huge frame length":        func(b []byte) []byte { b[header+3] = 0xff; return b },
		"unknown change":           func(b []byte) []byte { return appendFrame(b, frameJournal, []byte{'Z', 1}) },
		"unknown frame kind":       func(b []byte) []byte { return appendFrame(b, 'X', nil) },
	} {
		t.Run(name, func(t *testing.T) {
			b := damage(append([]byte(nil), whole...))
			require.NoError(t, os.WriteFile(rec.path, b, 0o600))
			got, found, err := openTestRecord(t, dir, "c1")
			require.ErrorIs(t, err, errDamagedRecord)
			require.ErrorContains(t, err, rec.path)
			require.True(t, found)
			require.Zero(t, got.set.Len(), "a damaged record is empty")
			aside, err := got.setAside()
			require.NoError(t, err)
			require.Equal(t, rec.path+".damaged", aside)
			require.FileExists(t, aside)
			require.NoFileExists(t, rec.path)
			got.put(threat.Key{ID: 7})
			require.NoError(t, got.flush())
			fresh, _, err := openTestRecord(t, dir, "c1")
			require.NoError(t, err)
			require.Equal(t, map[string]bool{"id:7": true}, contents(fresh.set))
		})
	}
}

// A record file written when records kept each indicator's value loads:
// its puts are read and their values skipped.
func TestRecordWithValuesLoads(t *testing.T) {
	dir := t.TempDir()
	putID := binary.AppendVarint([]byte{opPutIDValue}, 1)
	putID = append(binary.AppendUvarint(putID, 12), "198.51.100.7"...)
	putKey := append(binary.AppendUvarint([]byte{opPutKeyValue}, 9), "sha256-ab"...)
	putKey = append(binary.AppendUvarint(putKey, 11), "example.com"...)
	putID2 := append(binary.AppendVarint([]byte{opPutIDValue}, 2), 0) // an empty value
	file := []byte(recordHeader("c1"))
	file = appendFrame(file, frameSnapshot, slices.Concat(putID, putKey, putID2))
	file = appendFrame(file, frameJournal, binary.AppendVarint([]byte{opDelID}, 2))
	s, err := NewCursorStore(dir, time.Now)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(s.recordPath("c1"), file, 0o600))

	rec, found, err := s.openRecord("c1")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, map[string]bool{"id:1": true, "key:sha256-ab": true}, contents(rec.set))
	require.Equal(t, int64(len(file)), rec.size)
	rec.put(threat.Key{ID: 3})
	require.NoError(t, rec.flush())
	again, _, err := s.openRecord("c1")
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"id:1": true, "id:3": true, "key:sha256-ab": true}, contents(again.set))
}
