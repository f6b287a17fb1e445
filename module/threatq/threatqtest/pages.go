package threatqtest

import (
	"bufio"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// pageRequest is a validated collection request.
type pageRequest struct {
	from  position
	limit int
	drop  dropMode
}

// servePage answers GET /api/indicators/query/hash/<id>.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, id string) {
	query := r.URL.Query()
	s.mu.Lock()
	s.stats.PageRequests++
	if s.stats.Cursors == nil {
		s.stats.Cursors = make(map[string][]string)
	}
	s.stats.Cursors[id] = append(s.stats.Cursors[id], query.Get("cursorMark"))
	s.stats.LastQuery = query
	s.stats.LastHeader = r.Header.Clone()
	s.mu.Unlock()

	fault, faulty := s.takeFault(EndpointPage, id)
	if faulty && s.runFault(w, r, fault) {
		return
	}
	if !s.authorized(r) {
		s.mu.Lock()
		s.stats.Unauthorized++
		s.mu.Unlock()
		w.Header().Set("WWW-Authenticate", `Bearer realm="ThreatQ"`)
		writeErrors(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	if s.opts.RequireAcceptJSON && !acceptsJSON(r.Header.Values("Accept")) {
		writeErrors(w, http.StatusNotAcceptable, "Not Acceptable: send Accept: application/json")
		return
	}
	entries, ok := s.snapshot(id)
	if !ok {
		writeErrors(w, http.StatusNotFound, "Not Found")
		return
	}
	req, err := parsePageRequest(query)
	if err != nil {
		writeErrors(w, http.StatusBadRequest, err.Error())
		return
	}
	if faulty && fault.DropFields {
		req.drop = dropBoth
	}

	start := after(entries, req.from)
	end := min(start+req.limit, len(entries))
	page := entries[start:end]
	var next string
	switch {
	case faulty && fault.RepeatCursor:
		next = query.Get("cursorMark")
	case len(page) == 0:
		next = encodeCursor(req.from, true)
	default:
		next = encodeCursor(position{key: page[len(page)-1].key}, false)
	}

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	bw := s.bufPool.Get().(*bufio.Writer)
	bw.Reset(w)
	writePage(bw, len(entries), page, req.drop, next, req.limit, s.opts.EmptyDataAsObject)
	bw.Flush() //nolint:errcheck // the client went away; nothing to do.
	bw.Reset(nil)
	s.bufPool.Put(bw)
}

// parsePageRequest validates sort, limit, cursorMark and fields.
func parsePageRequest(q map[string][]string) (pageRequest, error) {
	req := pageRequest{limit: defaultLimit, drop: dropBoth}
	get := func(k string) (string, bool) {
		v, ok := q[k]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	}
	if sort, _ := get("sort"); sort != "updated_at" {
		return req, errors.New("sort must be updated_at (the only order this simulator serves), got " + strconv.Quote(sort))
	}
	if v, ok := get("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return req, errors.New("limit must be a positive integer, got " + strconv.Quote(v))
		}
		req.limit = min(n, maxLimit)
	}
	mark, _ := get("cursorMark")
	from, err := decodeCursor(mark)
	if err != nil {
		return req, errors.New("unable to parse cursorMark: value must be '*' or a nextCursorMark returned by a previous request")
	}
	req.from = from
	if fields, ok := q["fields"]; ok {
		all := strings.ToLower(strings.Join(fields, ","))
		wantSources := strings.Contains(all, "sources")
		wantAttributes := strings.Contains(all, "attributes")
		switch {
		case wantSources && wantAttributes:
			req.drop = dropNone
		case wantSources:
			req.drop = dropAttributes
		case wantAttributes:
			req.drop = dropSources
		}
	}
	return req, nil
}

// acceptsJSON reports whether Accept header values allow application/json.
func acceptsJSON(values []string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil || params["q"] == "0" {
				continue
			}
			switch mt {
			case "application/json", "application/*", "*/*":
				return true
			}
		}
	}
	return false
}

// writePage streams a page body from the stored bytes: no intermediate
// copy of the indicators, no allocation per indicator.
func writePage(bw *bufio.Writer, total int, page []entry, drop dropMode, next string, limit int, emptyAsObject bool) {
	bw.WriteString(`{"total":`)
	bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(total), 10))
	switch {
	case len(page) > 0:
		bw.WriteString(`,"data":[`)
		for i := range page {
			if i > 0 {
				bw.WriteByte(',')
			}
			writeIndicator(bw, &page[i], drop)
		}
		bw.WriteByte(']')
	case emptyAsObject:
		bw.WriteString(`,"data":{}`)
	default:
		bw.WriteString(`,"data":[]`)
	}
	bw.WriteString(`,"nextCursorMark":`)
	mark, _ := json.Marshal(next) // a string always encodes
	bw.Write(mark)
	bw.WriteString(`,"limit":`)
	bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(limit), 10))
	bw.WriteByte('}')
}

func writeIndicator(bw *bufio.Writer, e *entry, drop dropMode) {
	raw := e.raw
	pos := int32(0)
	for _, c := range e.cutsFor(drop) {
		if c.end > c.start {
			bw.Write(raw[pos:c.start])
			pos = c.end
		}
	}
	bw.Write(raw[pos:])
}
