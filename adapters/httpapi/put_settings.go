package httpapi

import "net/http"

// putSettings answers PUT /api/v1/settings (admins): the fields present are
// changed, each change audited, and the settings now in force returned.
func (h *Handler) putSettings(w http.ResponseWriter, r *http.Request, id Identity) {
	var body settingsUpdateJSON
	if err := readJSON(r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	u, err := body.update()
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	s, err := h.cfg.Service.UpdateSettings(r.Context(), id.Actor(), u)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSettingsJSON(s))
}
