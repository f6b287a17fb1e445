package threat

import (
	"net/url"
	"strconv"
	"strings"
)

// urlFields builds threat.indicator.url for a URL indicator. original and
// full are always the value as received. When the value parses as an
// absolute URL with a host, the parts are added: scheme, domain, port, path,
// extension (without the dot), query, fragment, username and password. Path,
// query and fragment are kept escaped, as received.
//
// A value without a scheme, such as "89.160.20.156:8080/maf.html" or
// "example.com/x", has no parts: guessing a scheme would invent data.
// Upstream (Elasticsearch uri_parts) behaves the same for these values but
// then writes only url.full; here url.original is always written too.
func urlFields(v string) object {
	out := object{"original": v, "full": v}
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return out
	}
	out["scheme"] = u.Scheme
	if host := u.Hostname(); host != "" {
		out["domain"] = host
	}
	if p := u.Port(); p != "" {
		// url.port is a long; a port out of range is dropped rather than
		// making Elasticsearch reject the document.
		if n, err := strconv.ParseUint(p, 10, 16); err == nil {
			out["port"] = int64(n)
		}
	}
	if path := u.EscapedPath(); path != "" {
		out["path"] = path
		if ext := extension(path); ext != "" {
			out["extension"] = ext
		}
	}
	if u.RawQuery != "" {
		out["query"] = u.RawQuery
	}
	if f := u.EscapedFragment(); f != "" {
		out["fragment"] = f
	}
	if u.User != nil {
		if name := u.User.Username(); name != "" {
			out["username"] = name
		}
		if pw, ok := u.User.Password(); ok && pw != "" {
			out["password"] = pw
		}
	}
	return out
}

// extension returns what follows the last dot of the last path segment, or
// "" when that segment has no dot.
func extension(path string) string {
	seg := path[strings.LastIndexByte(path, '/')+1:]
	dot := strings.LastIndexByte(seg, '.')
	if dot < 0 {
		return ""
	}
	return seg[dot+1:]
}
