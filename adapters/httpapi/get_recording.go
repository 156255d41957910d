package httpapi

import (
	"net/http"
)

// getRecording answers GET /api/v1/recordings/{id}: R with the streams and
// warnings of the pcap info, the call information and the notes.
func (h *Handler) getRecording(w http.ResponseWriter, r *http.Request, id Identity) {
	d, err := h.detail(r, id)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// detail gathers the detail view of the recording named in r's path.
func (h *Handler) detail(r *http.Request, id Identity) (recordingDetailJSON, error) {
	ctx, a, recID := r.Context(), id.Actor(), r.PathValue("id")
	rec, err := h.cfg.Service.Get(ctx, a, recID)
	if err != nil {
		return recordingDetailJSON{}, err
	}
	notes, err := h.cfg.Service.Notes(ctx, a, recID)
	if err != nil {
		return recordingDetailJSON{}, err
	}
	streams, err := infoStreams(rec.Media.Streams)
	if err != nil {
		// Only the detail is lost: the recording itself is still shown.
		h.log.Error("stored stream detail unreadable", "recording", rec.ID, "err", err)
	}
	warnings := rec.Media.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	d := recordingDetailJSON{
		recordingJSON: h.toJSON(rec),
		Failure:       rec.Failure,
		Streams:       streams,
		Warnings:      warnings,
		Notes:         toNotesJSON(notes),
	}
	if h.cfg.CallRecords != nil {
		if d.CDR, err = h.cfg.CallRecords(ctx, rec); err != nil {
			return recordingDetailJSON{}, err
		}
	}
	return d, nil
}
