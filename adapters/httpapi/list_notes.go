package httpapi

import "net/http"

// listNotes answers GET /api/v1/recordings/{id}/notes, oldest first.
func (h *Handler) listNotes(w http.ResponseWriter, r *http.Request, id Identity) {
	notes, err := h.cfg.Service.Notes(r.Context(), id.Actor(), r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"notes": toNotesJSON(notes)})
}
