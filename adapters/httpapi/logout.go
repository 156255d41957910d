package httpapi

import (
	"net/http"

	"github.com/f0fce437/callrec/recordings"
)

// logout answers POST /api/v1/logout: the session ends and its cookie is
// cleared. It needs the session's CSRF token, so another site cannot log a
// user out.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if _, csrf, ok := h.cfg.Sessions.lookup(r); ok && !sameToken(r.Header.Get("X-CSRF-Token"), csrf) {
		h.writeError(w, r, recordings.Errorf(recordings.Forbidden, "missing or wrong CSRF token"))
		return
	}
	h.cfg.Sessions.end(w, r)
	w.WriteHeader(http.StatusNoContent)
}
