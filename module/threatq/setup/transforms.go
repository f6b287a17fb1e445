package setup

import (
	"net/http"
	"net/url"
)

// transforms installs the latest transform: the destination pipeline, the
// destination's index template, the destination index behind the alias,
// the transform, and starts it.
//
// An installed transform of the same _meta.version is left alone (it is
// only started if stopped). One of another version is replaced: stop and
// delete it, create the new destination, then in one atomic alias request
// point the alias at the new destination and delete the old one, so no
// indicator is ever found twice under logs-ti_*_latest*; then create and
// start the new transform, which fills the new destination from the source
// data stream (until its first checkpoint the alias shows fewer
// indicators). The alias is reconciled on every run, so a setup that
// stopped half-way (say, refused the new destination) is completed by the
// next one instead of leaving the alias on two destinations.
func (i *Installer) transforms() error {
	if err := i.pipeline(StepTransforms, DestinationPipelineID, i.assets.DestinationPipeline, modeSetup); err != nil {
		return err
	}
	if err := i.destinationTemplate(); err != nil {
		return err
	}
	path := "/_transform/" + TransformID
	get := call{StepTransforms, "check transform", TransformID, privTransform}
	status, resp, err := i.do(get, http.MethodGet, path, nil, nil, http.StatusNotFound)
	if err != nil {
		return err
	}
	want := i.assets.TransformVersion
	dest := Destination(want)
	oldDest := ""
	if status == http.StatusOK {
		have := scalar(lookup(resp, "transforms", "0", "_meta", "version"))
		if have == want {
			if err := i.destination(dest, ""); err != nil {
				return err
			}
			i.report("Transform " + TransformID + ": version " + want + " installed")
			return i.ensureStarted(StepTransforms, TransformID)
		}
		oldDest, _ = lookup(resp, "transforms", "0", "dest", "index").(string)
		if err := i.removeTransform(StepTransforms, TransformID, have); err != nil {
			return err
		}
	}
	if err := i.destination(dest, oldDest); err != nil {
		return err
	}
	if err := i.createTransform(StepTransforms, TransformID, i.assets.Transform); err != nil {
		return err
	}
	i.log.Infow("latest transform installed and started", "transform", TransformID, "version", want, "destination", dest)
	i.report("Transform " + TransformID + ": version " + want + " installed and started, writing to " + dest + " (alias " + Alias + ")")
	return nil
}

// removeTransform stops and deletes the installed transform of another
// version.
func (i *Installer) removeTransform(step Step, id, version string) error {
	path := "/_transform/" + id
	stop := call{step, "stop old transform (version " + version + ")", id, privTransform}
	if _, _, err := i.do(stop, http.MethodPost, path+"/_stop", map[string]string{"force": "true", "wait_for_completion": "true"}, nil); err != nil {
		return err
	}
	del := call{step, "delete old transform (version " + version + ")", id, privTransform}
	if _, _, err := i.do(del, http.MethodDelete, path, nil, nil); err != nil {
		return err
	}
	i.report("Transform " + id + ": version " + version + " stopped and deleted")
	return nil
}

// createTransform creates a transform and starts it. defer_validation: the
// source may not exist yet (setup --transforms before any data); the
// transform checks it when it starts.
func (i *Installer) createTransform(step Step, id string, body Body) error {
	path := "/_transform/" + id
	put := call{step, "create transform", id, privTransform}
	if _, _, err := i.do(put, http.MethodPut, path, map[string]string{"defer_validation": "true"}, body); err != nil {
		return err
	}
	start := call{step, "start transform", id, privTransform}
	_, _, err := i.do(start, http.MethodPost, path+"/_start", nil, nil)
	return err
}

// ensureStarted starts the installed transform if it is stopped.
func (i *Installer) ensureStarted(step Step, id string) error {
	path := "/_transform/" + id
	get := call{step, "check transform state", id, privTransform}
	_, resp, err := i.do(get, http.MethodGet, path+"/_stats", nil, nil)
	if err != nil {
		return err
	}
	state, _ := lookup(resp, "transforms", "0", "state").(string)
	switch state {
	case "stopped":
		start := call{step, "start transform", id, privTransform}
		if _, _, err := i.do(start, http.MethodPost, path+"/_start", nil, nil); err != nil {
			return err
		}
		i.report("Transform " + id + ": started")
	case "failed":
		reason, _ := lookup(resp, "transforms", "0", "reason").(string)
		return &Error{Step: step, Action: "check transform state", Resource: id,
			Method: http.MethodGet, Path: path + "/_stats",
			Reason: "the transform has failed (" + reason + "); stop it with POST " + path + "/_stop?force=true and run setup again"}
	default:
		i.report("Transform " + id + ": " + state)
	}
	return nil
}

// query renders request parameters as Elasticsearch receives them.
func query(params map[string]string) string {
	v := url.Values{}
	for k, p := range params {
		v.Set(k, p)
	}
	return v.Encode()
}
