package httpapi

import (
	"net/http"

	"github.com/f0fce437/callrec/recordings"
)

// login answers POST /api/v1/login {"name","password"}: a local user of the
// users file logs in; the answer sets the session cookie and carries the
// CSRF token in X-CSRF-Token.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := readJSON(r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	if body.Name == "" || body.Password == "" {
		h.writeError(w, r, recordings.Errorf(recordings.Invalid, "name and password are required"))
		return
	}
	id, err := h.checkPassword(r, body.Name, body.Password)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.startSession(w, id)
}

func (h *Handler) startSession(w http.ResponseWriter, id Identity) {
	csrf := h.cfg.Sessions.start(w, id)
	w.Header().Set("X-CSRF-Token", csrf)
	writeJSON(w, http.StatusOK, toIdentityJSON(id))
}
