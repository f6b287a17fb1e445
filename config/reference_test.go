package config_test

import (
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	conf "github.com/elastic/elastic-agent-libs/config"

	"github.com/threatqbeat/threatqbeat/config"
)

// configKeys lists the dotted keys of every setting of a config struct, as
// go-ucfg reads them: `config` tags, inline structs merged into their
// parent, nested structs (also behind pointers and in slices) descended
// into. A struct type without config tags (a URL, a duration) is a value.
func configKeys(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || !hasConfigTags(t) {
		if prefix == "" {
			return nil
		}
		return []string{prefix}
	}
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("config")
		name, opts, _ := strings.Cut(tag, ",")
		if opts == "ignore" || name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			keys = append(keys, configKeys(f.Type, prefix)...)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		keys = append(keys, configKeys(f.Type, key)...)
	}
	return keys
}

func hasConfigTags(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		if _, ok := t.Field(i).Tag.Lookup("config"); ok {
			return true
		}
	}
	return false
}

// commentedSetting is a setting commented out in the Beats style: `#` right
// in front of the key.
var commentedSetting = regexp.MustCompile(`(?m)^(\s*)#([A-Za-z_][\w.]*:.*)$`)

// uncomment turns every commented setting of a reference file on.
func uncomment(s string) string { return commentedSetting.ReplaceAllString(s, "$1$2") }

// lookup finds a dotted key in an unpacked configuration; lists are
// searched through their first element.
func lookup(m map[string]any, key string) bool {
	var cur any = m
	for _, part := range strings.Split(key, ".") {
		if list, ok := cur.([]any); ok && len(list) > 0 {
			cur = list[0]
		}
		mm, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = mm[part]; !ok {
			return false
		}
	}
	return true
}

// referenceEnv sets the variables the configuration files refer to.
func referenceEnv(t *testing.T) {
	t.Setenv("THREATQ_CLIENT_SECRET", "reference-secret")
	t.Setenv("THREATQ_KEY_PASSPHRASE", "reference-passphrase")
	t.Setenv("PROXY_CREDENTIALS", "dXNlcjpwYXNz")
	t.Setenv("ES_PASSWORD", "reference-es-password")
}

// loadThreatQ unpacks and validates the threatqbeat: section of a YAML
// document.
func loadThreatQ(t *testing.T, name, yaml string) config.Config {
	t.Helper()
	raw, err := conf.NewConfigWithYAML([]byte(yaml), name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	section, err := raw.Child("threatqbeat", -1)
	if err != nil {
		t.Fatalf("%s has no threatqbeat section: %v", name, err)
	}
	c := config.Default()
	if err := section.Unpack(&c); err != nil { // Unpack runs Validate
		t.Fatalf("%s: %v", name, err)
	}
	return c
}

func TestReferenceDocumentsEveryOption(t *testing.T) {
	referenceEnv(t)
	keys := configKeys(reflect.TypeOf(config.Config{}), "")
	if len(keys) < 30 {
		t.Fatalf("only %d keys found in config.Config: %v", len(keys), keys)
	}
	ref, err := os.ReadFile("../threatqbeat.reference.yml")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := conf.NewConfigWithYAML([]byte(uncomment(string(ref))), "threatqbeat.reference.yml")
	if err != nil {
		t.Fatalf("threatqbeat.reference.yml with every setting uncommented is not YAML: %v", err)
	}
	section, err := raw.Child("threatqbeat", -1)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := section.Unpack(&m); err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, k := range keys {
		if !lookup(m, k) {
			missing = append(missing, "threatqbeat."+k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("threatqbeat.reference.yml does not document: %s", strings.Join(missing, ", "))
	}
	// With every setting on, the documented values are valid together.
	c := loadThreatQ(t, "threatqbeat.reference.yml (uncommented)", uncomment(string(ref)))
	if c.SSL == nil || c.Tracer.Filename != "threatq-trace" {
		t.Fatalf("uncommented reference not applied: %+v", c)
	}
}

func TestReferenceAndDefaultConfigLoad(t *testing.T) {
	referenceEnv(t)
	for _, name := range []string{"threatqbeat.yml", "threatqbeat.reference.yml"} {
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile("../" + name)
			if err != nil {
				t.Fatal(err)
			}
			// As shipped, the documented defaults are the code's defaults.
			c := loadThreatQ(t, name, string(body))
			d := config.Default()
			if c.Interval != d.Interval || c.PageSize != d.PageSize || c.IOCExpirationDuration != d.IOCExpirationDuration ||
				c.DataStream.Namespace != d.DataStream.Namespace || c.ClientSecret != "reference-secret" {
				t.Fatalf("%s as shipped: %+v", name, c)
			}
			// The binary accepting the whole file, libbeat's sections too,
			// is TestReferenceAndDefaultConfigPassTestConfig in
			// tests/integration.
		})
	}
}

func TestReferenceDefaultsMatchCode(t *testing.T) {
	// Every value written after a commented threatqbeat key is the default
	// (or an example for keys without one): spot-check the defaults the
	// reference file states against config.Default.
	ref, err := os.ReadFile("../threatqbeat.reference.yml")
	if err != nil {
		t.Fatal(err)
	}
	d := config.Default()
	for line, want := range map[string]string{
		"#interval: ":                d.Interval.String(),
		"#page_size: ":               "1000",
		"#max_pages_per_run: ":       "100000",
		"#http_client_timeout: ":     "30s",
		"#retry.max_attempts: ":      "5",
		"#ioc_expiration_duration: ": d.IOCExpirationDuration,
		"#shutdown_timeout: ":        "30s",
		"#tracer.filename: ":         d.Tracer.Filename,
		"#reference_path: ":          `"` + d.ReferencePath + `"`,
		"#data_stream.namespace: ":   d.DataStream.Namespace,
	} {
		i := strings.Index(string(ref), line)
		if i < 0 {
			t.Fatalf("reference lacks %q", line)
		}
		got := string(ref[i+len(line):])
		got = got[:strings.IndexByte(got, '\n')]
		if normDuration(got) != normDuration(want) {
			t.Errorf("%s%s: the default is %s", line, got, want)
		}
	}
}

// normDuration writes 1m0s as 1m, so that durations compare as written.
func normDuration(s string) string {
	if d, err := time.ParseDuration(s); err == nil {
		return d.String()
	}
	return s
}
