package threatqtest

// The vocabularies generated indicators are made of. They are read, never
// written.

// indicatorType is a ThreatQ indicator type and how to make a value of it.
type indicatorType struct {
	id     int
	name   string
	class  string
	weight int // relative frequency
	value  func(g *generator) string
}

// indicatorTypes lists every type mapped by threatqbeat
// (shared/docs/mapping-decisions.md) and a few it leaves unmapped.
var indicatorTypes = []indicatorType{
	{15, "IP Address", "network", 22, (*generator).ipv4},
	{16, "IPv6 Address", "network", 4, (*generator).ipv6},
	{11, "FQDN", "network", 14, (*generator).host},
	{24, "URL", "network", 14, (*generator).url},
	{8, "Email Address", "network", 6, (*generator).email},
	{13, "MD5", "host", 8, func(g *generator) string { return g.hex(16) }},
	{18, "SHA-1", "host", 5, func(g *generator) string { return g.hex(20) }},
	{19, "SHA-256", "host", 10, func(g *generator) string { return g.hex(32) }},
	{20, "SHA-384", "host", 2, func(g *generator) string { return g.hex(48) }},
	{21, "SHA-512", "host", 3, func(g *generator) string { return g.hex(64) }},
	{10, "Filename", "host", 4, (*generator).filename},
	{27, "x509 Serial", "network", 2, (*generator).x509Serial},
	// Not mapped by threatqbeat: the value stays in threatq.indicator_value.
	{4, "CIDR Block", "network", 2, (*generator).cidr},
	{14, "Mutex", "host", 1, func(g *generator) string {
		return g.pick([]string{`Global\`, `Local\`, ""}) + g.pick(words) + "_" + g.hex(4)
	}},
	{9, "File Path", "host", 1, (*generator).filePath},
	{17, "Registry Key", "host", 1, func(g *generator) string {
		return g.pick([]string{
			`HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run\`,
			`HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\RunOnce\`,
			`HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\`,
		}) + g.pick(words) + g.hex(2)
	}},
	{26, "User-agent", "network", 1, func(g *generator) string {
		return g.pick([]string{
			"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0 Safari/537.36",
			"python-requests/2.25.1", "curl/7.68.0", "Go-http-client/1.1",
		})
	}},
}

// status is a ThreatQ indicator status.
type status struct {
	id                int
	name, description string
	weight            int
}

var statuses = []status{
	{1, "Active", "Poses a threat and is being exported to detection tools.", 60},
	{2, "Expired", "No longer poses a serious threat.", 20},
	{3, "Indirect", "Associated with an active threat, but not directly malicious.", 4},
	{4, "Review", "Requires further analysis.", 8},
	{5, "Whitelisted", "Poses NO risk and should never be deployed.", 8},
}

// source is a ThreatQ intelligence source; kind is its source_type.
type source struct {
	id         int
	name, kind string
}

var sources = []source{
	{12, "AlienVault OTX", "connectors"},
	{13, "www.dan.me.uk Tor Node List", "connectors"},
	{14, "Abuse.ch URLhaus", "connectors"},
	{15, "Abuse.ch MalwareBazaar", "connectors"},
	{16, "Emerging Threats", "connectors"},
	{17, "Internal SOC", "users"},
	{18, "Phishing Mailbox", "other"},
	{19, "ThreatQ System", "system"},
}

// tlpForm is one way a source's TLP shows up; id 0 leaves tlp_id out, name
// "" leaves tlp_name out, null writes both as null.
type tlpForm struct {
	id   int
	name string
	null bool
}

var tlpForms = []tlpForm{
	{}, {}, {}, {}, // most sources carry no TLP
	{2, "AMBER", false}, {3, "GREEN", false}, {4, "WHITE", false}, {1, "RED", false},
	{4, "CLEAR", false}, {2, "AMBER+STRICT", false},
	{3, "TLP:GREEN", false}, {2, "TLP:AMBER", false}, {4, "TLP:WHITE", false}, {1, "TLP:RED", false},
	{2, "tlp:amber", false}, {3, "Green", false},
	{0, "", true},
	{0, "testtlp", false},
}

// attributeKinds are attribute names with their ThreatQ attribute_id.
var attributeKinds = []struct {
	id   int
	name string
}{
	{3, "Description"}, {4, "Country"}, {5, "City"}, {6, "AlienVault Revision"},
	{7, "AlienVault Threat Level"}, {8, "AlienVault Reliability"}, {9, "Router Port"},
	{10, "Contact"}, {11, "Flags"}, {12, "Confidence"}, {13, "Malware Family"},
	{14, "Port"}, {15, "Severity"}, {16, "First Seen"}, {17, "Category"},
}

var (
	descriptions = []string{
		"Malicious Host", "Command and control server", "Phishing landing page",
		"Credential harvesting kit", "Malware download location", "Tor exit node",
		"Brute-force source", "Observed in a spam campaign",
	}
	domains = []string{"example.com", "example.net", "example.org"}
	words   = []string{
		"login", "secure", "update", "cdn", "mail", "portal", "account", "verify",
		"invoice", "billing", "support", "files", "static", "api", "auth", "docs",
		"office", "drive", "share", "download", "payment", "client", "service", "news",
	}
)

// relatedObjects are the object kinds of the related_<kind>_count fields, in
// alphabetical order.
func relatedObjects() [22]string {
	return [22]string{
		"adversary", "asset", "attachment", "attack_pattern", "campaign",
		"course_of_action", "event", "exploit_target", "identity", "incident",
		"indicator", "infrastructure", "intrusion_set", "investigation", "malware",
		"note", "report", "signature", "task", "tool", "ttp", "vulnerability",
	}
}
