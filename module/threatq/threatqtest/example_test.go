package threatqtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// A full sync of a generated collection, the way threatqbeat does it: get a
// token, then follow nextCursorMark until a page has no data.
func Example() {
	s := threatqtest.New(threatqtest.Options{})
	defer s.Close()
	s.SetCollection("someid", threatqtest.Generate(2500, 1, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)))
	client := s.Client()

	req, _ := http.NewRequest(http.MethodPost, s.TokenURL(), strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("test", "test")
	resp, err := client.Do(req)
	if err != nil {
		panic(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()

	cursor := "*"
	for {
		q := url.Values{
			"sort": {"updated_at"}, "limit": {"1000"}, "cursorMark": {cursor},
			"fields": {"*,attributes.name,attributes.value,sources"},
		}
		req, _ := http.NewRequest(http.MethodGet, s.CollectionURL("someid")+"?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			panic(err)
		}
		var page struct {
			Total          int               `json:"total"`
			Data           []json.RawMessage `json:"data"`
			NextCursorMark string            `json:"nextCursorMark"`
		}
		json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		fmt.Printf("total %d, page of %d\n", page.Total, len(page.Data))
		if len(page.Data) == 0 {
			break
		}
		cursor = page.NextCursorMark
	}
	st := s.Stats()
	fmt.Println("token requests:", st.TokenRequests, "page requests:", st.PageRequests)
	// Output:
	// total 2500, page of 1000
	// total 2500, page of 1000
	// total 2500, page of 500
	// total 2500, page of 0
	// token requests: 1 page requests: 4
}
