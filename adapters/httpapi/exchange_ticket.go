package httpapi

import (
	"net/http"

	"github.com/f0fce437/callrec/recordings"
)

// exchangeTicket answers POST /api/v1/session {"ticket"}: the page that
// logged in over the AppWebsocket (innovaphone AppLogin) trades the one-time
// ticket it got for a session cookie.
func (h *Handler) exchangeTicket(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Ticket string `json:"ticket"`
	}
	if err := readJSON(r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	id, ok := h.cfg.Sessions.redeem(body.Ticket)
	if !ok {
		h.writeError(w, r, recordings.Errorf(recordings.Unauthorized, "unknown or expired ticket"))
		return
	}
	h.startSession(w, id)
}
