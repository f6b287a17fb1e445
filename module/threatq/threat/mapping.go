package threat

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Map translates one raw indicator (one element of a page's data array) into
// an event. created is the fetch time: event.created, and @timestamp when
// updated_at is absent. Map is pure and safe for concurrent use.
//
// A field that cannot be mapped is dropped and explained in error.message;
// the event is still returned. Only input that is not a JSON object, or an
// object with no id, no indicator_id and no value, returns an error, which
// wraps ErrNotIndicator.
func Map(raw []byte, s Settings, created time.Time) (Event, error) {
	var (
		ind  indicator
		errs fieldErrors
	)
	if err := decodeIndicator(raw, &ind, &errs); err != nil {
		return Event{}, err
	}
	dup := slices.Contains(s.Tags, TagPreserveDuplicates)
	tq := object{} // threatq.*
	ti := object{} // threat.indicator.*

	id, hasID := errs.long("id", ind.ID)
	indicatorID, hasIndicatorID := errs.long("indicator_id", ind.IndicatorID)
	val, hasValue := errs.str("value", ind.Value)
	if !hasID && !hasIndicatorID && !hasValue {
		return Event{}, fmt.Errorf("%w: no id, indicator_id or value", ErrNotIndicator)
	}
	if hasID {
		tq["id"] = id
	}
	if hasIndicatorID {
		tq["indicator_id"] = indicatorID
	}
	if hasValue {
		tq["indicator_value"] = val
	}
	refID, hasRefID := id, hasID
	if !hasID {
		refID, hasRefID = indicatorID, hasIndicatorID
	}

	// @timestamp, and the dates under threatq.
	updated, hasUpdated := errs.date("updated_at", ind.UpdatedAt)
	ts := created
	if hasUpdated {
		ts = updated
		ti["modified_at"] = formatTime(updated)
		if dup {
			tq["updated_at"] = formatTime(updated)
		}
	}
	createdAt, hasCreatedAt := putDate(tq, "created_at", ind.CreatedAt, &errs)
	if hasCreatedAt {
		ti["first_seen"] = formatTime(createdAt)
	}
	if t, ok := putDate(tq, "last_detected_at", ind.LastDetectedAt, &errs); ok {
		ti["last_seen"] = formatTime(t)
	}
	expiresAt, hasExpiresAt := putDate(tq, "expires_at", ind.ExpiresAt, &errs)
	expiredAt, hasExpiredAt := putDate(tq, "expired_at", ind.ExpiredAt, &errs)
	putDate(tq, "published_at", ind.PublishedAt, &errs)
	putDate(tq, "touched_at", ind.TouchedAt, &errs)
	putDate(tq, "expires_calculated_at", ind.ExpiresCalculatedAt, &errs)

	// Plain threatq.* fields.
	putStr(tq, "class", ind.Class, &errs)
	hash, hasHash := putStr(tq, "hash", ind.Hash, &errs)
	putStr(tq, "uuid", ind.UUID, &errs)
	typeName, hasType := errs.name("type", ind.Type)
	if hasType {
		tq["type"] = typeName
	}
	status, hasStatus := errs.name("status", ind.Status)
	if hasStatus {
		tq["status"] = status
	}
	key := Key{ID: id}
	if !hasID {
		key = Key{IndicatorKey: IndicatorKey(indicatorID, hasIndicatorID, typeName, val)}
		tq["indicator_key"] = key.IndicatorKey
	}
	putLong(tq, "generated_score", ind.GeneratedScore, &errs)
	putLong(tq, "manual_score", ind.ManualScore, &errs)
	ind.relatedCounts.each(func(name string, v value) { putLong(tq, name, v, &errs) })
	if attrs := attributeMap(ind.Attributes, &errs); attrs != nil {
		tq["attributes"] = attrs
	}
	if names := nameList("adversaries", ind.Adversaries, &errs); len(names) > 0 {
		tq["adversaries"] = names
	}
	if names := nameList("tags", ind.Tags, &errs); len(names) > 0 {
		tq["tags"] = names
	}

	// threat.indicator.* from score, description and sources.
	score, hasScore := errs.long("score", ind.Score)
	if hasScore {
		if c, ok := confidence(score); ok {
			ti["confidence"] = c
		}
		if dup {
			tq["score"] = score
		}
	}
	if d, ok := errs.str("description", ind.Description); ok {
		ti["description"] = d
		if dup {
			tq["description"] = d
		}
	}
	marks := readSources(ind.Sources, s.UseSourceExpiry, &errs)
	if len(marks.providers) > 0 {
		ti["provider"] = marks.providers
	}
	if len(marks.tlp) > 0 {
		ti["marking"] = object{"tlp": marks.tlp}
	}
	if s.URL != "" && hasRefID {
		ti["reference"] = reference(s.URL, s.ReferencePath, refID)
	}

	// The value in its type-specific ECS field, and related.*.
	related := object{}
	var relatedHash []string
	if hasHash {
		relatedHash = append(relatedHash, hash)
	}
	if it, ok := lookupIndicatorType(typeName); hasType && ok {
		ti["type"] = it.ecsType
		if hasValue {
			relatedHash = putIndicatorValue(ti, related, relatedHash, it, val, &errs)
		}
	}
	if len(relatedHash) > 0 {
		related["hash"] = relatedHash
	}

	// Expiry (mapping-decisions.md §C.1).
	var iocExpiredAt time.Time
	if at, reason, ok := lifecycleExpiry(expiryInput{
		expiredAt: expiredAt, hasExpiredAt: hasExpiredAt,
		expiresAt: expiresAt, hasExpiresAt: hasExpiresAt,
		status: status, deployStatuses: s.DeployStatuses, timestamp: ts,
		sourceExpiry: marks.expiry, typeExpiration: s.ExpirationByType[typeName], duration: s.Expiration,
	}, created); ok {
		if inDateRange(at) {
			tq["ioc_expired_at"] = formatTime(at)
			tq["ioc_expiration_reason"] = reason
			iocExpiredAt = at
		} else {
			errs.add("ioc_expired_at", "computed expiry is outside years 0000-9999; dropped")
		}
	}

	fields := envelope(s, created)
	threat := fields["threat"].(object)
	if len(ti) > 0 {
		threat["indicator"] = ti
	}
	fields["threatq"] = tq
	if len(related) > 0 {
		fields["related"] = related
	}
	preserveOriginal := s.PreserveOriginalEvent || slices.Contains(s.Tags, TagPreserveOriginal)
	if tags := eventTags(s.Tags, preserveOriginal); len(tags) > 0 {
		fields["tags"] = tags
	}
	if preserveOriginal {
		fields["event"].(object)["original"] = compactOriginal(raw)
	}
	errs.msgs = append(errs.msgs, capLongValues(fields, s.maxValueBytes())...)
	if len(errs.msgs) > 0 {
		fields["error"] = object{"message": errs.msgs}
	}
	return Event{
		ID:        DocumentID(refID, hasRefID, updated, hasUpdated, raw),
		Timestamp: ts,
		Fields:    fields,
		Key:       key,
		Value:     val,
		ExpiredAt: iocExpiredAt,
		Filtered:  s.Curation.filter(typeName, score, hasScore, marks.tlp),
	}, nil
}

// putIndicatorValue writes the value where its indicator type says, adds it
// to related.ip or to the related hashes, and returns the related hashes.
func putIndicatorValue(ti, related object, hashes []string, it indicatorType, val string, errs *fieldErrors) []string {
	switch it.check {
	case checkIP:
		if addr, err := netip.ParseAddr(val); err != nil || addr.Zone() != "" {
			errs.add("value", quote(val)+" is not an IP address; not copied to threat.indicator.ip")
			return hashes
		}
	case checkURL:
		ti["url"] = urlFields(val)
		return hashes
	}
	putPath(ti, it.field, val)
	if it.fileType {
		putPath(ti, "file.type", "file")
	}
	switch it.related {
	case "ip":
		related["ip"] = []string{val}
	case "hash":
		if !slices.Contains(hashes, val) {
			hashes = append(hashes, val)
		}
	}
	return hashes
}

// reference builds threat.indicator.reference: the indicator's page in the
// ThreatQ UI.
func reference(base, path string, id int64) string {
	if path == "" {
		path = DefaultReferencePath
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return strings.TrimRight(base, "/") + strings.ReplaceAll(path, "{id}", strconv.FormatInt(id, 10))
}

// putStr copies an optional string field into dst under the same name.
func putStr(dst object, name string, v value, errs *fieldErrors) (string, bool) {
	s, ok := errs.str(name, v)
	if ok {
		dst[name] = s
	}
	return s, ok
}

// putLong copies an optional whole-number field into dst under the same name.
func putLong(dst object, name string, v value, errs *fieldErrors) {
	if n, ok := errs.long(name, v); ok {
		dst[name] = n
	}
}

// putDate copies an optional ThreatQ time into dst under the same name, as
// ISO-8601 UTC with milliseconds.
func putDate(dst object, name string, v value, errs *fieldErrors) (time.Time, bool) {
	t, ok := errs.date(name, v)
	if ok {
		dst[name] = formatTime(t)
	}
	return t, ok
}
