package setup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/elastic/elastic-agent-libs/logp"
	"github.com/elastic/elastic-agent-libs/version"
)

// ESClient is what the installer needs of an Elasticsearch connection;
// libbeat's *eslegclient.Connection implements it. Request returns an error
// for every status >= 300, with the status and body still set.
type ESClient interface {
	Request(method, path string, pipeline string, params map[string]string, body interface{}) (int, []byte, error)
	GetVersion() version.V
	IsServerless() bool
}

// Steps are the parts of setup to run.
type Steps struct {
	IndexManagement bool // ILM policy or data stream lifecycle, index template, data stream
	Pipelines       bool // the source ingest pipeline
	Transforms      bool // destination pipeline, destination index and alias, latest transform
	// LookupIndex installs the ES|QL lookup index and its transform; the
	// transforms step also does with setup.lookup_index.enabled.
	LookupIndex bool
}

// All is every step: `threatqbeat setup` without flags.
func All() Steps { return Steps{IndexManagement: true, Pipelines: true, Transforms: true} }

// Any reports whether at least one step is selected.
func (s Steps) Any() bool { return s.IndexManagement || s.Pipelines || s.Transforms || s.LookupIndex }

// mode says what to do with an asset that already exists.
type mode int

const (
	// modeSetup writes an asset that is missing or whose _meta.hash is not
	// the current one (or always, with overwrite).
	modeSetup mode = iota
	// modeRun writes an asset only if it is missing: a running beat never
	// replaces what an operator installed, and needs no write privileges
	// once setup has run.
	modeRun
)

// Installer installs the assets through one Elasticsearch connection. It is
// not safe for concurrent use (neither is the connection).
type Installer struct {
	es     ESClient
	opts   Options
	assets *Assets
	log    *logp.Logger
	report func(string)
}

// NewInstaller builds the assets for the connected cluster (its version and
// flavour come from es). report, if not nil, receives one line per asset
// for the person running setup.
func NewInstaller(es ESClient, opts Options, env Env, log *logp.Logger, report func(string)) (*Installer, error) {
	if log == nil {
		log = logp.NewNopLogger()
	}
	if report == nil {
		report = func(string) {}
	}
	v := es.GetVersion()
	if v.IsValid() {
		env.ESVersion = v.String()
	}
	env.Serverless = es.IsServerless()
	a, err := Build(opts, env, log)
	if err != nil {
		return nil, err
	}
	return &Installer{es: es, opts: opts, assets: a, log: log, report: report}, nil
}

// Assets returns the bodies the installer sends.
func (i *Installer) Assets() *Assets { return i.assets }

// Setup installs the selected steps, in the order pipelines, index
// management, transforms, lookup index (the template names the pipeline,
// the transforms read the data stream, the lookup index is rebuilt with the
// alias's indicators). Assets that are current are left alone, so a
// second Setup sends no write request.
func (i *Installer) Setup(s Steps) error {
	if s.Pipelines {
		if err := i.pipeline(StepPipelines, PipelineID, i.assets.Pipeline, modeSetup); err != nil {
			return err
		}
	}
	if s.IndexManagement {
		if err := i.lifecycle(modeSetup); err != nil {
			return err
		}
		if i.opts.TemplateEnabled {
			if err := i.template(modeSetup); err != nil {
				return err
			}
			if err := i.dataStream(); err != nil {
				return err
			}
		} else {
			i.report("Index template " + TemplateName + ": not installed (setup.template.enabled is false)")
		}
	}
	if s.Transforms {
		if err := i.transforms(); err != nil {
			return err
		}
	}
	if s.LookupIndex || (s.Transforms && i.opts.LookupIndex) {
		if err := i.lookupIndex(); err != nil {
			return err
		}
	}
	return nil
}

// EnsureForRun installs what a running beat needs and is missing: the ILM
// policy, the ingest pipeline and the index template (the data stream is
// created by the first write). It is the Elasticsearch output's connect
// callback. With setup.template.enabled: false it installs only the policy.
func (i *Installer) EnsureForRun() error {
	if err := i.lifecycle(modeRun); err != nil {
		return err
	}
	if !i.opts.TemplateEnabled {
		return nil
	}
	if err := i.pipeline(StepPipelines, PipelineID, i.assets.Pipeline, modeRun); err != nil {
		return err
	}
	return i.template(modeRun)
}

// call describes one kind of request for error messages.
type call struct {
	step      Step
	action    string
	resource  string
	privilege string
}

// do sends a request. 2xx and the statuses in ok are answers; anything else
// is an *Error naming the step and the resource.
func (i *Installer) do(c call, method, path string, params map[string]string, body any, ok ...int) (int, []byte, error) {
	status, resp, err := i.es.Request(method, path, "", params, body)
	resp = bytes.Clone(resp) // the connection reuses its buffer
	if status >= 200 && status < 300 {
		return status, resp, nil
	}
	for _, s := range ok {
		if status == s {
			return status, resp, nil
		}
	}
	if err == nil {
		err = fmt.Errorf("unexpected status %d", status)
	}
	shown := path
	if q := query(params); q != "" {
		shown += "?" + q
	}
	return status, resp, requestError(c.step, c.action, c.resource, method, shown, status, resp, err, c.privilege)
}

