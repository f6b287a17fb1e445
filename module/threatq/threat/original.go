package threat

import (
	"bytes"
	"encoding/json"
	"slices"
)

// compactOriginal returns event.original: the indicator exactly as received,
// with insignificant white space removed (a page's elements are usually
// indented). Key order, escapes and number text are kept as sent.
func compactOriginal(raw []byte) string {
	var buf bytes.Buffer
	buf.Grow(len(raw))
	if err := json.Compact(&buf, raw); err != nil {
		// Unreachable: raw was decoded successfully before.
		return string(bytes.TrimSpace(raw))
	}
	return buf.String()
}

// eventTags returns a fresh copy of the configured tags (events must not
// share slices: processors may append to them), with preserve_original_event
// added when the original is preserved and the tag is not there yet.
func eventTags(configured []string, preserveOriginal bool) []string {
	add := preserveOriginal && !slices.Contains(configured, TagPreserveOriginal)
	if len(configured) == 0 && !add {
		return nil
	}
	tags := make([]string, len(configured), len(configured)+1)
	copy(tags, configured)
	if add {
		tags = append(tags, TagPreserveOriginal)
	}
	return tags
}
