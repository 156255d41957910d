package httpapi

import "net/http"

// deleteRecording answers DELETE /api/v1/recordings/{id}: 204, or 409
// protected while the recording is protected.
func (h *Handler) deleteRecording(w http.ResponseWriter, r *http.Request, id Identity) {
	if err := h.cfg.Service.Delete(r.Context(), id.Actor(), r.PathValue("id")); err != nil {
		h.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
