package setup

import (
	"net/http"

	"github.com/elastic/elastic-agent-libs/version"
)

// lookupMinVersion is the first Elasticsearch with ES|QL LOOKUP JOIN (tech
// preview in 8.18, GA in 9.0) and the lookup index mode it joins on.
var lookupMinVersion = version.MustNew("8.18.0")

// lookupIndex installs the ES|QL lookup index: its pipeline and template,
// then the index and its transform. The index has a fixed name (LOOKUP JOIN
// before 9.1 takes no alias), so it is rebuilt in place: when the
// transform is missing or of another version, or the index is missing, the
// old transform is stopped and deleted, the active indicators of the alias
// are copied back into the source data streams (restore: so that indicators
// older than the source's retention are in the rebuilt index too), the index
// is deleted and created again with its settings and mappings, and the new
// transform fills it from the source. A current transform whose index exists
// is only started if stopped.
func (i *Installer) lookupIndex() error {
	if v := i.es.GetVersion(); v.IsValid() && !i.es.IsServerless() && v.LessThan(lookupMinVersion) {
		return &Error{Step: StepLookupIndex, Action: "check Elasticsearch version", Resource: LookupIndex, Method: http.MethodGet, Path: "/",
			Reason: "the ES|QL lookup index needs Elasticsearch 8.18 or later (index.mode lookup, LOOKUP JOIN), this cluster is " + v.String() +
				": remove --lookup-index and setup.lookup_index.enabled"}
	}
	l := i.assets.Lookup
	if err := i.pipeline(StepLookupIndex, LookupPipelineID, l.Pipeline, modeSetup); err != nil {
		return err
	}
	if err := i.indexTemplate(StepLookupIndex, LookupTemplateName, l.Template, "lookup index template", ""); err != nil {
		return err
	}
	path := "/_transform/" + LookupTransformID
	get := call{StepLookupIndex, "check transform", LookupTransformID, privTransform}
	status, resp, err := i.do(get, http.MethodGet, path, nil, nil, http.StatusNotFound)
	if err != nil {
		return err
	}
	have := ""
	if status == http.StatusOK {
		have = scalar(lookup(resp, "transforms", "0", "_meta", "version"))
	}
	exists, err := i.lookupIndexExists()
	if err != nil {
		return err
	}
	if have == l.Version && exists {
		i.report("Transform " + LookupTransformID + ": version " + have + " installed")
		return i.ensureStarted(StepLookupIndex, LookupTransformID)
	}
	if status == http.StatusOK {
		if err := i.removeTransform(StepLookupIndex, LookupTransformID, have); err != nil {
			return err
		}
	}
	if err := i.restore(StepLookupIndex, Alias); err != nil {
		return err
	}
	if exists {
		if err := i.deleteLookupIndex(); err != nil {
			return err
		}
	}
	put := call{StepLookupIndex, "create lookup index", LookupIndex, privLookup}
	if _, _, err := i.do(put, http.MethodPut, "/"+LookupIndex, nil, l.Index); err != nil {
		return err
	}
	if err := i.createTransform(StepLookupIndex, LookupTransformID, l.Transform); err != nil {
		return err
	}
	i.log.Infow("lookup transform installed and started", "transform", LookupTransformID, "version", l.Version, "index", LookupIndex)
	i.report("Transform " + LookupTransformID + ": version " + l.Version + " installed and started, writing to the lookup index " + LookupIndex)
	return nil
}

func (i *Installer) lookupIndexExists() (bool, error) {
	head := call{StepLookupIndex, "check lookup index", LookupIndex, privLookup}
	status, _, err := i.do(head, http.MethodHead, "/"+LookupIndex, nil, nil, http.StatusNotFound)
	return status == http.StatusOK, err
}

// deleteLookupIndex deletes the lookup index before it is rebuilt, unless
// threatqbeat did not create it (its mappings' _meta.managed_by is not
// ManagedBy): an index of that name that is someone else's is not touched.
func (i *Installer) deleteLookupIndex() error {
	get := call{StepLookupIndex, "check lookup index mappings", LookupIndex, privLookup}
	_, resp, err := i.do(get, http.MethodGet, "/"+LookupIndex+"/_mapping", nil, nil)
	if err != nil {
		return err
	}
	if owner, _ := lookup(resp, LookupIndex, "mappings", "_meta", "managed_by").(string); owner != ManagedBy {
		if owner == "" {
			owner = "none"
		}
		return &Error{Step: StepLookupIndex, Action: "check lookup index mappings", Resource: LookupIndex,
			Method: http.MethodGet, Path: "/" + LookupIndex + "/_mapping",
			Reason: "the index exists but threatqbeat did not create it (mappings _meta.managed_by: " + owner +
				"); delete it (DELETE /" + LookupIndex + ") or keep it and do not enable the lookup index"}
	}
	del := call{StepLookupIndex, "delete lookup index for its rebuild", LookupIndex, privLookup}
	if _, _, err := i.do(del, http.MethodDelete, "/"+LookupIndex, nil, nil); err != nil {
		return err
	}
	i.report("Lookup index " + LookupIndex + ": deleted, to be rebuilt")
	return nil
}
