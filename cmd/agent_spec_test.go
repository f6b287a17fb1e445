package cmd_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	ucfg "github.com/elastic/go-ucfg/yaml"
	"gopkg.in/yaml.v3"
)

// The types below mirror Elastic Agent's component specification
// (github.com/elastic/elastic-agent pkg/component: spec.go, input_spec.go,
// platforms.go) with the same config tags and Validate methods, and
// loadAgentSpec loads a spec as the agent's component.LoadSpec does: go-ucfg
// reads the YAML and unpacks it, enforcing validate:"required" and min=1
// and calling each Validate.

type agentSpec struct {
	Version int              `config:"version" yaml:"version" validate:"required"`
	Inputs  []agentInputSpec `config:"inputs,omitempty" yaml:"inputs,omitempty"`
}

func (s *agentSpec) Validate() error {
	if s.Version != 2 {
		return errors.New("only version 2 is allowed")
	}
	seen := map[string][]string{}
	for i, in := range s.Inputs {
		prev, ok := seen[in.Name]
		if !ok {
			seen[in.Name] = slices.Clone(in.Platforms)
			continue
		}
		for _, p := range in.Platforms {
			if slices.Contains(prev, p) {
				return fmt.Errorf("input '%s' at inputs.%d defines the same platform as a previous definition", in.Name, i)
			}
			prev = append(prev, p)
		}
		seen[in.Name] = prev
	}
	return nil
}

type agentInputSpec struct {
	Name           string   `config:"name" yaml:"name" validate:"required"`
	Aliases        []string `config:"aliases,omitempty" yaml:"aliases,omitempty"`
	Description    string   `config:"description" yaml:"description" validate:"required"`
	Platforms      []string `config:"platforms" yaml:"platforms" validate:"required,min=1"`
	Outputs        []string `config:"outputs,omitempty" yaml:"outputs,omitempty"`
	ProxiedActions []string `config:"proxied_actions,omitempty" yaml:"proxied_actions,omitempty"`
	Shippers       []string `config:"shippers,omitempty" yaml:"shippers,omitempty"`
	Runtime        struct {
		Preventions []struct {
			Condition string `config:"condition" yaml:"condition" validate:"required"`
			Message   string `config:"message" yaml:"message" validate:"required"`
		} `config:"preventions,omitempty" yaml:"preventions,omitempty"`
	} `config:"runtime,omitempty" yaml:"runtime,omitempty"`
	Command   *agentCommandSpec `config:"command,omitempty" yaml:"command,omitempty"`
	Service   *struct{}         `config:"service,omitempty" yaml:"service,omitempty"`
	SkipGroup bool              `config:"skip_group,omitempty" yaml:"skip_group,omitempty"`
}

// agentPlatforms are component.GlobalPlatforms: <os>/<arch> pairs.
var agentPlatforms = []string{
	"container/amd64", "container/arm64", "darwin/amd64", "darwin/arm64",
	"linux/amd64", "linux/arm64", "windows/amd64",
}

func (s *agentInputSpec) Validate() error {
	if s.Command == nil && s.Service == nil {
		return fmt.Errorf("input '%s' must define either command or service", s.Name)
	}
	for i, a := range s.Platforms {
		if !slices.Contains(agentPlatforms, a) {
			return fmt.Errorf("input '%s' defines an unknown platform '%s'", s.Name, a)
		}
		if slices.Index(s.Platforms, a) != i {
			return fmt.Errorf("input '%s' defines the platform '%s' more than once", s.Name, a)
		}
	}
	if len(s.Outputs) == 0 && len(s.Shippers) == 0 {
		return fmt.Errorf("input '%s' must define at least one output or one shipper", s.Name)
	}
	for i, a := range s.Outputs {
		if slices.Index(s.Outputs, a) != i {
			return fmt.Errorf("input '%s' defines the output '%s' more than once", s.Name, a)
		}
	}
	for i, a := range s.Shippers {
		if slices.Index(s.Shippers, a) != i {
			return fmt.Errorf("input '%s' defines the shipper '%s' more than once", s.Name, a)
		}
	}
	return nil
}

type agentCommandSpec struct {
	Args []string `config:"args,omitempty" yaml:"args,omitempty"`
	Env  []struct {
		Name  string `config:"name" yaml:"name" validate:"required"`
		Value string `config:"value" yaml:"value" validate:"required"`
	} `config:"env,omitempty" yaml:"env,omitempty"`
	Timeouts struct {
		Checkin time.Duration `config:"checkin,omitempty" yaml:"checkin,omitempty"`
		Restart time.Duration `config:"restart,omitempty" yaml:"restart,omitempty"`
		Stop    time.Duration `config:"stop,omitempty" yaml:"stop,omitempty"`
	} `config:"timeouts,omitempty" yaml:"timeouts,omitempty"`
	Log struct {
		LevelKey   string   `config:"level_key,omitempty" yaml:"level_key,omitempty"`
		TimeKey    string   `config:"time_key,omitempty" yaml:"time_key,omitempty"`
		TimeFormat string   `config:"time_format,omitempty" yaml:"time_format,omitempty"`
		MessageKey string   `config:"message_key,omitempty" yaml:"message_key,omitempty"`
		IgnoreKeys []string `config:"ignore_keys,omitempty" yaml:"ignore_keys,omitempty"`
	} `config:"log,omitempty" yaml:"log,omitempty"`
	RestartMonitoringPeriod time.Duration `config:"restart_monitoring_period,omitempty" yaml:"restart_monitoring_period,omitempty"`
	MaxRestartsPerPeriod    int           `config:"maximum_restarts_per_period,omitempty" yaml:"maximum_restarts_per_period,omitempty"`
}

