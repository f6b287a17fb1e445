// Package threat is the threat dataset of the ThreatQ module: it maps one
// ThreatQ indicator, as returned by the collection endpoint
// (GET /api/indicators/query/hash/<collection>), to one ECS event for the
// data stream logs-ti_threatq.threat-<namespace>.
//
// Map is a pure function: raw JSON bytes, Settings and the fetch time in,
// an Event (document id, @timestamp, fields) out. It replaces the ingest
// pipeline of Elastic's ti_threatq integration; the normative description of
// what it emits is shared/docs/mapping-decisions.md, and docs/fields.md lists
// the fields and the deliberate differences from the integration.
//
// # Shapes
//
// threatq.attributes is an object keyed by the attribute name (lowercase,
// spaces as "_") whose values are arrays of strings in source order, mapped
// flattened; threatq.adversaries and threatq.tags are arrays of names;
// threatq.status and threatq.type are the name strings. threatq.sources, and
// the status and type objects with their ids, are not kept: provider and TLP
// are extracted, and the raw indicator is in event.original when preserved.
// ThreatQ times ("YYYY-MM-DD HH:MM:SS", UTC) are written as ISO-8601 with
// milliseconds and Z. threatq.updated_at, threatq.score and
// threatq.description duplicate @timestamp, threat.indicator.confidence and
// threat.indicator.description, and are kept only with the tag
// preserve_duplicate_custom_fields.
//
// # Errors
//
// One bad field never loses the indicator. A member that cannot be mapped (a
// bad date, an id or score that is not a whole number, an IP indicator whose
// value is not an IP, a null element of sources, an object where a string
// belongs) is dropped, and error.message (an array) gets one message naming
// the ThreatQ field and the reason; event.kind stays enrichment. Things that
// are normal in ThreatQ data are not errors: a missing score or a score
// outside 0-10 (no confidence), an unknown indicator type (the value stays in
// threatq.indicator_value only), a TLP name that is not an ECS value, a
// source without a name. Only input that is not a JSON object, or an object
// without id, indicator_id and value, is rejected with ErrNotIndicator.
//
// Values are also checked where Elasticsearch would otherwise reject the
// whole document: IPs for threat.indicator.ip and related.ip, url.port, and
// dates outside years 0000-9999.
//
// # Expiry
//
// threatq.ioc_expired_at and threatq.ioc_expiration_reason follow the first
// rule that applies: expired_at; expires_at; a status that is not deployed
// (Expired, Whitelisted, or not in Settings.DeployStatuses) at @timestamp;
// then @timestamp plus the shortest sources[].source_expire_days (with
// Settings.UseSourceExpiry), Settings.ExpirationByType of the type, or
// Settings.Expiration. An indicator whose status is not deployed is never
// published active: a ThreatQ date still ahead at the fetch time gives way
// to the status rule. Upstream's four reason strings are kept verbatim;
// every other rule has a Reason* constant of its own. See iocExpiry and
// lifecycleExpiry.
//
// # Lifecycle: what the collection loop uses
//
// Map decides, purely, what a collection loop needs to keep the alias of
// active indicators exact:
//
//   - Event.Filtered is the curation option (Settings.Curation) that drops
//     the indicator, "" when it is kept. A filtered event is mapped in full
//     but must not be published. Filtered values are the option keys
//     (FilterMinScore is "min_score", ...), fit for metric names.
//   - Event.Key is the indicator's key in the latest transform (threatq.id,
//     or threatq.indicator_key without one): comparable, so it can key a
//     map; Key.String and ParseKey write and read it ("id:336").
//   - Event.ActiveAt(t) says whether the document, once it is the
//     indicator's newest, keeps the indicator active at t (Event.ExpiredAt,
//     zero for never, is after t). Whitelisted and undeployed indicators
//     are published, inactive: their document retires them.
//   - Tombstone(Retirement{Key, Value, Reason, At}, settings) is the event
//     that retires an indicator that no version of its own will retire:
//     Reason is ReasonNotInCollection for an indicator gone from its
//     collection, or Filtered.Reason() for one that a curation option now
//     drops. Value (Event.Value), when known, shows which value it
//     retires; the alias and the ES|QL lookup index both key on Key, so a
//     tombstone without a value retires the indicator from both. Its
//     document id is unique per retirement ("retired-id-336-<At ms>"), so
//     publish it after the indicator's last version was acknowledged; it wins in the transforms
//     because they sort on event.ingested.
//
// So, per mapped event ev at time now: if ev.Filtered != "", do not publish
// it, count it by ev.Filtered, and if ev.Key was recorded active, publish
// Tombstone(Retirement{ev.Key, ev.Value, ev.Filtered.Reason(), now},
// settings). Otherwise publish it, and once acknowledged record ev.Key as
// active if ev.ActiveAt(now), else forget it. A sweep publishes a tombstone
// with ReasonNotInCollection, and no value, for each recorded key it did
// not see. An indicator version
// indexed before its tombstone keeps its document id, and sent again it
// would be refused as a duplicate: to bring it back (a curation option no
// longer drops it), publish it with RepublishID(ev.ID, now).
//
// # Document id
//
// Event.ID is "<id>-<updated_at in Unix ms>" (see DocumentID), so the same
// version of an indicator fetched twice is one document.
//
// # Performance
//
// The indicator is decoded into typed structs that declare only the members
// used; scalars use a decoder that records the JSON kind instead of failing,
// so one wrong type costs one field, not the event. Nothing is shared
// between events: every map and slice in Fields is fresh.
package threat
