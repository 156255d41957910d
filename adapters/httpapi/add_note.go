package httpapi

import "net/http"

// addNote answers POST /api/v1/recordings/{id}/notes {"text"} with the notes
// of the recording, the new one last.
func (h *Handler) addNote(w http.ResponseWriter, r *http.Request, id Identity) {
	var body struct {
		Text string `json:"text"`
	}
	if err := readJSON(r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	ctx, a, recID := r.Context(), id.Actor(), r.PathValue("id")
	if _, err := h.cfg.Service.AddNote(ctx, a, recID, body.Text); err != nil {
		h.writeError(w, r, err)
		return
	}
	notes, err := h.cfg.Service.Notes(ctx, a, recID)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notes": toNotesJSON(notes)})
}
