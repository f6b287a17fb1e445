package setup

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// transforms installs the latest transform: the destination pipeline, the
// destination index behind the alias, the transform, and starts it.
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
			return i.ensureStarted()
		}
		oldDest, _ = lookup(resp, "transforms", "0", "dest", "index").(string)
		if err := i.removeTransform(have); err != nil {
			return err
		}
	}
	if err := i.destination(dest, oldDest); err != nil {
		return err
	}
	put := call{StepTransforms, "create transform", TransformID, privTransform}
	// defer_validation: the source may not exist yet (setup --transforms
	// before any data); the transform checks it when it starts.
	if _, _, err := i.do(put, http.MethodPut, path, map[string]string{"defer_validation": "true"}, i.assets.Transform); err != nil {
		return err
	}
	start := call{StepTransforms, "start transform", TransformID, privTransform}
	if _, _, err := i.do(start, http.MethodPost, path+"/_start", nil, nil); err != nil {
		return err
	}
	i.log.Infow("latest transform installed and started", "transform", TransformID, "version", want, "destination", dest)
	i.report("Transform " + TransformID + ": version " + want + " installed and started, writing to " + dest + " (alias " + Alias + ")")
	return nil
}

// removeTransform stops and deletes the installed transform of another
// version.
func (i *Installer) removeTransform(version string) error {
	path := "/_transform/" + TransformID
	stop := call{StepTransforms, "stop old transform (version " + version + ")", TransformID, privTransform}
	if _, _, err := i.do(stop, http.MethodPost, path+"/_stop", map[string]string{"force": "true", "wait_for_completion": "true"}, nil); err != nil {
		return err
	}
	del := call{StepTransforms, "delete old transform (version " + version + ")", TransformID, privTransform}
	if _, _, err := i.do(del, http.MethodDelete, path, nil, nil); err != nil {
		return err
	}
	i.report("Transform " + TransformID + ": version " + version + " stopped and deleted")
	return nil
}

// destination makes sure the destination index exists and that the alias
// points at it alone. Other indices holding the alias are old destinations
// (named DestinationPrefix*), which are deleted, or someone else's, which
// only lose the alias; oldDest, the replaced transform's destination, is
// deleted even if it no longer holds the alias. All of this is one atomic
// alias request.
func (i *Installer) destination(dest, oldDest string) error {
	holders, err := i.aliasHolders()
	if err != nil {
		return err
	}
	if !slices.Contains(holders, dest) {
		exists, err := i.indexExists(dest)
		if err != nil {
			return err
		}
		if !exists {
			fresh := len(holders) == 0 && oldDest == ""
			if err := i.createDestination(dest, fresh); err != nil {
				return err
			}
			if fresh {
				return nil
			}
		}
	}
	var actions []Body
	if !slices.Contains(holders, dest) {
		actions = append(actions, Body{"add": Body{"index": dest, "alias": Alias}})
	}
	var deleted, unaliased []string
	for _, h := range holders {
		switch {
		case h == dest:
		case strings.HasPrefix(h, DestinationPrefix):
			actions = append(actions, Body{"remove_index": Body{"index": h}})
			deleted = append(deleted, h)
		default:
			actions = append(actions, Body{"remove": Body{"index": h, "alias": Alias}})
			unaliased = append(unaliased, h)
		}
	}
	if oldDest != "" && oldDest != dest && !slices.Contains(holders, oldDest) {
		exists, err := i.indexExists(oldDest)
		if err != nil {
			return err
		}
		if exists {
			actions = append(actions, Body{"remove_index": Body{"index": oldDest}})
			deleted = append(deleted, oldDest)
		}
	}
	if len(actions) == 0 {
		return nil
	}
	move := call{StepTransforms, "point alias " + Alias + " at " + dest + " alone", Alias, privDest}
	if _, _, err := i.do(move, http.MethodPost, "/_aliases", nil, Body{"actions": actions}); err != nil {
		return err
	}
	line := "Alias " + Alias + ": moved to " + dest
	if len(deleted) > 0 {
		line += "; old destination " + strings.Join(deleted, ", ") + " deleted"
	}
	if len(unaliased) > 0 {
		line += "; removed from " + strings.Join(unaliased, ", ")
	}
	i.report(line)
	return nil
}

// createDestination creates the destination index with its explicit
// mappings, and with the alias when withAlias.
func (i *Installer) createDestination(dest string, withAlias bool) error {
	body := i.assets.DestinationCreate(withAlias)
	put := call{StepTransforms, "create transform destination", dest, privDest}
	// resource_already_exists (400) means a concurrent setup won.
	status, resp, err := i.do(put, http.MethodPut, "/"+dest, nil, body, http.StatusBadRequest)
	if err != nil {
		return err
	}
	if status == http.StatusBadRequest && lookup(resp, "error", "type") != "resource_already_exists_exception" {
		return requestError(StepTransforms, "create transform destination", dest, http.MethodPut, "/"+dest, status, resp, nil, privDest)
	}
	i.report("Transform destination " + dest + ": created")
	return nil
}

// aliasHolders returns the indices holding the alias, sorted.
func (i *Installer) aliasHolders() ([]string, error) {
	get := call{StepTransforms, "check alias", Alias, privDest}
	status, resp, err := i.do(get, http.MethodGet, "/_alias/"+Alias, nil, nil, http.StatusNotFound)
	if err != nil || status == http.StatusNotFound {
		return nil, err
	}
	var byIndex map[string]json.RawMessage
	if err := json.Unmarshal(resp, &byIndex); err != nil {
		return nil, requestError(StepTransforms, "check alias", Alias, http.MethodGet, "/_alias/"+Alias, status, resp, err, privDest)
	}
	out := make([]string, 0, len(byIndex))
	for name := range byIndex {
		out = append(out, name)
	}
	slices.Sort(out)
	return out, nil
}

func (i *Installer) indexExists(index string) (bool, error) {
	head := call{StepTransforms, "check transform destination", index, privDest}
	status, _, err := i.do(head, http.MethodHead, "/"+index, nil, nil, http.StatusNotFound)
	if err != nil {
		return false, err
	}
	return status == http.StatusOK, nil
}

// ensureStarted starts the installed transform if it is stopped.
func (i *Installer) ensureStarted() error {
	path := "/_transform/" + TransformID
	get := call{StepTransforms, "check transform state", TransformID, privTransform}
	_, resp, err := i.do(get, http.MethodGet, path+"/_stats", nil, nil)
	if err != nil {
		return err
	}
	state, _ := lookup(resp, "transforms", "0", "state").(string)
	switch state {
	case "stopped":
		start := call{StepTransforms, "start transform", TransformID, privTransform}
		if _, _, err := i.do(start, http.MethodPost, path+"/_start", nil, nil); err != nil {
			return err
		}
		i.report("Transform " + TransformID + ": started")
	case "failed":
		reason, _ := lookup(resp, "transforms", "0", "reason").(string)
		return &Error{Step: StepTransforms, Action: "check transform state", Resource: TransformID,
			Method: http.MethodGet, Path: path + "/_stats",
			Reason: "the transform has failed (" + reason + "); stop it with POST " + path + "/_stop?force=true and run setup again"}
	default:
		i.report("Transform " + TransformID + ": " + state)
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
