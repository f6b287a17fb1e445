package collector

import (
	"fmt"
	"os"
	"path/filepath"
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

// contents is the set as a map of key strings to values.
func contents(s *activeSet) map[string]string {
	out := map[string]string{}
	s.each(func(k threat.Key, v []byte) { out[k.String()] = string(v) })
	return out
}

func TestActiveSetPutDeleteMarks(t *testing.T) {
	s := newActiveSet()
	s.put(threat.Key{ID: 1}, "198.51.100.7")
	s.put(threat.Key{IndicatorKey: "sha256-ab"}, "example.com")
	s.put(threat.Key{ID: 2}, "")
	s.put(threat.Key{ID: 1}, "198.51.100.8") // replaced
	require.Equal(t, 3, s.Len())
	v, ok := s.value(threat.Key{ID: 1})
	require.True(t, ok)
	require.Equal(t, "198.51.100.8", v)
	require.True(t, s.del(threat.Key{ID: 2}))
	require.False(t, s.del(threat.Key{ID: 2}))
	require.Equal(t, map[string]string{"id:1": "198.51.100.8", "key:sha256-ab": "example.com"}, contents(s))

	s.clearMarks()
	s.mark(threat.Key{ID: 1})
	s.mark(threat.Key{ID: 99}) // not recorded: nothing
	require.Equal(t, []threat.Retirement{{Key: threat.Key{IndicatorKey: "sha256-ab"}, Value: "example.com"}}, s.unmarked())
	s.clearMarks()
	require.Len(t, s.unmarked(), 2)
	s.put(threat.Key{ID: 1}, "198.51.100.8")
	s.put(threat.Key{IndicatorKey: "sha256-ab"}, "example.org")
	require.Empty(t, s.unmarked(), "put marks")
}

func TestActiveSetCompactsItsArena(t *testing.T) {
	s := newActiveSet()
	long := strings.Repeat("x", 4096)
	for round := range 600 {
		for id := range int64(10) {
			s.put(threat.Key{ID: id}, fmt.Sprintf("%s-%d-%d", long, id, round))
		}
	}
	require.Less(t, len(s.arena), 3*compactDeadBytes, "dead values are dropped")
	for id := range int64(10) {
		v, _ := s.value(threat.Key{ID: id})
		require.Equal(t, fmt.Sprintf("%s-%d-%d", long, id, 599), v)
	}
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

	want := map[string]string{}
	for i := range int64(2000) {
		rec.put(threat.Key{ID: i}, fmt.Sprintf("value-%d", i))
		want[fmt.Sprintf("id:%d", i)] = fmt.Sprintf("value-%d", i)
	}
	rec.put(threat.Key{IndicatorKey: "sha256-00ff"}, "https://example.com/a b")
	want["key:sha256-00ff"] = "https://example.com/a b"
	require.NoError(t, rec.flush())
	snap := rec.snap
	for i := range int64(100) {
		rec.del(threat.Key{ID: i})
		delete(want, fmt.Sprintf("id:%d", i))
	}
	rec.del(threat.Key{IndicatorKey: "sha256-00ff"})
	delete(want, "key:sha256-00ff")
	rec.put(threat.Key{ID: 5000}, "late")
	want["id:5000"] = "late"
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
	rec.put(threat.Key{ID: 1}, "one")
	require.NoError(t, rec.flush())
	value := strings.Repeat("v", 1000)
	for round := range 3000 {
		rec.put(threat.Key{ID: 2}, fmt.Sprintf("%s%d", value, round))
		require.NoError(t, rec.flush())
	}
	require.Less(t, rec.size-rec.snap, int64(minJournal)+2000, "the journal stays bounded")
	again, _, err := openTestRecord(t, dir, "c1")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"id:1": "one", "id:2": value + "2999"}, contents(again.set))
	left, _ := filepath.Glob(filepath.Join(dir, ".cursor-*.tmp"))
	require.Empty(t, left)
}

// A crash while appending leaves the last frame cut short: it is dropped,
// and cut off before the next append.
func TestRecordTornLastFrameIsDropped(t *testing.T) {
	dir := t.TempDir()
	rec, _, err := openTestRecord(t, dir, "c1")
	require.NoError(t, err)
	rec.put(threat.Key{ID: 1}, "one")
	require.NoError(t, rec.flush())
	rec.put(threat.Key{ID: 2}, "two")
	require.NoError(t, rec.flush())
	whole, err := os.ReadFile(rec.path)
	require.NoError(t, err)
	for cut := 1; cut < 12; cut++ {
		require.NoError(t, os.WriteFile(rec.path, whole[:len(whole)-cut], 0o600))
		again, found, err := openTestRecord(t, dir, "c1")
		require.NoError(t, err, "cut %d", cut)
		require.True(t, found)
		require.Equal(t, map[string]string{"id:1": "one"}, contents(again.set), "cut %d", cut)
		require.True(t, again.torn)
		again.put(threat.Key{ID: 3}, "three")
		require.NoError(t, again.flush())
		third, _, err := openTestRecord(t, dir, "c1")
		require.NoError(t, err)
		require.Equal(t, map[string]string{"id:1": "one", "id:3": "three"}, contents(third.set), "cut %d", cut)
	}
}

func TestRecordDamageIsAnErrorNamingTheFile(t *testing.T) {
	dir := t.TempDir()
	rec, _, err := openTestRecord(t, dir, "c1")
	require.NoError(t, err)
	rec.put(threat.Key{ID: 1}, "one")
	require.NoError(t, rec.flush())
	rec.put(threat.Key{ID: 2}, "two")
	require.NoError(t, rec.flush())
	whole, err := os.ReadFile(rec.path)
	require.NoError(t, err)
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
			require.ErrorIs(t, err, ErrDamagedRecord)
			require.ErrorContains(t, err, rec.path)
			require.True(t, found)
			require.Zero(t, got.set.Len(), "a damaged record is empty")
			aside, err := got.setAside()
			require.NoError(t, err)
			require.Equal(t, rec.path+".damaged", aside)
			require.FileExists(t, aside)
			require.NoFileExists(t, rec.path)
			got.put(threat.Key{ID: 7}, "seven")
			require.NoError(t, got.flush())
			fresh, _, err := openTestRecord(t, dir, "c1")
			require.NoError(t, err)
			require.Equal(t, map[string]string{"id:7": "seven"}, contents(fresh.set))
		})
	}
}
