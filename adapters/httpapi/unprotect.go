package httpapi

import "net/http"

// unprotect answers POST /api/v1/recordings/{id}/unprotect.
func (h *Handler) unprotect(w http.ResponseWriter, r *http.Request, id Identity) {
	rec, err := h.cfg.Service.Unprotect(r.Context(), id.Actor(), r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.toJSON(rec))
}
