package httpapi

import "net/http"

// getSettings answers GET /api/v1/settings (admins).
func (h *Handler) getSettings(w http.ResponseWriter, r *http.Request, id Identity) {
	s, err := h.cfg.Service.Settings(r.Context(), id.Actor())
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSettingsJSON(s))
}
