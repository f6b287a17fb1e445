package threatqtest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// writeErrors writes ThreatQ's error envelope {"errors":[msg]}.
func writeErrors(w http.ResponseWriter, status int, msg string) {
	body, err := json.Marshal(struct {
		Errors []string `json:"errors"`
	}{[]string{msg}})
	if err != nil { // cannot happen: a string slice
		body = []byte(`{"errors":["internal error"]}`)
	}
	writeBody(w, status, "application/json", body)
}

// writeBody writes a complete response with a Content-Length.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away; nothing to do.
}
