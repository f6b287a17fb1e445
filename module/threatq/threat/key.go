package threat

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Key identifies an indicator in the latest transform, whose unique key is
// (threatq.id, threatq.indicator_key): every document of an indicator, and
// every tombstone retiring it, carries the same Key. An indicator with an
// id is identified by it; one without has an IndicatorKey (see
// IndicatorKey), never empty. Key is comparable: it can key a map.
type Key struct {
	// ID is threatq.id; it identifies the indicator when IndicatorKey is "".
	ID int64
	// IndicatorKey is threatq.indicator_key of an indicator without id.
	IndicatorKey string
}

// String writes the key as "id:<id>" or "key:<indicator_key>"; ParseKey
// reads it back.
func (k Key) String() string {
	if k.IndicatorKey != "" {
		return "key:" + k.IndicatorKey
	}
	return "id:" + strconv.FormatInt(k.ID, 10)
}

// ParseKey reads a Key written by Key.String.
func ParseKey(s string) (Key, error) {
	kind, rest, _ := strings.Cut(s, ":")
	switch {
	case kind == "id":
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return Key{}, fmt.Errorf("indicator key %q: the id is not a whole number", s)
		}
		return Key{ID: id}, nil
	case kind == "key" && rest != "":
		return Key{IndicatorKey: rest}, nil
	}
	return Key{}, errors.New("indicator key " + strconv.Quote(s) + ": want id:<id> or key:<indicator_key>")
}

// put writes the key's field into threatq.*.
func (k Key) put(tq object) {
	if k.IndicatorKey != "" {
		tq["indicator_key"] = k.IndicatorKey
		return
	}
	tq["id"] = k.ID
}