// lifecycle installs the ILM policy (in ILM mode; the data stream lifecycle
// travels in the template).
func (i *Installer) lifecycle(m mode) error {
	if i.assets.Lifecycle != LifecycleILM {
		return nil
	}
	path := "/_ilm/policy/" + PolicyName
	get := call{StepIndexManagement, "check ILM policy", PolicyName, privILM}
	status, resp, err := i.do(get, http.MethodGet, path, nil, nil, http.StatusNotFound)
	if err != nil {
		return err
	}
	if !needsWrite(m, status, i.opts.LifecycleOverwrite, hashOf(policyOf(i.assets.Policy)), resp, PolicyName, "policy", "_meta", "hash") {
		i.report("ILM policy " + PolicyName + ": up to date")
		return nil
	}
	put := call{StepIndexManagement, "install ILM policy", PolicyName, privILM}
	if _, _, err := i.do(put, http.MethodPut, path, nil, i.assets.Policy); err != nil {
		return err
	}
	i.log.Infow("ILM policy installed", "policy", PolicyName)
	i.report("ILM policy " + PolicyName + ": installed")
	return nil
}

func (i *Installer) template(m mode) error {
	path := "/_index_template/" + TemplateName
	get := call{StepIndexManagement, "check index template", TemplateName, privTemplate}
	status, resp, err := i.do(get, http.MethodGet, path, nil, nil, http.StatusNotFound)
	if err != nil {
		return err
	}
	if !needsWrite(m, status, i.opts.TemplateOverwrite, hashOf(i.assets.Template), resp, "index_templates", "0", "index_template", "_meta", "hash") {
		i.report("Index template " + TemplateName + ": up to date")
		return nil
	}
	put := call{StepIndexManagement, "install index template", TemplateName, privTemplate}
	if _, _, err := i.do(put, http.MethodPut, path, nil, i.assets.Template); err != nil {
		return err
	}
	i.log.Infow("index template installed", "template", TemplateName)
	i.report("Index template " + TemplateName + ": installed")
	return nil
}

// dataStream creates the namespace's data stream, so it exists (and shows
// in Kibana) before the first event; with a data stream lifecycle it also
// brings an existing data stream's retention up to date.
func (i *Installer) dataStream() error {
	name := DataStream(i.opts.Namespace)
	path := "/_data_stream/" + name
	get := call{StepIndexManagement, "check data stream", name, privDataStrm}
	status, resp, err := i.do(get, http.MethodGet, path, nil, nil, http.StatusNotFound)
	if err != nil {
		return err
	}
	if status == http.StatusNotFound {
		put := call{StepIndexManagement, "create data stream", name, privDataStrm}
		if _, _, err := i.do(put, http.MethodPut, path, nil, nil); err != nil {
			return err
		}
		i.report("Data stream " + name + ": created")
		return nil
	}
	if i.assets.Lifecycle == LifecycleDSL {
		want := scalar(i.assets.DataStreamLifecycle["data_retention"])
		if got := scalar(lookup(resp, "data_streams", "0", "lifecycle", "data_retention")); got != want {
			put := call{StepIndexManagement, "update data stream lifecycle", name, privDataStrm}
			if _, _, err := i.do(put, http.MethodPut, path+"/_lifecycle", nil, i.assets.DataStreamLifecycle); err != nil {
				return err
			}
			i.report("Data stream " + name + ": retention set to " + want)
			return nil
		}
	}
	i.report("Data stream " + name + ": exists")
	return nil
}

func (i *Installer) pipeline(step Step, id string, body Body, m mode) error {
	path := "/_ingest/pipeline/" + id
	get := call{step, "check ingest pipeline", id, privPipeline}
	status, resp, err := i.do(get, http.MethodGet, path, nil, nil, http.StatusNotFound)
	if err != nil {
		return err
	}
	if !needsWrite(m, status, false, hashOf(body), resp, id, "_meta", "hash") {
		i.report("Ingest pipeline " + id + ": up to date")
		return nil
	}
	put := call{step, "install ingest pipeline", id, privPipeline}
	if _, _, err := i.do(put, http.MethodPut, path, nil, body); err != nil {
		return err
	}
	i.log.Infow("ingest pipeline installed", "pipeline", id)
	i.report("Ingest pipeline " + id + ": installed")
	return nil
}

// needsWrite decides whether an asset found with status (200 or 404) must
// be written. want is the _meta.hash of the body to install; hashPath leads
// to the installed one's in the GET response.
func needsWrite(m mode, status int, overwrite bool, want string, resp []byte, hashPath ...string) bool {
	if status == http.StatusNotFound {
		return true
	}
	if m == modeRun {
		return false
	}
	return overwrite || scalar(lookup(resp, hashPath...)) != want
}

// hashOf returns _meta.hash of a body built by Build.
func hashOf(b Body) string {
	meta, _ := b["_meta"].(Body)
	return scalar(meta["hash"])
}

// policyOf returns the "policy" member of an ILM policy body.
func policyOf(b Body) Body {
	p, _ := b["policy"].(Body)
	return p
}

// lookup follows keys (object members, or array indexes as decimal strings)
// through a JSON document; nil when any step is missing.
func lookup(doc []byte, keys ...string) any {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return nil
	}
	for _, k := range keys {
		switch c := v.(type) {
		case map[string]any:
			v = c[k]
		case []any:
			var n int
			if _, err := fmt.Sscanf(k, "%d", &n); err != nil || n < 0 || n >= len(c) {
				return nil
			}
			v = c[n]
		default:
			return nil
		}
	}
	return v
}
