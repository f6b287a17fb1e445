package setup

import (
	"errors"
	"fmt"
	"strings"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/beat/events"
	"github.com/elastic/beats/v7/libbeat/idxmgmt"
	"github.com/elastic/beats/v7/libbeat/outputs"
	"github.com/elastic/beats/v7/libbeat/outputs/outil"
	"github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"
)

// ErrLibbeatIndexManagement is returned by the index manager libbeat would
// use: threatqbeat's assets are installed by Installer, never by libbeat's
// template loader.
var ErrLibbeatIndexManagement = errors.New("threatqbeat installs its index template, lifecycle and pipelines itself: use `threatqbeat setup` or `threatqbeat export`")

// Supporter is threatqbeat's libbeat index-management support
// (instance.Settings.IndexManagement). It decides where the Elasticsearch
// output writes, and keeps libbeat's own template loader out of the way.
//
// Why not libbeat's loader: libbeat 9.4 creates the data stream named after
// the template (PUT /_data_stream/<setup.template.name>), which for the
// template logs-ti_threatq.threat would be a data stream that no template
// matches, so setup and every output connection would fail on a real
// cluster; and its ILM policy and pipelines cannot be given threatqbeat's
// bodies. So Enabled reports false (libbeat registers no index-management
// callback) and Installer does the work: from `setup`, and from the
// output's connect callback for `run` (load if missing).
type Supporter struct {
	opts Options
	log  *logp.Logger
}

// IndexManagement is an idxmgmt.SupportFactory returning a *Supporter.
func IndexManagement(log *logp.Logger, info beat.Info, root *config.C) (idxmgmt.Supporter, error) {
	return NewSupporter(log, info, root)
}

// NewSupporter reads the options from the root configuration.
func NewSupporter(log *logp.Logger, _ beat.Info, root *config.C) (*Supporter, error) {
	if log == nil {
		log = logp.NewNopLogger()
	}
	opts, err := OptionsFromConfig(root)
	if err != nil {
		return nil, err
	}
	return &Supporter{opts: opts, log: log.Named("index-management")}, nil
}

// Options returns the options read from the configuration.
func (s *Supporter) Options() Options { return s.opts }

// Enabled is false: libbeat must not load templates or policies itself.
func (s *Supporter) Enabled() bool { return false }

// Manager returns a manager that refuses to work (see
// ErrLibbeatIndexManagement); threatqbeat replaces every libbeat command
// that would use it.
func (s *Supporter) Manager(idxmgmt.ClientHandler, idxmgmt.Asseter) idxmgmt.Manager {
	return refusingManager{}
}

// DefaultIndex is the Elasticsearch output's index when
// output.elasticsearch.index is not set: the data stream of the event's
// data_stream.namespace (every event has it; the configured namespace is
// the fallback). Taking the namespace from the event keeps the index and the
// document's data_stream.namespace equal, which Elasticsearch requires of a
// data stream's documents.
func (s *Supporter) DefaultIndex() string {
	return fmt.Sprintf("%s-%%{[data_stream.namespace]:%s}", DataStreamPrefix, s.opts.Namespace)
}

// BuildSelector returns the Elasticsearch output's index selector. It is
// how `run` picks the index, in this order:
//  1. the event's @metadata.index or @metadata.raw_index (what Elastic Agent
//     units and processors set, as with libbeat's own selector);
//  2. output.elasticsearch.indices / output.elasticsearch.index, if set;
//  3. DefaultIndex: logs-ti_threatq.threat-<namespace>.
//
// Events carry @metadata._id, so libbeat sends them with the create action
// that data streams require, and a document sent twice is a 409 duplicate.
func (s *Supporter) BuildSelector(cfg *config.C) (outputs.IndexSelector, error) {
	sel := config.NewConfig()
	if cfg != nil && cfg.HasField("indices") {
		sub, err := cfg.Child("indices", -1)
		if err != nil {
			return nil, fmt.Errorf("read output.elasticsearch.indices: %w", err)
		}
		if err := sel.SetChild("indices", -1, sub); err != nil {
			return nil, err
		}
	}
	index := s.DefaultIndex()
	if cfg != nil && cfg.HasField("index") {
		v, err := cfg.String("index", -1)
		if err != nil {
			return nil, fmt.Errorf("read output.elasticsearch.index: %w", err)
		}
		if v != "" {
			index = v
		}
	}
	if err := sel.SetString("index", -1, index); err != nil {
		return nil, err
	}
	out, err := outil.BuildSelectorFromConfig(sel, outil.Settings{
		Key: "index", MultiKey: "indices", EnableSingleOnly: true, FailEmpty: true, Case: outil.SelectorLowerCase,
	}, s.log)
	if err != nil {
		return nil, err
	}
	return indexSelector{out}, nil
}

type indexSelector struct{ sel outil.Selector }

func (s indexSelector) Select(e *beat.Event) (string, error) {
	if len(e.Meta) > 0 {
		for _, key := range []string{events.FieldMetaIndex, events.FieldMetaRawIndex} {
			if idx, err := events.GetMetaStringValue(*e, key); err == nil && idx != "" {
				return strings.ToLower(idx), nil
			}
		}
	}
	return s.sel.Select(e)
}

type refusingManager struct{}

func (refusingManager) VerifySetup(_, _ idxmgmt.LoadMode) (bool, string) { return true, "" }

func (refusingManager) Setup(_, _ idxmgmt.LoadMode) error { return ErrLibbeatIndexManagement }
