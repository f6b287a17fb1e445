package threat

import (
	"testing"
	"time"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/outputs/codec/json"
	"github.com/elastic/elastic-agent-libs/mapstr"
)

// benchIndicator is a realistic indicator as the collection endpoint returns
// it: 6 attributes, 2 sources.
const benchIndicator = `{"adversaries":[],"attributes":[{"attribute_id":3,"created_at":"2020-09-11 14:35:53","id":1877,"indicator_id":336,"name":"Description","touched_at":"2020-10-15 14:36:00","updated_at":"2020-10-15 14:36:00","value":"Malicious Host"},{"attribute_id":4,"created_at":"2020-09-11 14:35:53","id":1878,"indicator_id":336,"name":"Country","touched_at":"2020-10-15 14:36:00","updated_at":"2020-10-15 14:36:00","value":"MP"},{"attribute_id":5,"created_at":"2020-09-11 14:35:53","id":1879,"indicator_id":336,"name":"City","touched_at":"2020-10-15 14:36:00","updated_at":"2020-10-15 14:36:00","value":"Saipan"},{"attribute_id":6,"created_at":"2020-09-11 14:35:53","id":1880,"indicator_id":336,"name":"AlienVault Revision","touched_at":"2020-10-15 14:36:00","updated_at":"2020-10-15 14:36:00","value":"3"},{"attribute_id":7,"created_at":"2020-09-11 14:35:53","id":1881,"indicator_id":336,"name":"AlienVault Threat Level","touched_at":"2020-10-15 14:36:00","updated_at":"2020-10-15 14:36:00","value":"3"},{"attribute_id":8,"created_at":"2020-09-11 14:35:53","id":1882,"indicator_id":336,"name":"AlienVault Reliability","touched_at":"2020-10-15 14:36:00","updated_at":"2020-10-15 14:36:00","value":"4"}],"class":"network","created_at":"2020-09-11 14:35:51","expires_calculated_at":"2020-10-15 14:40:03","hash":"1ece659dcec98b1e1141160b55655c96","id":336,"published_at":"2020-09-11 14:35:51","score":4,"sources":[{"created_at":"2020-09-11 14:35:53","creator_source_id":12,"id":336,"indicator_id":336,"indicator_status_id":2,"indicator_type_id":15,"name":"AlienVault OTX","published_at":"2020-09-11 14:35:53","reference_id":1,"source_expire_days":"30","source_id":12,"source_score":1,"source_type":"connectors","updated_at":"2020-10-15 14:36:00"},{"created_at":"2020-09-12 10:00:00","creator_source_id":40,"id":9120,"indicator_id":336,"indicator_status_id":1,"indicator_type_id":15,"name":"www.dan.me.uk Tor Node List","published_at":"2020-09-12 10:00:00","reference_id":37,"source_expire_days":"30","source_id":40,"source_score":2,"source_type":"connectors","tlp_id":3,"tlp_name":"GREEN","updated_at":"2020-10-15 14:36:00"}],"status":{"description":"Poses a threat","id":1,"name":"Active"},"status_id":1,"touched_at":"2021-06-07 19:47:27","type":{"class":"network","id":15,"name":"IP Address"},"type_id":15,"updated_at":"2020-11-15 00:00:02","value":"89.160.20.156"}`

// benchSettings are production settings: expiry duration, tags, reference,
// no event.original.
var benchSettings = Settings{
	Expiration: 90 * 24 * time.Hour,
	Tags:       []string{"forwarded", "threatq-threat"},
	URL:        "https://threatq.example.com",
}

func benchmarkMap(b *testing.B, s Settings) {
	raw := []byte(benchIndicator)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Map(raw, s, fixedCreated); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMap measures one indicator with production settings.
func BenchmarkMap(b *testing.B) { benchmarkMap(b, benchSettings) }

// BenchmarkMapPreserveOriginal adds event.original.
func BenchmarkMapPreserveOriginal(b *testing.B) {
	s := benchSettings
	s.PreserveOriginalEvent = true
	benchmarkMap(b, s)
}

// BenchmarkDecodeIndicator measures the decoding step of Map alone.
func BenchmarkDecodeIndicator(b *testing.B) {
	raw := []byte(benchIndicator)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		var ind indicator
		var errs fieldErrors
		if err := decodeIndicator(raw, &ind, &errs); err != nil {
			b.Fatal(err)
		}
	}
}

// benchmarkEncode measures libbeat's JSON encoding (the file and console
// outputs' codec) of one mapped event, its fields as fields returns them.
func benchmarkEncode(b *testing.B, fields func(mapstr.M) mapstr.M) {
	ev, err := Map([]byte(benchIndicator), benchSettings, fixedCreated)
	if err != nil {
		b.Fatal(err)
	}
	enc := json.New("9.4.0", json.Config{})
	e := &beat.Event{Timestamp: ev.Timestamp, Meta: mapstr.M{"_id": ev.ID}, Fields: fields(ev.Fields)}
	out, err := enc.Encode("threatqbeat", e)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := enc.Encode("threatqbeat", e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeEvent encodes an event as Map builds it: the output's
// share of the CPU per indicator.
func BenchmarkEncodeEvent(b *testing.B) {
	benchmarkEncode(b, func(f mapstr.M) mapstr.M { return f })
}

// BenchmarkEncodeEventMapstr encodes the same event with every nested
// object a mapstr.M, for comparison (see object).
func BenchmarkEncodeEventMapstr(b *testing.B) {
	benchmarkEncode(b, func(f mapstr.M) mapstr.M { return asMapstr(f).(mapstr.M) })
}
