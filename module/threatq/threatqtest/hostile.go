package threatqtest

import (
	"fmt"
	"net/http"
)

// writeLying answers with a Content-Length of claimed bytes, writes only
// body and closes the connection, as a lying or broken server does.
func writeLying(w http.ResponseWriter, status int, claimed int64, body string) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("threatqtest: the connection cannot be hijacked")
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(rw, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, http.StatusText(status), guessContentType(body), claimed, body)
	rw.Flush() //nolint:errcheck // the client went away; nothing to do.
}
