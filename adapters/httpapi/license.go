package httpapi

import (
	"net/http"

	"github.com/f0fce437/callrec/recordings"
)

// license answers GET /api/v1/license (admins): the licensing status view.
func (h *Handler) license(w http.ResponseWriter, r *http.Request, id Identity) {
	if id.Role != recordings.RoleAdmin {
		h.writeError(w, r, recordings.Errorf(recordings.Forbidden, "only admins see the licence status"))
		return
	}
	if h.cfg.License == nil {
		h.writeError(w, r, recordings.Errorf(recordings.NotFound, "licensing is not configured"))
		return
	}
	v, err := h.cfg.License(r.Context())
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
