package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/elastic/beats/v7/libbeat/beat"
	libcmd "github.com/elastic/beats/v7/libbeat/cmd"
	"github.com/elastic/beats/v7/libbeat/cmd/instance"
	"github.com/elastic/beats/v7/libbeat/esleg/eslegclient"
	"github.com/elastic/beats/v7/libbeat/idxmgmt"
	"github.com/elastic/beats/v7/libbeat/outputs/elasticsearch"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/logp"

	"github.com/threatqbeat/threatqbeat/module/threatq/setup"
)

// transformsFlag is setup's flag for the latest transform step.
const transformsFlag = "transforms"

// lookupIndexFlag is setup's flag for the ES|QL lookup index step.
const lookupIndexFlag = "lookup-index"

// esAssets wires threatqbeat's Elasticsearch asset installer
// (module/threatq/setup) into libbeat's commands. libbeat hands out what it
// needs in three places, in this order: the setup command's flags (PreRun),
// the root configuration (the index-management factory, called while the
// beat initialises) and the beat (the Creator). One esAssets per root
// command carries them from one to the next; nothing is package-level.
//
// setup: libbeat runs everything when none of its setup flags is set, and
// only calls the beat back for --pipelines (OverwritePipelinesCallback). So
// setupPreRun records which of threatqbeat's steps were asked for
// (--index-management, --pipelines, --transforms, or all), then leaves libbeat
// only --pipelines, and the callback installed by the Creator runs the
// recorded steps through one connection built from output.elasticsearch.
//
// run: the Creator registers an Elasticsearch output connect callback that
// installs what is missing (setup.Installer.EnsureForRun), and the
// index-management support selects logs-ti_threatq.threat-<namespace>.
type esAssets struct {
	settings   instance.Settings
	out        io.Writer      // where setup reports progress
	steps      setup.Steps    // chosen by setup's flags
	dashboards bool           // setup --dashboards (dashboards.go)
	opts       *setup.Options // read from the root configuration
	root       *conf.C        // the root configuration, for the dashboards
}

// newESAssets returns the wiring for settings, whose IndexManagement it
// replaces with one that also records the options for the Creator.
func newESAssets(settings instance.Settings) *esAssets {
	e := &esAssets{out: os.Stdout}
	settings.IndexManagement = e.indexManagement
	e.settings = settings
	return e
}

// indexManagement is libbeat's index-management factory.
func (e *esAssets) indexManagement(log *logp.Logger, info beat.Info, root *conf.C) (idxmgmt.Supporter, error) {
	s, err := setup.NewSupporter(log, info, root)
	if err != nil {
		return nil, err
	}
	opts := s.Options()
	e.opts = &opts
	e.root = root
	return s, nil
}

// options returns the options read from the configuration.
func (e *esAssets) options() setup.Options {
	if e.opts == nil {
		return setup.DefaultOptions()
	}
	return *e.opts
}

// creator wraps the beat's Creator. Under `setup` it installs the setup
// callback and returns a Beater that does nothing, so setup needs no
// ThreatQ settings; otherwise it registers the run-time connect callback
// and creates the real Beater.
func (e *esAssets) creator(next beat.Creator) beat.Creator {
	return func(b *beat.Beat, raw *conf.C) (beat.Beater, error) {
		if b.InSetupCmd {
			if e.dashboards {
				if err := importDashboards(context.Background(), b.Info, b.Paths, e.root, e.out); err != nil {
					return nil, err
				}
			}
			if e.steps.Any() {
				b.OverwritePipelinesCallback = e.setupCallback(b)
			}
			return setupOnly{}, nil
		}
		if err := e.registerRunCallback(b); err != nil {
			return nil, err
		}
		return next(b, raw)
	}
}

func env(b *beat.Beat) setup.Env {
	return setup.Env{Fields: b.Fields, BeatVersion: b.Info.Version, ElasticLicensed: b.Info.ElasticLicensed}
}

