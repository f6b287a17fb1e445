package cmd

import (
	"fmt"
	"io"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threatqtest"
)

// The simulator's port and credentials with demo --serve.
const (
	defaultServePort = 8780
	serveClientID    = "demo"
	serveSecret      = "demo-secret"
)

// serveSimulator runs the ThreatQ simulator alone until a signal, after
// printing its URL, credentials and a configuration that syncs it.
func serveSimulator(stdout io.Writer, n, port int, stop *signalSeen) (err error) {
	defer func() {
		if r := recover(); r != nil { // threatqtest.New panics when it cannot listen
			err = fmt.Errorf("demo --serve: %v (pass --port with another port, or --port 0 for any free one)", r)
		}
	}()
	sim := threatqtest.New(threatqtest.Options{Port: port, ClientID: serveClientID, ClientSecret: serveSecret})
	defer sim.Close()
	sim.SetCollection(demoCollection, threatqtest.Generate(n, 1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	fmt.Fprintf(stdout, `ThreatQ simulator at %[1]s, serving %[2]d indicators in collection %[3]s.
  token endpoint: %[4]s
  client_id: %[5]s
  client_secret: %[6]s

A threatqbeat.yml for it (libbeat wants the file not writable by group or others, e.g. chmod 0600):

threatqbeat:
  url: %[1]s
  client_id: %[5]s
  client_secret: %[6]s
  collections:
    - id: %[3]s
output.file:
  path: ./threatq-output
  filename: threatqbeat

Then, in another terminal:
  threatqbeat test threatq    # authenticates and reads the first page
  threatqbeat run -e          # syncs every minute into ./threatq-output

Serving until Ctrl-C.
`, sim.URL(), n, demoCollection, sim.TokenURL(), serveClientID, serveSecret)
	sig := stop.wait()
	fmt.Fprintf(stdout, "ThreatQ simulator stopped by %s.\n", signalName(sig))
	return nil
}
