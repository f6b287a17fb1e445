package setup

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// destinationTemplate installs the destination's index template
// (Assets.DestinationTemplate) when it is missing or not current: it must
// be in place before the destination is created, by setup or by the
// transform. Its pattern names the current destination only, so an upgrade
// rewrites it for the new one.
func (i *Installer) destinationTemplate() error {
	return i.indexTemplate(StepTransforms, DestinationTemplateName, i.assets.DestinationTemplate, "destination index template",
		" for "+Destination(i.assets.TransformVersion))
}

// indexTemplate installs a template of the transforms (the destination's,
// the lookup index's) when it is missing or its _meta.hash is not the
// body's; what names it in messages, detail ends the report line.
func (i *Installer) indexTemplate(step Step, name string, body Body, what, detail string) error {
	path := "/_index_template/" + name
	get := call{step, "check " + what, name, privTemplate}
	status, resp, err := i.do(get, http.MethodGet, path, nil, nil, http.StatusNotFound)
	if err != nil {
		return err
	}
	if !needsWrite(modeSetup, status, i.opts.TemplateOverwrite, hashOf(body), resp, "index_templates", "0", "index_template", "_meta", "hash") {
		i.report("Index template " + name + ": up to date")
		return nil
	}
	put := call{step, "install " + what, name, privTemplate}
	if _, _, err := i.do(put, http.MethodPut, path, nil, body); err != nil {
		return err
	}
	i.log.Infow("index template installed", "template", name)
	i.report("Index template " + name + ": installed" + detail)
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
		if exists {
			if err := i.checkOwnDestination(dest); err != nil {
				return err
			}
		} else {
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
	// An old destination may hold indicators that ThreatQ sent before the
	// source's retention: copy the active ones back into the source first,
	// so the transform rebuilding the new destination finds them. The
	// replaced transform is stopped (transforms deletes it before), so the
	// old destination no longer changes.
	for _, old := range deleted {
		if err := i.restore(StepTransforms, old); err != nil {
			return err
		}
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

// checkOwnDestination refuses to adopt an index of the destination's name
// that threatqbeat did not create (its mappings' _meta.managed_by is not
// ManagedBy): say, an old destination of the Elastic ti_threatq
// integration, whose destinations share the name pattern. Its mappings are
// not threatqbeat's, and the alias must not point at it.
func (i *Installer) checkOwnDestination(dest string) error {
	path := "/" + dest + "/_mapping"
	get := call{StepTransforms, "check transform destination mappings", dest, privDest}
	_, resp, err := i.do(get, http.MethodGet, path, nil, nil)
	if err != nil {
		return err
	}
	owner, _ := lookup(resp, dest, "mappings", "_meta", "managed_by").(string)
	if owner == ManagedBy {
		return nil
	}
	if owner == "" {
		owner = "none"
	}
	return &Error{Step: StepTransforms, Action: "check transform destination mappings", Resource: dest,
		Method: http.MethodGet, Path: path,
		Reason: "the index exists but threatqbeat did not create it (mappings _meta.managed_by: " + owner +
			"); it may be a destination of the Elastic ti_threatq integration. Delete it (DELETE /" + dest + ") and run setup again"}
}
