package threatqtest

import (
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"
)

// The random choices and values of generated indicators.

func (g *generator) attributeValue(name string) string {
	switch name {
	case "Description":
		return g.pick(descriptions)
	case "Country":
		return g.pick([]string{"US", "MP", "DE", "NL", "FR", "GB", "RU", "CN", "BR", "SG", "UA", "KP", "IR", "CA"})
	case "City":
		return g.pick([]string{"New York", "Saipan", "Fort Lauderdale", "Amsterdam", "Frankfurt am Main", "Singapore", "São Paulo", "Kyiv", "London"})
	case "AlienVault Revision":
		return strconv.Itoa(1 + g.rng.IntN(9))
	case "AlienVault Threat Level":
		return strconv.Itoa(1 + g.rng.IntN(5))
	case "AlienVault Reliability":
		return strconv.Itoa(1 + g.rng.IntN(10))
	case "Router Port", "Port":
		return g.pick([]string{"443", "80", "8080", "9001", "4444", "8443", "53"})
	case "Contact":
		return "email:abuse[]" + g.pick(domains) + " url:https://" + g.pick(domains)
	case "Flags":
		return g.pick([]string{"ERDV", "FGRSDV", "EFGHRSDV", "RSDV"})
	case "Confidence":
		return g.pick([]string{"Low", "Medium", "High"})
	case "Malware Family":
		return g.pick([]string{"DemoRAT", "SampleStealer", "TestLoader", "ExampleBot", "MockLocker"})
	case "Severity":
		return g.pick([]string{"low", "medium", "high", "critical"})
	case "First Seen":
		return g.updated.AddDate(0, 0, -g.rng.IntN(60)).Format(threatqTimeLayout)
	default: // Category
		return g.pick([]string{"Phishing", "C2", "Scanning Host", "Malware Distribution", "Tor Exit Node", "Spam"})
	}
}

func (g *generator) pickType() *indicatorType {
	x := g.rng.IntN(g.typeWeight)
	for i := range g.types {
		if x < g.types[i].weight {
			return &g.types[i]
		}
		x -= g.types[i].weight
	}
	return &g.types[len(g.types)-1]
}

func (g *generator) pickStatus() *status {
	x := g.rng.IntN(g.statusWeight)
	for i := range g.statuses {
		if x < g.statuses[i].weight {
			return &g.statuses[i]
		}
		x -= g.statuses[i].weight
	}
	return &g.statuses[len(g.statuses)-1]
}

// shuffle fills idx with 0…len-1 and moves k distinct random ones to the
// front (a partial Fisher–Yates shuffle).
func (g *generator) shuffle(idx []int, k int) {
	for i := range idx {
		idx[i] = i
	}
	for i := 0; i < k && i < len(idx); i++ {
		j := i + g.rng.IntN(len(idx)-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *generator) hex(n int) string {
	var buf [64]byte
	for i := 0; i < n; i += 8 {
		v := g.rng.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			buf[i+j] = byte(v >> (8 * j))
		}
	}
	return hex.EncodeToString(buf[:n])
}

// uuid is a random (version 4) UUID from the generator's source.
func (g *generator) uuid() string {
	h := []byte(g.hex(16))
	h[12] = '4'
	h[16] = "89ab"[g.rng.IntN(4)]
	return string(h[0:8]) + "-" + string(h[8:12]) + "-" + string(h[12:16]) + "-" + string(h[16:20]) + "-" + string(h[20:32])
}

func (g *generator) ipv4() string {
	return g.pick([]string{"192.0.2.", "198.51.100.", "203.0.113."}) + strconv.Itoa(1+g.rng.IntN(254))
}

func (g *generator) ipv6() string {
	var a [16]byte
	a[0], a[1], a[2], a[3] = 0x20, 0x01, 0x0d, 0xb8 // 2001:db8::/32
	hi, lo := g.rng.Uint64(), g.rng.Uint64()
	for i := 4; i < 16; i++ {
		if i < 10 {
			a[i] = byte(hi >> (8 * (i - 4)))
		} else {
			a[i] = byte(lo >> (8 * (i - 10)))
		}
	}
	if g.rng.IntN(3) == 0 { // a host in a small subnet: zeros in the middle
		for i := 6; i < 14; i++ {
			a[i] = 0
		}
	}
	return netip.AddrFrom16(a).String()
}

func (g *generator) host() string {
	h := g.pick(words)
	if g.rng.IntN(3) == 0 {
		h += strconv.Itoa(g.rng.IntN(100))
	}
	if g.rng.IntN(2) == 0 {
		h += "-" + g.pick(words)
	}
	if g.rng.IntN(3) == 0 {
		h = g.pick(words) + "." + h
	}
	return h + "." + g.pick(domains)
}

func (g *generator) url() string {
	host := g.host()
	if g.rng.IntN(10) < 3 {
		host = g.ipv4()
	}
	if g.rng.IntN(5) == 0 {
		host += ":" + g.pick([]string{"8080", "8443", "8000", "443"})
	}
	path := "/" + g.pick(words)
	if g.rng.IntN(2) == 0 {
		path += "/" + g.pick(words) + g.pick([]string{".php", ".html", ".exe", ".zip", ".js", ".aspx", ""})
	}
	if g.rng.IntN(4) == 0 {
		path += "?id=" + strconv.Itoa(g.rng.IntN(100000)) + "&ref=" + g.pick(words)
	}
	if g.rng.IntN(10) == 0 { // as ThreatQ often stores it: no scheme
		return host + path
	}
	return g.pick([]string{"http://", "https://"}) + host + path
}

func (g *generator) email() string {
	local := g.pick([]string{"john.doe", "billing", "no-reply", "support", "hr.department", "ceo", "it-helpdesk"})
	if g.rng.IntN(2) == 0 {
		local += strconv.Itoa(g.rng.IntN(1000))
	}
	return local + "@" + g.pick(domains)
}

func (g *generator) filename() string {
	name := g.pick(words)
	if g.rng.IntN(2) == 0 {
		name += "_" + strconv.Itoa(g.rng.IntN(10000))
	}
	return name + g.pick([]string{".exe", ".dll", ".doc", ".docm", ".xlsm", ".pdf.exe", ".js", ".vbs", ".ps1", ".zip", ".lnk", ".iso", ".hta"})
}

func (g *generator) x509Serial() string {
	s := g.hex(16)
	if g.rng.IntN(10) < 3 { // colon form, as some tools export it
		parts := make([]string, 0, 16)
		for i := 0; i < len(s); i += 2 {
			parts = append(parts, s[i:i+2])
		}
		return strings.Join(parts, ":")
	}
	return strings.ToUpper(s)
}

func (g *generator) cidr() string {
	if g.rng.IntN(5) < 2 {
		return "2001:db8:" + strconv.FormatUint(uint64(g.rng.IntN(0x10000)), 16) + "::/48"
	}
	prefix := g.pick([]string{"192.0.2.", "198.51.100.", "203.0.113."})
	bits := 24 + g.rng.IntN(5) // /24 … /28
	block := 1 << (32 - bits)
	return prefix + strconv.Itoa(block*g.rng.IntN(256/block)) + "/" + strconv.Itoa(bits)
}

func (g *generator) filePath() string {
	if g.rng.IntN(3) == 0 {
		return "/tmp/." + g.pick(words) + "/" + g.filename()
	}
	return g.pick([]string{`C:\Users\Public\`, `C:\ProgramData\`, `C:\Windows\Temp\`}) + g.filename()
}
