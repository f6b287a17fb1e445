package setup

import (
	"fmt"
	"net/http"
)

// RestoreQuery selects the documents of a destination (the latest
// transform's, or the alias) that the restore copies: one namespace's, and
// only those the transform's retention policy would keep (range lt
// now-1m deletes, RetentionPolicyToDeleteByQueryRequestConverter; a
// document without threatq.ioc_expired_at never expires).
func RestoreQuery(namespace string) Body {
	return Body{"bool": Body{
		"filter":   []any{Body{"term": Body{"data_stream.namespace": namespace}}},
		"must_not": []any{Body{"range": Body{"threatq.ioc_expired_at": Body{"lt": "now-1m"}}}},
	}}
}

// RestoreRequest is the body of POST /_reindex that copies the active
// indicators of a destination back into the source data stream of their
// namespace, before setup deletes or replaces the destination:
//
//   - op_type create, which a data stream requires; the data stream is
//     created by the first write if it no longer exists;
//   - pipeline _none: the source's default pipeline would set
//     event.ingested to now, and the copy of an old version would then sort
//     after a newer version the old transform had not yet copied (it lags
//     the source by its sync delay): the alias would show the old version.
//     With event.ingested kept, every copy sorts where its version did, and
//     falls in the new transform's first checkpoint (below now - delay);
//   - labels.is_ioc_transform_source left out: it is a constant_keyword,
//     "true" in the source and "false" in a destination, and a "false" would
//     be refused, or, as the first value of a new backing index, would make
//     every later source document be refused;
//   - conflicts proceed: a copy of an earlier restore with the same _id is
//     already there.
func RestoreRequest(from, namespace string) Body {
	return Body{
		"conflicts": "proceed",
		"source": Body{
			"index":   from,
			"query":   RestoreQuery(namespace),
			"_source": Body{"excludes": []any{"labels.is_ioc_transform_source"}},
		},
		"dest": Body{"index": DataStream(namespace), "op_type": "create", "pipeline": "_none"},
	}
}

// restoreNamespaces is the search listing the namespaces of a destination.
var restoreNamespaces = Body{"size": 0, "aggs": Body{"namespaces": Body{"terms": Body{"field": "data_stream.namespace", "size": 1000}}}}

// restore copies the active indicators of from (an old destination, or the
// alias) back into the source data streams, one reindex per namespace, so
// that a transform (re)built from the source finds every active indicator,
// not only those ThreatQ sent within the source's 5-6 days of retention.
// A missing from restores nothing.
func (i *Installer) restore(step Step, from string) error {
	list := call{step, "list namespaces to restore from", from, privRestore}
	status, resp, err := i.do(list, http.MethodPost, "/"+from+"/_search", nil, restoreNamespaces, http.StatusNotFound)
	if err != nil || status == http.StatusNotFound {
		return err
	}
	buckets, _ := lookup(resp, "aggregations", "namespaces", "buckets").([]any)
	for _, b := range buckets {
		ns, _ := b.(map[string]any)["key"].(string)
		if ValidateNamespace(ns) != nil {
			i.log.Warnw("not restoring documents of an invalid namespace", "index", from, "namespace", ns)
			continue
		}
		to := DataStream(ns)
		c := call{step, "restore active indicators of " + from + " into", to, privRestore}
		_, resp, err := i.do(c, http.MethodPost, "/_reindex", map[string]string{"refresh": "true", "wait_for_completion": "true"}, RestoreRequest(from, ns))
		if err != nil {
			return err
		}
		if failures, _ := lookup(resp, "failures").([]any); len(failures) > 0 {
			reason, _ := lookup(resp, "failures", "0", "cause", "reason").(string)
			return &Error{Step: step, Action: c.action, Resource: to, Method: http.MethodPost, Path: "/_reindex",
				Reason: fmt.Sprintf("%d documents not copied, first: %s", len(failures), reason), Privilege: privRestore}
		}
		i.report(fmt.Sprintf("Restored %s active indicators of %s into %s", scalar(lookup(resp, "created")), from, to))
	}
	return nil
}
