package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/elastic/beats/v7/libbeat/beat"
	"github.com/elastic/beats/v7/libbeat/dashboards"
	conf "github.com/elastic/elastic-agent-libs/config"
	"github.com/elastic/elastic-agent-libs/paths"
)

// importDashboards is threatqbeat's `setup --dashboards`: it imports the
// saved objects of <path.home>/kibana/7 (setup.dashboards.directory) into
// the Kibana of setup.kibana, as libbeat's step does, except that it does
// not add the data view libbeat generates from fields.yml
// ("threatqbeat-*", which matches no index: events go to
// logs-ti_threatq.threat-*). The dashboards bring their own data views.
//
// Like libbeat, it uses output.elasticsearch's username, password and
// api_key when setup.kibana has none.
func importDashboards(ctx context.Context, info beat.Info, home *paths.Path, root *conf.C, out io.Writer) error {
	var cfg struct {
		Dashboards *conf.C        `config:"setup.dashboards"`
		Kibana     *conf.C        `config:"setup.kibana"`
		Output     conf.Namespace `config:"output"`
	}
	if root != nil {
		if err := root.Unpack(&cfg); err != nil {
			return fmt.Errorf("read setup.dashboards and setup.kibana: %w", err)
		}
	}
	dash := cfg.Dashboards
	if dash == nil {
		dash = conf.NewConfig()
	}
	// --dashboards implies setup.dashboards.enabled, as in libbeat.
	if err := dash.SetBool("enabled", -1, true); err != nil {
		return fmt.Errorf("set setup.dashboards.enabled: %w", err)
	}
	fmt.Fprintln(out, "Loading dashboards (Kibana must be running and reachable)")
	err := dashboards.ImportDashboards(ctx, info, home.Resolve(paths.Home, ""), kibanaConfig(cfg.Kibana, cfg.Output), dash, nil, nil)
	var notFound *dashboards.ErrNotFound
	switch {
	case errors.As(err, &notFound):
		fmt.Fprintf(out, "Skipping loading dashboards, %+v\n", err)
	case err != nil:
		return fmt.Errorf("import the Kibana dashboards: %w", err)
	default:
		fmt.Fprintln(out, "Loaded dashboards")
	}
	return nil
}

// kibanaConfig is setup.kibana completed with the Elasticsearch output's
// credentials it lacks (libbeat's instance.InitKibanaConfig).
func kibanaConfig(kibana *conf.C, output conf.Namespace) *conf.C {
	if kibana == nil {
		kibana = conf.NewConfig()
	}
	if output.Name() != "elasticsearch" || !output.Config().Enabled() {
		return kibana
	}
	es := output.Config()
	for _, key := range []string{"username", "password", "api_key"} {
		if v, _ := es.String(key, -1); v != "" && !kibana.HasField(key) {
			_ = kibana.SetString(key, -1, v)
		}
	}
	return kibana
}
