package threat

import "strings"

// object is a JSON object below the top level of an event. It is a plain
// map, not mapstr.M: libbeat's JSON encoder writes plain maps directly but
// converts a named map type by reflection for every object of every event
// (compare BenchmarkEncodeEvent with BenchmarkEncodeEventMapstr).
// mapstr.M's methods, and so libbeat's processors, accept both.
type object = map[string]any

// putPath stores v at a dotted path below dst, creating the objects on the
// way: putPath(ti, "file.hash.md5", v) sets ti["file"]["hash"]["md5"].
func putPath(dst object, path string, v any) {
	for {
		name, rest, nested := strings.Cut(path, ".")
		if !nested {
			dst[name] = v
			return
		}
		next, ok := dst[name].(object)
		if !ok {
			next = object{}
			dst[name] = next
		}
		dst, path = next, rest
	}
}
