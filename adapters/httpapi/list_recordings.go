package httpapi

import (
	"net/http"
	"time"

	"github.com/f0fce437/callrec/recordings"
)

// listRecordings answers GET /api/v1/recordings: a user's own accessible
// recordings, or for an admin all, newest first, a page at a time.
func (h *Handler) listRecordings(w http.ResponseWriter, r *http.Request, id Identity) {
	f, err := parseFilter(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	page, err := h.cfg.Service.List(r.Context(), id.Actor(), f)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := struct {
		Recordings []recordingJSON `json:"recordings"`
		Next       string          `json:"next"`
	}{Recordings: make([]recordingJSON, 0, len(page.Recordings)), Next: page.Next}
	for _, rec := range page.Recordings {
		out.Recordings = append(out.Recordings, h.toJSON(rec))
	}
	writeJSON(w, http.StatusOK, out)
}

func parseFilter(r *http.Request) (recordings.Filter, error) {
	q := r.URL.Query()
	f := recordings.Filter{Text: q.Get("q"), Cursor: q.Get("cursor")}
	if q.Has("owner") {
		owner := q.Get("owner")
		f.Owner = &owner
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if s := q.Get(p.name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return f, recordings.Errorf(recordings.Invalid, "%s must be an RFC 3339 time, like 2026-01-02T15:04:05Z", p.name)
			}
			*p.dst = t
		}
	}
	if d := recordings.Direction(q.Get("direction")); d != "" {
		if !d.Valid() {
			return f, recordings.Errorf(recordings.Invalid, "direction must be in, out or internal")
		}
		f.Direction = d
	}
	if s := recordings.Status(q.Get("status")); s != "" {
		if !s.Valid() {
			return f, recordings.Errorf(recordings.Invalid, "unknown status %q", s)
		}
		f.Status = s
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return f, err
	}
	f.Limit = min(limit, recordings.MaxPageSize)
	return f, nil
}
