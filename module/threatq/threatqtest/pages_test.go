package threatqtest

import (
	"encoding/json"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPagingWholeCollection(t *testing.T) {
	s := newServer(t, Options{})
	data := Generate(2500, 7, t0)
	s.SetCollection("someid", data)
	tok := token(t, s)

	var seen []indicatorHead
	cursor := "*"
	var sizes []int
	sent := []string{}
	for range 10 { // bounded: a broken server must not loop the test
		sent = append(sent, cursor)
		p := fetchPage(t, s, tok, "someid", pageQuery(cursor, 1000))
		require.Equal(t, 2500, p.Total)
		require.Equal(t, 1000, p.Limit)
		require.NotEmpty(t, p.NextCursorMark)
		items := p.items(t)
		sizes = append(sizes, len(items))
		if len(items) == 0 {
			assert.JSONEq(t, `[]`, string(p.Data))
			assert.NotEqual(t, cursor, p.NextCursorMark, "an empty page answers the same position, spelled differently")
			// Asked again from there, with nothing new, the mark stays.
			again := fetchPage(t, s, tok, "someid", pageQuery(p.NextCursorMark, 1000))
			assert.Empty(t, again.items(t))
			assert.Equal(t, p.NextCursorMark, again.NextCursorMark)
			sent = append(sent, p.NextCursorMark)
			break
		}
		seen = append(seen, heads(t, items)...)
		cursor = p.NextCursorMark
	}
	assert.Equal(t, []int{1000, 1000, 500, 0}, sizes)
	require.Len(t, seen, 2500)
	ids := map[int64]bool{}
	for i, h := range seen {
		assert.False(t, ids[h.ID], "id %d served twice", h.ID)
		ids[h.ID] = true
		if i > 0 {
			assert.Less(t, seen[i-1].UpdatedAt, h.UpdatedAt, "sorted by updated_at")
		}
	}
	st := s.Stats()
	assert.Equal(t, map[string][]string{"someid": sent}, st.Cursors)
	assert.Equal(t, 5, st.PageRequests)
	assert.Equal(t, "updated_at", st.LastQuery.Get("sort"))
	assert.Equal(t, "application/json", st.LastHeader.Get("Accept"))
}

func TestResumeAfterAppend(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", Generate(250, 1, t0))
	tok := token(t, s)

	cursor := drain(t, s, tok, "c", "*", 100, 250)

	later := t0.Add(30 * 24 * time.Hour)
	added := Generate(7, 2, later)
	s.Append("c", added...)
	assert.Equal(t, 257, s.Len("c"))

	p := fetchPage(t, s, tok, "c", pageQuery(cursor, 100))
	assert.Equal(t, 257, p.Total)
	got := heads(t, p.items(t))
	assert.Equal(t, heads(t, added), got, "only the new indicators, in order")

	// An update of a stored indicator moves it: served again once, total
	// unchanged.
	orig := Generate(250, 1, t0)[42]
	updated, err := WithUpdatedAt(orig, later.Add(time.Hour))
	require.NoError(t, err)
	s.Append("c", updated)
	assert.Equal(t, 257, s.Len("c"))
	p2 := fetchPage(t, s, tok, "c", pageQuery(p.NextCursorMark, 100))
	items := p2.items(t)
	require.Len(t, items, 1)
	assert.JSONEq(t, string(updated), string(items[0]))

	// From the start, the indicator shows up once, at its new place.
	all := collectAll(t, s, tok, "c", 1000)
	require.Len(t, all, 257)
	assert.Equal(t, heads(t, []json.RawMessage{updated})[0], all[len(all)-1])
}

func TestAppendOutOfOrderAndTies(t *testing.T) {
	s := newServer(t, Options{})
	at := "2024-01-01 00:00:00"
	mk := func(id int, updated string) json.RawMessage {
		return json.RawMessage(`{"id":` + strconv.Itoa(id) + `,"updated_at":"` + updated + `","value":"x"}`)
	}
	s.SetCollection("c", []json.RawMessage{mk(30, at), mk(10, at), mk(20, "2024-01-01 00:00:01")})
	s.Append("c", mk(15, at), mk(5, "2023-12-31 23:59:59"))
	// Two indicators with the same updated_at and id are both served.
	s.Append("c", json.RawMessage(`{"id":20,"updated_at":"2024-01-01 00:00:01","value":"y"}`))
	tok := token(t, s)

	var got []string
	cursor := "*"
	for range 20 {
		p := fetchPage(t, s, tok, "c", pageQuery(cursor, 1))
		items := p.items(t)
		if len(items) == 0 {
			break
		}
		var v struct {
			ID    int    `json:"id"`
			Value string `json:"value"`
		}
		require.NoError(t, json.Unmarshal(items[0], &v))
		got = append(got, strconv.Itoa(v.ID)+v.Value)
		cursor = p.NextCursorMark
	}
	// id 20 was appended again, so it replaced the stored one.
	assert.Equal(t, []string{"5x", "10x", "15x", "30x", "20y"}, got)
}

func TestEmptyDataAsObject(t *testing.T) {
	s := newServer(t, Options{EmptyDataAsObject: true})
	s.SetCollection("someid", Generate(6, 3, t0))
	tok := token(t, s)
	p := fetchPage(t, s, tok, "someid", pageQuery("*", 100))
	assert.Len(t, p.items(t), 6)
	last := fetchPage(t, s, tok, "someid", pageQuery(p.NextCursorMark, 100))
	assert.JSONEq(t, `{}`, string(last.Data))
	assert.Equal(t, 6, last.Total)
	assert.NotEmpty(t, last.NextCursorMark)
	assert.NotEqual(t, p.NextCursorMark, last.NextCursorMark)
}

func TestEmptyCollectionThenAppend(t *testing.T) {
	s := newServer(t, Options{})
	s.SetCollection("c", nil)
	tok := token(t, s)
	p := fetchPage(t, s, tok, "c", pageQuery("*", 100))
	assert.Equal(t, 0, p.Total)
	assert.JSONEq(t, `[]`, string(p.Data))
	require.NotEmpty(t, p.NextCursorMark)

	s.Append("c", Generate(3, 1, t0)...)
	p = fetchPage(t, s, tok, "c", pageQuery(p.NextCursorMark, 100))
	assert.Len(t, p.items(t), 3)
}

func drain(t *testing.T, s *Server, tok, id, cursor string, limit, want int) string {
	t.Helper()
	n := 0
	for range want/limit + 3 {
		p := fetchPage(t, s, tok, id, pageQuery(cursor, limit))
		items := p.items(t)
		n += len(items)
		cursor = p.NextCursorMark
		if len(items) == 0 {
			require.Equal(t, want, n)
			return cursor
		}
	}
	t.Fatalf("no empty page after %d indicators", n)
	return ""
}

func collectAll(t *testing.T, s *Server, tok, id string, limit int) []indicatorHead {
	t.Helper()
	var all []indicatorHead
	cursor := "*"
	for range 1000 {
		p := fetchPage(t, s, tok, id, pageQuery(cursor, limit))
		items := p.items(t)
		if len(items) == 0 {
			require.True(t, sort.SliceIsSorted(all, func(i, j int) bool { return all[i].UpdatedAt < all[j].UpdatedAt }))
			return all
		}
		all = append(all, heads(t, items)...)
		cursor = p.NextCursorMark
	}
	t.Fatal("pagination did not end")
	return nil
}
