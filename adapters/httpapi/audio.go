package httpapi

import (
	"net/http"

	"github.com/f0fce437/callrec/recordings"
)

// audio answers GET /api/v1/recordings/{id}/audio: the WAV for playing in
// the page, with byte ranges (206) so the player can seek.
func (h *Handler) audio(w http.ResponseWriter, r *http.Request, id Identity) {
	f, err := h.cfg.Service.Open(r.Context(), id.Actor(), r.PathValue("id"), recordings.MediaListen)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "audio/wav")
	// The WAV changes when the recording is converted again: let the
	// browser revalidate instead of caching it blindly.
	w.Header().Set("Cache-Control", "private, no-cache")
	if f.ETag != "" {
		w.Header().Set("ETag", f.ETag) // ServeContent answers If-None-Match and If-Range with it
	}
	http.ServeContent(w, r, "", f.ModTime, f)
}
