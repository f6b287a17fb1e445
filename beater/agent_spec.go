package beater

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/common/fmtstr"
	"github.com/elastic/beats/v7/libbeat/processors"
	"github.com/elastic/beats/v7/libbeat/processors/add_formatted_index"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/threatqbeat/threatqbeat/config"
)

// agentStream is what an Agent input configuration carries besides the
// keys of the threatqbeat: section (cmd/agent.go builds it from a unit):
// the stream id, the target index and the processors the agent injects
// (data_stream.*, event.dataset, agent metadata) or the policy adds; and
// the unit's id, which agentInputs adds.
type agentStream struct {
	ID         string                   `config:"id"`
	UnitID     string                   `config:"unit_id"`
	Index      fmtstr.EventFormatString `config:"index"`
	Pipeline   string                   `config:"pipeline"`
	Processors processors.PluginConfig  `config:"processors"`
	KeepNull   bool                     `config:"keep_null"`
}

// agentSpec is one parsed Agent input configuration.
type agentSpec struct {
	id     string // stream id (else unit id)
	name   string // id made safe for a path or registry: the cursor directory, metrics, trace and diagnostics names
	unitID string
	index  string // the index setting as written
	cfg    config.Config
	stream agentStream
}

// parseAgentInput reads and validates one input configuration whose
// secrets are open (see AgentSecrets).
func parseAgentInput(m map[string]any, log *logp.Logger) (*agentSpec, error) {
	full, err := conf.NewConfigFrom(m)
	if err != nil {
		return nil, fmt.Errorf("read input configuration: %w", err)
	}
	s := &agentSpec{}
	if err := full.Unpack(&s.stream); err != nil {
		return nil, fmt.Errorf("read input configuration: %w", err)
	}
	// Error messages name the keys as in the threatqbeat: section.
	if s.cfg, err = config.Unpack(full, agentStream{}); err != nil {
		return nil, fmt.Errorf("invalid ThreatQ input: %w", err)
	}
	if full.HasField("index") {
		s.index, _ = full.String("index", -1)
	}
	s.unitID = s.stream.UnitID
	if s.cfg.RunOnce {
		log.Warnw("run_once is ignored under Elastic Agent: the input syncs every interval until the agent stops it", "unit", s.unitID)
		s.cfg.RunOnce = false
	}
	s.id = s.stream.ID
	if s.id == "" {
		s.id = s.unitID
	}
	if s.id == "" {
		s.id = "threatq-" + s.cfg.DataStream.Namespace
	}
	s.name = safeName(s.id)
	// Two inputs with tracing on must not share (nor delete) trace files.
	if s.cfg.Tracer.Filename == config.Default().Tracer.Filename {
		s.cfg.Tracer.Filename += "-" + s.name
	}
	// Check the processors and the index once, so that a mistake fails the
	// input now instead of each collection's pipeline client later.
	p, err := s.processing(beat.Info{}, log)()
	if err != nil {
		return nil, err
	}
	_ = processors.Close(p.Processor)
	return s, nil
}

// processing returns the processing settings of one pipeline client, as
// Filebeat does for its inputs: the index (as @metadata.raw_index), then the
// configured processors, and the ingest pipeline.
func (s *agentSpec) processing(info beat.Info, log *logp.Logger) func() (beat.ProcessingConfig, error) {
	return func() (beat.ProcessingConfig, error) {
		list := processors.NewList(log)
		if !s.stream.Index.IsEmpty() {
			index := s.stream.Index
			ts, err := fmtstr.NewTimestampFormatString(&index, fmtstr.FieldsForBeat(info.Beat, info.Version))
			if err != nil {
				return beat.ProcessingConfig{}, fmt.Errorf("invalid index %q: %w", s.index, err)
			}
			list.AddProcessor(add_formatted_index.New(ts))
		}
		user, err := processors.New(s.stream.Processors, log)
		if err != nil {
			return beat.ProcessingConfig{}, fmt.Errorf("invalid processors: %w", err)
		}
		list.AddProcessors(*user)
		p := beat.ProcessingConfig{Processor: list, KeepNull: s.stream.KeepNull}
		if s.stream.Pipeline != "" {
			p.Meta = mapstr.M{"pipeline": s.stream.Pipeline}
		}
		return p, nil
	}
}

// safeName turns an input id into a file and metrics registry name:
// letters, digits, '-' and '_' are kept, anything else becomes '_' and a
// short hash of the id is appended so that distinct ids stay distinct.
func safeName(id string) string {
	b := []byte(id)
	changed := len(b) == 0
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
			changed = true
		}
	}
	if !changed {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return string(b) + "-" + hex.EncodeToString(sum[:4])
}
