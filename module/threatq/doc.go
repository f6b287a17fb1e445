// Package threatq is the ThreatQ API client of threatqbeat.
//
// It authenticates with OAuth2 client credentials (Basic auth against
// <url>/api/token, as ThreatQ and Elastic's integration do), caches the
// access token until shortly before it expires, refreshes it once when the
// API answers 401, and walks a data collection with Solr-style cursor marks:
//
//	GET /api/indicators/query/hash/<collection>?sort=updated_at&limit=N&cursorMark=<mark>&fields=...
//
// A walk starts at the stored cursor ("*" for a first sync) and ends when a
// page has no data (an empty array, or the empty object some ThreatQ versions
// send) or when nextCursorMark equals the mark that was sent. A page cap and a
// guard against a cursor that revisits an earlier mark stop runaway loops.
//
// Retries: 429 (honouring Retry-After), 5xx and network errors are retried
// with bounded exponential backoff and jitter; other 4xx are not. The HTTP
// client given to the constructor must not retry on its own, so that there is
// exactly one retry layer.
//
// Bodies that are not a JSON object with a data member are errors carrying
// the status and a trimmed body; they never become events.
//
// Redirects are never followed (New sets the policy on a copy of the HTTP
// client, which x/oauth2 uses for the token request too): a 3xx answer is
// an error naming both URLs, so no credential reaches another origin.
// Every URL in an error, a log line or a trace goes through RedactURL.
package threatq
