package httpapi

import "net/http"

// me answers GET /api/v1/me: who the session or credentials stand for.
func (h *Handler) me(w http.ResponseWriter, r *http.Request, id Identity) {
	writeJSON(w, http.StatusOK, toIdentityJSON(id))
}
