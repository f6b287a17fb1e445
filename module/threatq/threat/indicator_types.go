package threat

// check says how the value of an indicator type is validated before it is
// written to a typed ECS field.
type check uint8

const (
	checkNone check = iota // keyword fields: any string
	checkIP                // ip fields: Elasticsearch rejects the whole document otherwise
	checkURL               // parsed into url.* parts when absolute
)

// indicatorType says where the value of one ThreatQ indicator type goes.
type indicatorType struct {
	// ecsType is threat.indicator.type (ECS allowed values, taken from
	// STIX 2.1 cyber-observable names).
	ecsType string
	// field is the path under threat.indicator that receives the value.
	field string
	// related is the related.* field that also receives it ("ip", "hash"),
	// or "".
	related string
	check   check
	// fileType sets threat.indicator.file.type "file", as upstream does for
	// Filename (the Files dashboard's file-type panel counts it).
	fileType bool
}

// lookupIndicatorType maps ThreatQ's type.name (exact, case-sensitive) to
// ECS, see https://www.elastic.co/guide/en/ecs/current/ecs-threat.html.
//
//	type.name      threat.indicator.<field>     threat.indicator.type  related
//	IP Address     ip                           ipv4-addr              related.ip
//	IPv6 Address   ip                           ipv6-addr              related.ip
//	FQDN           url.domain                   domain-name
//	URL            url.original, url.full (+ parts when absolute)  url
//	Email Address  email.address                email-addr
//	MD5            file.hash.md5                file                   related.hash
//	SHA-1          file.hash.sha1               file                   related.hash
//	SHA-256        file.hash.sha256             file                   related.hash
//	SHA-384        file.hash.sha384             file                   related.hash
//	SHA-512        file.hash.sha512             file                   related.hash
//	Filename       file.name (+ file.type file) file
//	x509 Serial    x509.serial_number           x509-certificate
//
// Any other type (CIDR Block, File Path, Mutex, ...) has no entry: the value
// stays in threatq.indicator_value only and threat.indicator.type is absent.
// That is not an error. Upstream differences: SHA-384 is not mapped there and
// x509 Serial gets no threat.indicator.type.
func lookupIndicatorType(name string) (indicatorType, bool) {
	switch name {
	case "IP Address":
		return indicatorType{ecsType: "ipv4-addr", field: "ip", related: "ip", check: checkIP}, true
	case "IPv6 Address":
		return indicatorType{ecsType: "ipv6-addr", field: "ip", related: "ip", check: checkIP}, true
	case "FQDN":
		return indicatorType{ecsType: "domain-name", field: "url.domain"}, true
	case "URL":
		return indicatorType{ecsType: "url", field: "url.original", check: checkURL}, true
	case "Email Address":
		return indicatorType{ecsType: "email-addr", field: "email.address"}, true
	case "MD5":
		return indicatorType{ecsType: "file", field: "file.hash.md5", related: "hash"}, true
	case "SHA-1":
		return indicatorType{ecsType: "file", field: "file.hash.sha1", related: "hash"}, true
	case "SHA-256":
		return indicatorType{ecsType: "file", field: "file.hash.sha256", related: "hash"}, true
	case "SHA-384":
		return indicatorType{ecsType: "file", field: "file.hash.sha384", related: "hash"}, true
	case "SHA-512":
		return indicatorType{ecsType: "file", field: "file.hash.sha512", related: "hash"}, true
	case "Filename":
		return indicatorType{ecsType: "file", field: "file.name", fileType: true}, true
	case "x509 Serial":
		return indicatorType{ecsType: "x509-certificate", field: "x509.serial_number"}, true
	}
	return indicatorType{}, false
}

// MappedTypes are the type names lookupIndicatorType maps to ECS, as
// ThreatQ spells them.
var MappedTypes = []string{
	"IP Address", "IPv6 Address", "FQDN", "URL", "Email Address",
	"MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "Filename", "x509 Serial",
}
