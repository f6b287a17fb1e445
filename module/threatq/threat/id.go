package threat

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// DocumentID returns @metadata._id for an indicator: "<id>-<updated_at in
// Unix milliseconds>", e.g. "336-1605398402000" for id 336 updated at
// 2020-11-15 00:00:02 UTC. The same version of an indicator therefore gets
// the same id however often it is fetched, so a re-sent page is refused by
// Elasticsearch as a duplicate (409) instead of indexed twice, while a new
// version (a later updated_at) is a new document, which the latest transform
// needs.
//
// id is threatq.id, or indicator_id when id is absent. Without an id or a
// valid updated_at the pair cannot be formed; the id is then
// "sha256-<first 16 bytes of SHA-256 of the indicator's compact JSON, hex>",
// stable for the same content however the server spaces it.
func DocumentID(id int64, hasID bool, updatedAt time.Time, hasUpdatedAt bool, raw []byte) string {
	if hasID && hasUpdatedAt {
		b := make([]byte, 0, 40)
		b = strconv.AppendInt(b, id, 10)
		b = append(b, '-')
		b = strconv.AppendInt(b, updatedAt.UnixMilli(), 10)
		return string(b)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err == nil {
		raw = compact.Bytes()
	}
	sum := sha256.Sum256(raw)
	return "sha256-" + hex.EncodeToString(sum[:16])
}

// IndicatorKey is threatq.indicator_key, the identity of an indicator that
// has no id, which the latest transform groups on together with threatq.id
// (the transform's composite aggregation puts every document lacking all
// its keys into one bucket, so without it such indicators would collapse
// into one). It is the indicator_id, in decimal, when there is one;
// otherwise "sha256-" and the first 16 bytes (hex) of the SHA-256 of the
// type name, a NUL byte and the value, which ThreatQ keeps unique together:
// every version of the indicator has the same key, and it stays short
// whatever the value's length.
func IndicatorKey(indicatorID int64, hasIndicatorID bool, typeName, value string) string {
	if hasIndicatorID {
		return strconv.FormatInt(indicatorID, 10)
	}
	h := sha256.New()
	h.Write([]byte(typeName))
	h.Write([]byte{0})
	h.Write([]byte(value))
	return "sha256-" + hex.EncodeToString(h.Sum(nil)[:16])
}
