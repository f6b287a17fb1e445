// Package threatqtest is an in-process simulator of the ThreatQ API, as far as
// threatqbeat uses it. Unit tests, benchmarks and the `threatqbeat demo`
// command run it; it never imports package testing and it listens on the
// loopback interface only (127.0.0.1, or [::1] when IPv4 is unavailable).
//
// # Token endpoint
//
// POST /api/token issues OAuth 2.0 client-credentials tokens.
//
//   - grant_type=client_credentials is required, in the form body or the query
//     string (the Elastic mock folds both together). A missing grant type is
//     400 {"error":"invalid_request"}, another one 400
//     {"error":"unsupported_grant_type"}.
//   - The client id and secret are read from HTTP Basic auth first (also
//     URL-decoded, as RFC 6749 §2.3.1 and golang.org/x/oauth2 encode them),
//     else from the client_id and client_secret form fields: the fallback
//     x/oauth2 sends in its auto-detect mode after a failed Basic attempt.
//   - Wrong credentials: 400 {"error":"invalid_client"}, as ThreatQ answers a
//     bad login.
//   - Success: 200, Content-Type application/json, body
//     {"access_token":…,"token_type":"Bearer","expires_in":<Options.TokenTTL in
//     seconds>,"refresh_token":…}. Tokens are random and opaque. A token is
//     valid until Options.Now() reaches its issue time plus the TTL, or until
//     RevokeTokens.
//
// # Collection endpoint
//
// GET /api/indicators/query/hash/<collection> returns one page of a Data
// Collection, in Solr cursorMark style.
//
//   - Authorization: Bearer <token> is required; a missing, unknown, expired
//     or revoked token is 401 {"errors":["Unauthorized"]}. With
//     Options.RequireAcceptJSON, a request whose Accept header does not allow
//     application/json is 406 (the Elastic mock insists on that header).
//   - An unknown collection is 404 {"errors":["Not Found"]}.
//   - sort=updated_at is required (400 otherwise). limit defaults to 100 and is
//     capped at 10000; a limit that is not a positive integer is 400.
//     cursorMark "*" (or an absent cursorMark) is the start; a cursorMark that
//     this server did not produce is 400.
//   - The body is {"total":<collection size>,"data":[…],"nextCursorMark":"…",
//     "limit":<effective limit>}. Indicators are ordered by updated_at, then
//     id. A cursor mark is standard base64 (it may contain '+', '/' and '=', so
//     clients must URL-encode it) of the sort position of the last returned
//     indicator, so a client that keeps its last nextCursorMark and comes back
//     later gets exactly the indicators updated since, including those added
//     by Append.
//   - When nothing follows the cursor, data is [] ({} with
//     Options.EmptyDataAsObject, like Elastic's mock) and a nextCursorMark is
//     still returned: the same position, spelled differently from the one
//     sent (like the mock's "AoJ9…" followed by "BoJ9…"). Asked again from
//     that mark with still nothing new, it returns that mark unchanged.
//   - The fields parameter: ThreatQ no longer returns sources and attributes
//     unless asked. When fields is absent, the simulator removes the top-level
//     "sources" and "attributes" members from every indicator. When fields
//     mentions "sources" and "attributes" (any spelling that contains both
//     words, e.g. "*,attributes.name,attributes.value,sources") the indicators
//     are served exactly as stored; a fields value that mentions only one of
//     them keeps only that one. Other field names, and sub-field selections
//     such as attributes.name, are not simulated.
//
// Every request to the collection endpoint is counted, and its cursorMark is
// recorded as sent (empty when absent), in Stats.
//
// # Storage
//
// SetCollection and Append keep the given json.RawMessage slices without
// copying (callers must not modify them afterwards); the only overhead per
// indicator is a fixed-size index entry (sort key and the byte ranges of
// sources and attributes), so pages are streamed from the stored bytes
// through a pooled bufio.Writer. An indicator's sort key is its updated_at
// (YYYY-MM-DD HH:MM:SS, UTC; RFC 3339 is also read; absent or unreadable
// sorts first) and its id (or indicator_id). Elements that are not objects
// are served as they are and sort first. Append replaces a stored indicator
// that has the same id: a ThreatQ indicator that was updated moves to its new
// position and is not served twice.
//
// # Faults
//
// InjectFault queues a Fault for the token or the page endpoint: an error
// status (with Retry-After), a raw body (HTML, plain text, or JSON of the
// wrong shape, with status 200 when Status is 0), a delay that ends early when
// the client goes away or the server closes, a looping cursor, a server
// that ignores the fields parameter, a redirect (Location) and a lying
// Content-Length (ClaimedLength: the headers announce more than the body
// that follows before the connection closes). Faults apply in the order
// queued. A Recorder is a second loopback listener, on its own port, that
// records whatever reaches it: the target of hostile redirects.
//
// # JSON
//
// The simulator reads and writes JSON with encoding/json alone, never with
// the client's decoder (module/threatq), so that a decoding bug cannot hide
// on both sides of a client test. Pages are written from the stored bytes,
// not re-encoded, so serving costs little next to the client it measures.
//
// # Data
//
// Generate builds realistic, deterministic indicators of every type
// threatqbeat maps (and a few it does not), with documentation-range
// addresses and example.* domains. LoadNDJSON reads the one-object-per-line
// files of Elastic's pipeline tests.
package threatqtest
