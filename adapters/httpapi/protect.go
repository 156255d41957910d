package httpapi

import "net/http"

// protect answers POST /api/v1/recordings/{id}/protect: the recording is
// never deleted (by anyone, retention or licence expiry) until unprotected.
func (h *Handler) protect(w http.ResponseWriter, r *http.Request, id Identity) {
	rec, err := h.cfg.Service.Protect(r.Context(), id.Actor(), r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.toJSON(rec))
}
