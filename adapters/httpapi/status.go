package httpapi

import "net/http"

// status answers GET /api/v1/status (any user): what both apps show in
// their banner, {"pbx_name_missing"}. It is an addition to the REST
// contract: users may not read the settings, yet both apps say "PBX name
// missing" until an admin sets it.
func (h *Handler) status(w http.ResponseWriter, r *http.Request, _ Identity) {
	missing := false
	if h.cfg.PBXNameMissing != nil {
		var err error
		if missing, err = h.cfg.PBXNameMissing(r.Context()); err != nil {
			h.writeError(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, struct {
		PBXNameMissing bool `json:"pbx_name_missing"`
	}{missing})
}
