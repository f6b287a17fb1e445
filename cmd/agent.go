//go:build !noagent

package cmd

// Elastic Agent support. This file links libbeat's Agent manager
// (github.com/elastic/beats/v7/x-pack/libbeat/management, Elastic License)
// and elastic-agent-client (Elastic License); build with -tags noagent for
// a binary without them (see NOTICE and docs/agent.md).

import (
	"errors"
	"fmt"
	"strings"

	gproto "google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/elastic/beats/v7/libbeat/cmd"
	"github.com/elastic/beats/v7/libbeat/common/reload"
	"github.com/elastic/beats/v7/x-pack/libbeat/management"
	"github.com/elastic/elastic-agent-client/v7/pkg/client"
	"github.com/elastic/elastic-agent-client/v7/pkg/proto"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/mapstr"

	"github.com/threatqbeat/threatqbeat/beater"
	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// AgentInputType is threatqbeat's input type in an Elastic Agent policy:
// the name of the input in threatqbeat.spec.yml.
const AgentInputType = "threatq"

// unitOnlyKeys are the keys of an input unit that describe the unit itself;
// every other key of the unit is a default for each of its streams.
var unitOnlyKeys = []string{"id", "type", "name", "revision", "use_output", "meta", "data_stream", "processors", "streams", "package", "policy", "package_policy_id"}

// registerAgent makes libbeat's Agent manager available (the import's
// init) and gives it the unit transform, which seals secrets in secrets.
func registerAgent(_ *cmd.BeatsRootCmd, secrets *beater.AgentSecrets) {
	management.ConfigTransform.SetTransform(func(unit *proto.UnitExpectedConfig, info *client.AgentInfo) ([]*reload.ConfigWithMeta, error) {
		return agentTransform(unit, info, secrets)
	})
}

// agentTransform turns an input unit of type threatq into one
// configuration per stream. A stream holds the keys of the threatqbeat:
// section; keys written on the unit apply to every stream that does not set
// them, and a unit without streams is one stream. Each configuration gets,
// from libbeat's helpers, the index logs-<dataset>-<namespace> (dataset
// ti_threatq.threat unless the policy names another) and the processors
// adding data_stream.*, event.dataset and the agent's metadata;
// data_stream.namespace is set for the mapping. Secrets are sealed
// (beater.AgentSecrets): the configuration holds references, so that the
// manager's diagnostics never print them.
func agentTransform(unit *proto.UnitExpectedConfig, info *client.AgentInfo, secrets *beater.AgentSecrets) ([]*reload.ConfigWithMeta, error) {
	if unit == nil {
		return nil, errors.New("threatq input unit without configuration")
	}
	if t := unit.GetType(); t != AgentInputType {
		return nil, fmt.Errorf("threatqbeat runs inputs of type %q, this unit is of type %q", AgentInputType, t)
	}
	u, ok := gproto.Clone(unit).(*proto.UnitExpectedConfig) // the manager keeps the original
	if !ok {
		return nil, errors.New("clone unit configuration")
	}
	root := u.GetSource().AsMap()
	fillDataStream(&u.DataStream, root, "")
	defaults := map[string]any{}
	for k, v := range root {
		defaults[k] = v
	}
	for _, k := range unitOnlyKeys {
		delete(defaults, k)
	}
	if len(u.Streams) == 0 {
		u.Streams = []*proto.Stream{{Id: u.GetId()}}
	}
	namespaces := make([]string, len(u.Streams))
	for i, st := range u.Streams {
		src := map[string]any{}
		for k, v := range defaults {
			src[k] = v
		}
		for k, v := range st.GetSource().AsMap() {
			src[k] = v
		}
		if _, ok := src["id"]; !ok && st.GetId() != "" {
			src["id"] = st.GetId()
		}
		fillDataStream(&st.DataStream, src, threat.Dataset)
		s, err := structpb.NewStruct(src)
		if err != nil {
			return nil, fmt.Errorf("stream %d of unit %s: %w", i, u.GetId(), err)
		}
		st.Source = s
		namespaces[i] = namespace(u, st)
	}

	inputs, err := management.CreateInputsFromStreams(u, threat.DataStreamType, info)
	if err != nil {
		return nil, fmt.Errorf("threatq unit %s: %w", u.GetId(), err)
	}
	out := make([]*reload.ConfigWithMeta, len(inputs))
	for i, in := range inputs {
		// One data_stream key: a dotted data_stream.* key beside the map
		// would make the configuration ambiguous.
		for k := range in {
			if strings.HasPrefix(k, "data_stream.") {
				delete(in, k)
			}
		}
		in["data_stream"] = map[string]any{"namespace": namespaces[i]}
		secrets.Seal(in)
		c, err := conf.NewConfigFrom(in)
		if err != nil {
			return nil, fmt.Errorf("threatq unit %s, stream %d: %w", u.GetId(), i, err)
		}
		out[i] = &reload.ConfigWithMeta{Config: c}
	}
	return out, nil
}

// fillDataStream completes a unit's or stream's data_stream from its
// source (the agent usually sends both; a hand-written unit may only have
// the source) and, for a stream, defaults the dataset.
func fillDataStream(ds **proto.DataStream, src map[string]any, dataset string) {
	if *ds == nil {
		*ds = &proto.DataStream{}
	}
	d := *ds
	if d.Namespace == "" {
		d.Namespace = sourceString(src, "data_stream.namespace")
	}
	if d.Dataset == "" {
		d.Dataset = sourceString(src, "data_stream.dataset")
	}
	if d.Type == "" {
		d.Type = sourceString(src, "data_stream.type")
	}
	if d.Dataset == "" {
		d.Dataset = dataset
	}
}

// namespace is the data stream namespace libbeat's helpers put in the index
// (management.CreateInputsFromStreams): the stream's, unless the unit names
// one other than the default.
func namespace(u *proto.UnitExpectedConfig, st *proto.Stream) string {
	ns := management.DefaultNamespaceName
	if v := st.GetDataStream().GetNamespace(); v != "" {
		ns = v
	}
	if v := u.GetDataStream().GetNamespace(); v != "" && v != management.DefaultNamespaceName {
		ns = v
	}
	return ns
}

// sourceString reads a string at a dotted path of a source, written nested
// or with dotted keys.
func sourceString(src map[string]any, path string) string {
	v, _ := mapstr.M(src).GetValue(path)
	str, _ := v.(string)
	return str
}
