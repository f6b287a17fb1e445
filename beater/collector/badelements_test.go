package collector

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/threatqbeat/threatqbeat/beater/internal/beatertest"
	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// firstPage fetches the simulator's first page of a collection as sent.
func firstPage(t *testing.T, sim *threatqtest.Server, collection string, limit int) map[string]json.RawMessage {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s?sort=updated_at&limit=%d&cursorMark=*&fields=*,attributes.name,attributes.value,sources",
		sim.CollectionURL(collection), limit), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+sim.IssueToken())
	resp, err := sim.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var page map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &page))
	return page
}

// TestBadElementsDoNotBlockTheCollection: a page with a total that is not
// a number and an element nested 100 000 levels deep still delivers its
// other indicators; the element is counted and logged with its position,
// the cursor moves on and the next page is fetched.
func TestBadElementsDoNotBlockTheCollection(t *testing.T) {
	h := newHarness(t)
	h.sim.SetCollection("c1", threatqtest.Generate(20, 4, start))
	page := firstPage(t, h.sim, "c1", 10)
	var data []json.RawMessage
	require.NoError(t, json.Unmarshal(page["data"], &data))
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	elems := make([]string, 0, len(data)+1)
	for i, d := range data {
		if i == 3 {
			elems = append(elems, deep) // json.Marshal refuses it: join by hand
		}
		elems = append(elems, string(d))
	}
	body := `{"total":"about twenty","data":[` + strings.Join(elems, ",") + `],"nextCursorMark":` + string(page["nextCursorMark"]) + `}`
	h.sim.InjectFault(threatqtest.Fault{Body: body})

	yaml := fmt.Sprintf("url: %s\nclient_id: test\nclient_secret: test\npage_size: 10\nrun_once: true\ncollections: [{id: c1}]\n", h.sim.URL())
	p := &beatertest.Pipeline{AutoAck: true}
	bt, logs := observedRunner(t, h, p, yaml, Options{})
	require.NoError(t, run(t, bt))

	require.Len(t, p.Events(), 20, "every indicator of both pages:\n%s", logText(logs))
	c, _ := bt.Counts("c1")
	require.Equal(t, Counts{Fetched: 21, Published: 20, Rejected: 1, Acked: 20}, c)
	// Requests: this test's, the faulty first page, the second page, the
	// empty end: the cursor stored is the one sent for the end.
	marks := h.sim.Stats().Cursors["c1"]
	require.Len(t, marks, 4)
	require.Equal(t, marks[3], storedCursor(t, h.dataDir, "c1"), "the cursor went past both pages")

	rejected := logs.FilterMessageSnippet("cannot be decoded").All()
	require.Len(t, rejected, 1)
	require.EqualValues(t, 3, rejected[0].ContextMap()["position"])
	require.Contains(t, rejected[0].ContextMap()["reason"], "nested deeper than 10000 levels")
	require.Len(t, logs.FilterMessageSnippet("total that is not a whole number").All(), 1)
}
