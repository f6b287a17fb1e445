package threatqtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// WithUpdatedAt returns a copy of the indicator with updated_at set to t
// (added if absent), e.g. to Append an updated version of a stored
// indicator. It fails when ind is not a JSON object.
func WithUpdatedAt(ind json.RawMessage, t time.Time) (json.RawMessage, error) {
	b := bytes.TrimSpace(ind)
	if !json.Valid(b) {
		return nil, fmt.Errorf("threatqtest: WithUpdatedAt: %w", errInvalidJSON)
	}
	members, ok := scanMembers(b, nil)
	if !ok {
		return nil, fmt.Errorf("threatqtest: WithUpdatedAt: %w", errNotObject)
	}
	value, _ := json.Marshal(tqTime(t)) // a string always encodes
	out := make([]byte, 0, len(b)+len(value)+16)
	for _, m := range members {
		if m.key == "updated_at" {
			out = append(out, b[:m.valStart]...)
			out = append(out, value...)
			return append(out, b[m.valEnd:]...), nil
		}
	}
	if len(members) == 0 {
		out = append(out, `{"updated_at":`...)
		out = append(out, value...)
		return append(out, '}'), nil
	}
	last := members[len(members)-1].valEnd
	out = append(out, b[:last]...)
	out = append(out, `,"updated_at":`...)
	out = append(out, value...)
	return append(out, b[last:]...), nil
}
