package httpapi

import (
	"net/http"

	"github.com/f0fce437/callrec/recordings"
)

type auditJSON struct {
	Time      string `json:"time"`
	Actor     string `json:"actor"`
	Action    string `json:"action"`
	Recording string `json:"recording"`
	Detail    string `json:"detail"`
}

func toAuditJSON(entries []recordings.AuditEntry) []auditJSON {
	out := make([]auditJSON, 0, len(entries))
	for _, e := range entries {
		out = append(out, auditJSON{Time: formatTime(e.Time), Actor: e.Actor, Action: string(e.Action), Recording: e.RecordingID, Detail: e.Detail})
	}
	return out
}

// logs answers GET /api/v1/logs?recording=&limit=&cursor=: the activity log,
// newest first; a user sees the entries about their own recordings.
func (h *Handler) logs(w http.ResponseWriter, r *http.Request, id Identity) {
	limit, err := queryInt(r, "limit")
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	page, err := h.cfg.Service.AuditLog(r.Context(), id.Actor(), recordings.AuditFilter{
		RecordingID: q.Get("recording"), Cursor: q.Get("cursor"), Limit: min(limit, recordings.MaxPageSize),
	})
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Entries []auditJSON `json:"entries"`
		Next    string      `json:"next"`
	}{toAuditJSON(page.Entries), page.Next})
}
