package threat

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/elastic/elastic-agent-libs/mapstr"
)

// Map translates one raw indicator into an event. created is the fetch time
// (event.created, and @timestamp when updated_at is absent).
func Map(raw []byte, s Settings, created time.Time) (Event, error) {
	var ind struct {
		ID        *int64 `json:"id"`
		Value     string `json:"value"`
		UpdatedAt string `json:"updated_at"`
		Type      struct {
			Name string `json:"name"`
		} `json:"type"`
	}
	if err := json.Unmarshal(raw, &ind); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrNotIndicator, err)
	}
	if ind.ID == nil && ind.Value == "" {
		return Event{}, ErrNotIndicator
	}
	ts := created
	if t, err := time.Parse(time.DateTime, ind.UpdatedAt); err == nil {
		ts = t.UTC()
	}
	ns := s.Namespace
	if ns == "" {
		ns = "default"
	}
	f := mapstr.M{
		"event": mapstr.M{
			"kind": "enrichment", "category": []string{"threat"}, "type": []string{"indicator"},
			"module": "ti_threatq", "dataset": "ti_threatq.threat",
		},
		"data_stream": mapstr.M{"type": "logs", "dataset": "ti_threatq.threat", "namespace": ns},
		"threatq":     mapstr.M{"indicator_value": ind.Value},
	}
	var id string
	if ind.ID != nil {
		f.Put("threatq.id", *ind.ID)
		id = strconv.FormatInt(*ind.ID, 10) + "-" + strconv.FormatInt(ts.UnixMilli(), 10)
	}
	return Event{ID: id, Timestamp: ts, Fields: f}, nil
}

// ParseExpiration parses ioc_expiration_duration: a whole number followed by
// d, h or m.
func ParseExpiration(v string) (time.Duration, error) {
	if len(v) < 2 {
		return 0, fmt.Errorf("invalid duration %q: want a whole number followed by d, h or m", v)
	}
	n, err := strconv.Atoi(v[:len(v)-1])
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid duration %q: want a whole number followed by d, h or m", v)
	}
	switch v[len(v)-1] {
	case 'd':
		return time.Duration(n) * 24 * time.Hour, nil
	case 'h':
		return time.Duration(n) * time.Hour, nil
	case 'm':
		return time.Duration(n) * time.Minute, nil
	}
	return 0, fmt.Errorf("invalid duration %q: want a whole number followed by d, h or m", v)
}
