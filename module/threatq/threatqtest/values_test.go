package threatqtest

import (
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

var (
	indicatorKeys = keySet("adversaries attributes class created_at description expired_at expires_at expires_calculated_at " +
		"generated_score hash id last_detected_at manual_score published_at score sources status status_id tags touched_at " +
		"type type_id updated_at uuid value " + relatedKeys())
	attributeKeys = keySet("attribute_id created_at id indicator_id name sources touched_at updated_at value")
	sourceKeys    = keySet("created_at creator_source_id creator_source_name creator_source_type id indicator_id indicator_status_id " +
		"indicator_type_id name provider published_at reference_id source_expire_days source_id source_score source_type tlp_id tlp_name updated_at")
)

func relatedKeys() string {
	var keys []string
	for _, kind := range relatedObjects() {
		keys = append(keys, "related_"+kind+"_count")
	}
	return strings.Join(keys, " ")
}

func keySet(s string) map[string]bool {
	m := map[string]bool{}
	for _, k := range strings.Fields(s) {
		m[k] = true
	}
	return m
}

func assertKeys(t *testing.T, obj map[string]any, allowed map[string]bool) {
	t.Helper()
	for k := range obj {
		assert.True(t, allowed[k], "unexpected key %q", k)
	}
}

var docPrefixes = []netip.Prefix{
	netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32"),
}

func inDocRange(a netip.Addr) bool {
	for _, p := range docPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

var (
	hexOf      = func(n int) *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{` + strconv.Itoa(n) + `}$`) }
	md5RE      = hexOf(32)
	sha1RE     = hexOf(40)
	sha256RE   = hexOf(64)
	sha384RE   = hexOf(96)
	sha512RE   = hexOf(128)
	serialRE   = regexp.MustCompile(`^([0-9A-F]{32}|[0-9a-f]{2}(:[0-9a-f]{2}){15})$`)
	hostnameRE = regexp.MustCompile(`^([a-z0-9-]+\.)+example\.(com|net|org)$`)
	filenameRE = regexp.MustCompile(`^[a-z]+(_\d+)?(\.[a-z0-9]+)+$`)
)

func checkValue(t *testing.T, typ, v string) {
	t.Helper()
	switch typ {
	case "IP Address":
		a, err := netip.ParseAddr(v)
		if assert.NoError(t, err) {
			assert.True(t, a.Is4() && inDocRange(a), v)
		}
	case "IPv6 Address":
		a, err := netip.ParseAddr(v)
		if assert.NoError(t, err) {
			assert.True(t, a.Is6() && inDocRange(a), v)
			assert.Equal(t, a.String(), v, "canonical form")
		}
	case "CIDR Block":
		p, err := netip.ParsePrefix(v)
		if assert.NoError(t, err, v) {
			assert.Equal(t, p.Masked(), p, v)
			assert.True(t, inDocRange(p.Addr()), v)
		}
	case "FQDN":
		assert.Regexp(t, hostnameRE, v)
	case "URL":
		full := v
		if !strings.Contains(v, "://") {
			full = "http://" + v
		} else {
			assert.True(t, strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://"), v)
		}
		u, err := url.Parse(full)
		if assert.NoError(t, err, v) {
			host := u.Hostname()
			if a, err := netip.ParseAddr(host); err == nil {
				assert.True(t, inDocRange(a), v)
			} else {
				assert.Regexp(t, hostnameRE, host)
			}
			assert.True(t, strings.HasPrefix(u.Path, "/"), v)
		}
	case "Email Address":
		a, err := mail.ParseAddress(v)
		if assert.NoError(t, err, v) {
			assert.Equal(t, v, a.Address)
			assert.Regexp(t, `@example\.(com|net|org)$`, v)
		}
	case "MD5":
		assert.Regexp(t, md5RE, v)
	case "SHA-1":
		assert.Regexp(t, sha1RE, v)
	case "SHA-256":
		assert.Regexp(t, sha256RE, v)
	case "SHA-384":
		assert.Regexp(t, sha384RE, v)
	case "SHA-512":
		assert.Regexp(t, sha512RE, v)
	case "Filename":
		assert.Regexp(t, filenameRE, v)
	case "x509 Serial":
		assert.Regexp(t, serialRE, v)
	case "Mutex", "File Path", "Registry Key", "User-agent":
		assert.NotEmpty(t, v)
		if typ == "Registry Key" {
			assert.True(t, strings.HasPrefix(v, `HKEY_`), v)
		}
	default:
		t.Errorf("unexpected type %q", typ)
	}
}