// loadAgentSpec loads a spec as Elastic Agent does, and also refuses keys
// the agent does not know (which it would silently ignore: a misspelt key
// is a setting that never applies).
func loadAgentSpec(data []byte) (agentSpec, error) {
	var spec agentSpec
	cfg, err := ucfg.NewConfig(data)
	if err != nil {
		return spec, err
	}
	if err := cfg.Unpack(&spec); err != nil {
		return spec, err
	}
	var strict agentSpec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&strict); err != nil {
		return spec, fmt.Errorf("unknown key: %w", err)
	}
	return spec, nil
}

// TestAgentSpecLoads checks threatqbeat.spec.yml with the agent's loader
// and the arguments Elastic's own beat specs pass.
func TestAgentSpecLoads(t *testing.T) {
	raw, err := os.ReadFile("../threatqbeat.spec.yml")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := loadAgentSpec(raw)
	if err != nil {
		t.Fatalf("threatqbeat.spec.yml: %v", err)
	}
	if len(spec.Inputs) != 1 || spec.Inputs[0].Name != "threatq" || spec.Inputs[0].Command == nil {
		t.Fatalf("want one command input named threatq: %+v", spec)
	}
	in := spec.Inputs[0]
	for _, o := range []string{"elasticsearch", "logstash", "kafka", "redis"} {
		if !slices.Contains(in.Outputs, o) {
			t.Errorf("output %s is not listed: %v", o, in.Outputs)
		}
	}
	for _, p := range []string{"linux/amd64", "linux/arm64", "windows/amd64", "darwin/arm64"} {
		if !slices.Contains(in.Platforms, p) {
			t.Errorf("platform %s is not listed: %v", p, in.Platforms)
		}
	}
	// Every setting is one -E followed by key=value, as in Elastic's
	// filebeat and cloudbeat specs; event data (the documents of failed
	// events) goes to stderr, which the agent collects, not to files.
	args := in.Command.Args
	settings := map[string]string{}
	for i := 0; i < len(args); i += 2 {
		if args[i] != "-E" || i+1 == len(args) || !strings.Contains(args[i+1], "=") {
			t.Fatalf("args must be -E key=value pairs: %q", args)
		}
		k, v, _ := strings.Cut(args[i+1], "=")
		if _, dup := settings[k]; dup {
			t.Errorf("%s is set twice", k)
		}
		settings[k] = v
	}
	for k, want := range map[string]string{
		"management.enabled":                  "true",
		"management.restart_on_output_change": "true",
		"setup.ilm.enabled":                   "false",
		"setup.template.enabled":              "false",
		"logging.to_stderr":                   "true",
		"logging.level":                       "info",
		"logging.event_data.to_stderr":        "true",
		"logging.event_data.to_files":         "false",
	} {
		if settings[k] != want {
			t.Errorf("-E %s=%s is missing (have %q)", k, want, settings[k])
		}
	}
	if in.Command.RestartMonitoringPeriod != 5*time.Second || in.Command.MaxRestartsPerPeriod != 1 || in.Command.Timeouts.Restart != time.Second {
		t.Errorf("restart settings %+v differ from the beats' (5s, 1, restart timeout 1s)", in.Command)
	}
}

// TestAgentSpecLoaderRefuses: the loader applies the agent's rules, so a
// broken spec cannot pass TestAgentSpecLoads.
func TestAgentSpecLoaderRefuses(t *testing.T) {
	const good = `version: 2
inputs:
  - name: threatq
    description: d
    platforms: [linux/amd64]
    outputs: [elasticsearch]
    command:
      args: ["-E", "management.enabled=true"]
`
	if _, err := loadAgentSpec([]byte(good)); err != nil {
		t.Fatalf("a good spec was refused: %v", err)
	}
	for _, c := range []struct{ name, from, to, want string }{
		{"version", "version: 2", "version: 1", "only version 2 is allowed"},
		{"no version", "version: 2\n", "", "version"},
		{"unknown platform", "[linux/amd64]", "[linux/ppc64le]", "unknown platform 'linux/ppc64le'"},
		{"no platform", "[linux/amd64]", "[]", "platforms"},
		{"same platform twice", "[linux/amd64]", "[linux/amd64, linux/amd64]", "more than once"},
		{"no output", "    outputs: [elasticsearch]\n", "", "at least one output or one shipper"},
		{"same output twice", "[elasticsearch]", "[elasticsearch, elasticsearch]", "the output 'elasticsearch' more than once"},
		{"no description", "    description: d\n", "", "description"},
		{"no command", "    command:\n      args: [\"-E\", \"management.enabled=true\"]\n", "", "must define either command or service"},
		{"misspelt key", "    outputs:", "    output: [kafka]\n    outputs:", "unknown key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := strings.Replace(good, c.from, c.to, 1)
			if bad == good {
				t.Fatalf("the case does not change the spec")
			}
			_, err := loadAgentSpec([]byte(bad))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}
