package config

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	conf "github.com/elastic/elastic-agent-libs/config"
)

// section returns the threatqbeat section of a threatqbeat.yml, as libbeat
// hands it to the beat (its path is "threatqbeat").
func section(t *testing.T, body string) *conf.C {
	t.Helper()
	indented := "threatqbeat:\n  " + strings.ReplaceAll(strings.TrimSpace(body), "\n", "\n  ") + "\n"
	root, err := conf.NewConfigWithYAML([]byte(indented), "threatqbeat.yml")
	require.NoError(t, err)
	c, err := root.Child("threatqbeat", -1)
	require.NoError(t, err)
	return c
}

func TestUnknownKeysAreRefusedWithTheClosestKnownKey(t *testing.T) {
	for _, tc := range []struct{ extra, want string }{
		{"intervall: 5m", "unknown key threatqbeat.intervall; did you mean interval?"},
		{"Interval: 5m", "unknown key threatqbeat.Interval; did you mean interval?"},
		{"page-size: 10", "unknown key threatqbeat.page-size; did you mean page_size?"},
		{"clientsecret: x", "unknown key threatqbeat.clientsecret; did you mean client_secret?"},
		{"retry.max_attempt: 3", "unknown key threatqbeat.retry.max_attempt; did you mean max_attempts?"},
		{"tracer.enable: true", "unknown key threatqbeat.tracer.enable; did you mean enabled?"},
		{"data_stream.namepsace: prod", "unknown key threatqbeat.data_stream.namepsace; did you mean namespace?"},
		{"ssl.certificate_authority: [/ca.pem]", "unknown key threatqbeat.ssl.certificate_authority; did you mean certificate_authorities?"},
		{"ssl.key_pasphrase: x", "unknown key threatqbeat.ssl.key_pasphrase; did you mean key_passphrase?"},
		{"proxy_ur: http://proxy:3128", "unknown key threatqbeat.proxy_ur; did you mean proxy_url?"},
		{"timeout: 10s", "unknown key threatqbeat.timeout; did you mean http_client_timeout?"},
		{"colour: blue", "unknown key threatqbeat.colour; the keys here are client_id, client_secret, collections, data_stream, "},
	} {
		t.Run(tc.extra, func(t *testing.T) {
			_, err := Unpack(section(t, minimal+"\n"+tc.extra))
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestUnknownKeysInACollectionEntry(t *testing.T) {
	_, err := Unpack(section(t, `
url: https://threatq.example.com
client_id: id
client_secret: s3cret
collections:
  - id: abc123
  - {idd: def456}
  - {id: ghi789, name: third}
`))
	require.Error(t, err)
	require.Contains(t, err.Error(), "unknown key threatqbeat.collections[1].idd; did you mean id?")
	require.Contains(t, err.Error(), "unknown key threatqbeat.collections[2].name; the keys here are deploy_statuses, exclude_types, id, ioc_expiration_by_type, ioc_expiration_duration, max_tlp, min_score, types, use_source_expiry ")
	require.NotContains(t, err.Error(), "collections[0]")
}

// Every key of every nested block the struct declares is known: the TLS
// settings of libbeat (inline certificate settings included), the proxy
// settings inlined from libbeat, retry, tracer and data_stream.
func TestKnownKeysPass(t *testing.T) {
	c, err := Unpack(section(t, minimal+`
token_url: https://threatq.example.com/api/token
interval: 5m
page_size: 500
max_pages_per_run: 10
http_client_timeout: 10s
ssl:
  enabled: true
  verification_mode: full
  certificate_authorities: [/etc/pki/ca.pem]
  certificate: /etc/pki/client.pem
  key: /etc/pki/client.key
  key_passphrase: pass
  supported_protocols: [TLSv1.2]
  ca_trusted_fingerprint: "00"
proxy_url: http://proxy.example.com:3128
proxy_headers: {X-Any-Header: value}
proxy_disable: false
retry: {max_attempts: 3, wait_min: 2s, wait_max: 10s}
ioc_expiration_duration: 30d
preserve_original_event: true
tags: [a, b]
reference_path: /indicators/{id}/details
data_stream.namespace: prod
run_once: true
shutdown_timeout: 5s
tracer: {enabled: true, filename: trace, maxsize: 2, maxbackups: 3}
`))
	require.NoError(t, err)
	require.Equal(t, 500, c.PageSize)
	require.Equal(t, "prod", c.DataStream.Namespace)
}

// The known keys are read from Config's tags: every field of Config is a
// known key, and a struct handed to CheckKeys adds its keys (the Agent
// input's stream settings).
func TestKnownKeysComeFromTheStructTags(t *testing.T) {
	s := schemaOf(reflect.TypeOf(Config{}))
	typ := reflect.TypeOf(Config{})
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("config"), ",")
		if opts == "inline" {
			continue
		}
		require.Contains(t, s.keys, name, "field %s", f.Name)
	}
	require.Contains(t, s.keys, "proxy_url", "inline proxy settings")
	require.Contains(t, s.keys["ssl"].keys, "key_passphrase", "inline certificate settings of ssl")
	require.True(t, s.keys["collections"].list)

	raw := section(t, minimal+"\nindex: logs-x\nprocessors: [{add_tags: {tags: [x]}}]")
	require.ErrorContains(t, CheckKeys(raw), "unknown key threatqbeat.index")
	type stream struct {
		Index      string `config:"index"`
		Processors []any  `config:"processors"`
	}
	require.NoError(t, CheckKeys(raw, stream{}))
}

func TestUnknownKeysReportedWithValidationErrors(t *testing.T) {
	_, err := Unpack(section(t, minimal+"\nintervall: 5m\npage_size: 0"))
	require.ErrorContains(t, err, "unknown key threatqbeat.intervall; did you mean interval?")
	require.ErrorContains(t, err, "threatqbeat.page_size must be between 1 and 10000")
}

func TestClosestKey(t *testing.T) {
	known := []string{"client_id", "client_secret", "collections", "interval", "url"}
	for name, want := range map[string]string{
		"intervall": "interval", "urll": "url", "collection": "collections", "client-id": "client_id",
		"something_else": "", "x": "",
	} {
		require.Equal(t, want, closest(name, known), name)
	}
	require.Equal(t, 3, editDistance("kitten", "sitting"))
	require.Equal(t, 0, editDistance("", ""))
	require.True(t, slices.IsSorted(known))
}