// setupCallback runs the steps chosen by setup's flags.
func (e *esAssets) setupCallback(b *beat.Beat) beat.OverwritePipelinesCallback {
	return func(esCfg *conf.C) error {
		if b.Config == nil || b.Config.Output.Name() != "elasticsearch" {
			return errors.New("setup needs the Elasticsearch output: configure output.elasticsearch (or pass -E output.elasticsearch.hosts=[...])")
		}
		log := b.Info.Logger
		if log == nil {
			log = logp.NewLogger(Name)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		conn, err := eslegclient.NewConnectedClient(ctx, esCfg, b.Info.Beat, log)
		if err != nil {
			return fmt.Errorf("setup: %w", err)
		}
		defer conn.Close()
		inst, err := setup.NewInstaller(conn, e.options(), env(b), log.Named("setup"), func(line string) {
			fmt.Fprintln(e.out, line)
		})
		if err != nil {
			return fmt.Errorf("setup: %w", err)
		}
		return inst.Setup(e.steps)
	}
}

// registerRunCallback makes every connection of the Elasticsearch output
// first install the assets that are missing (nothing when
// setup.template.enabled and setup.ilm.enabled are both false).
func (e *esAssets) registerRunCallback(b *beat.Beat) error {
	opts := e.options()
	if !opts.TemplateEnabled && opts.Lifecycle != setup.LifecycleILM {
		return nil
	}
	ev := env(b)
	_, err := elasticsearch.RegisterConnectCallback(func(conn *eslegclient.Connection, log *logp.Logger) error {
		inst, err := setup.NewInstaller(conn, opts, ev, log.Named("assets"), nil)
		if err == nil {
			err = inst.EnsureForRun()
		}
		if err != nil {
			return fmt.Errorf("install missing Elasticsearch assets (run `threatqbeat setup` with a privileged user, or set setup.template.enabled and setup.ilm.enabled to false): %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("register Elasticsearch connect callback: %w", err)
	}
	return nil
}

// addSetupFlags adds --transforms to setup and the PreRun mapping threatqbeat's
// steps onto libbeat's flags.
func (e *esAssets) addSetupFlags(root *libcmd.BeatsRootCmd) {
	sc := root.SetupCmd
	sc.Short = "Set up the index template, lifecycle, ingest pipeline and latest transform in Elasticsearch"
	sc.Long = `setup installs, through output.elasticsearch:

 * --index-management: the ILM policy (or data stream lifecycle) deleting source data
   after 5 days, the index template logs-ti_threatq.threat and the data stream
   logs-ti_threatq.threat-<namespace>;
 * --pipelines: the ingest pipeline logs-ti_threatq.threat;
 * --transforms: the latest transform logs-ti_threatq.latest_ioc, its destination
   index and the alias logs-ti_threatq_latest.threat (active indicators);
 * --lookup-index: the ES|QL lookup index ti_threatq-lookup (one document per
   active indicator, joined on its value by LOOKUP JOIN; Elasticsearch 8.18 or later) and its
   transform logs-ti_threatq.lookup_ioc. --transforms also installs it when
   setup.lookup_index.enabled is true.

Without flags it installs everything (the lookup index with
setup.lookup_index.enabled). Installed assets that are current are left
alone; a new transform version replaces the old transform and destination.
See docs/elasticsearch.md.
`
	sc.Flags().Bool(transformsFlag, false, "Set up the latest transform, its destination index and alias")
	sc.Flags().Bool(lookupIndexFlag, false, "Set up the ES|QL lookup index "+setup.LookupIndex+" and its transform")
	prev := sc.PreRun
	sc.PreRun = func(c *cobra.Command, args []string) {
		if prev != nil {
			prev(c, args)
		}
		e.out = c.OutOrStdout()
		e.steps = stepsFromFlags(c)
		e.dashboards, _ = c.Flags().GetBool(libcmd.DashboardKey)
		// libbeat then does nothing itself but call the Creator, which
		// imports the dashboards (libbeat's own step would add a data view
		// for the index "threatqbeat-*", which does not exist), and
		// OverwritePipelinesCallback, which runs e.steps. --pipelines keeps
		// libbeat from running all its steps when no flag is left.
		_ = c.Flags().Set(libcmd.IndexManagementKey, "false")
		_ = c.Flags().Set(libcmd.DashboardKey, "false")
		if e.steps.Any() || e.dashboards {
			_ = c.Flags().Set(libcmd.PipelineKey, "true")
		}
	}
}

// stepsFromFlags applies libbeat's rule: without any setup flag, everything.
func stepsFromFlags(c *cobra.Command) setup.Steps {
	set := func(name string) bool {
		v, _ := c.Flags().GetBool(name)
		return v
	}
	s := setup.Steps{
		IndexManagement: set(libcmd.IndexManagementKey),
		Pipelines:       set(libcmd.PipelineKey),
		Transforms:      set(transformsFlag),
		LookupIndex:     set(lookupIndexFlag),
	}
	others := set(libcmd.DashboardKey) || set(libcmd.EnableAllFilesetsKey) || set(libcmd.ForceEnableModuleFilesets)
	if !s.Any() && !others {
		return setup.All()
	}
	return s
}

// setupOnly is the Beater of the setup command, which never runs it.
type setupOnly struct{}

func (setupOnly) Run(*beat.Beat) error { return nil }
func (setupOnly) Stop()                {}
