package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/f0fce437/callrec/recordings"
)

type errorBody struct {
	Error struct {
		Code    recordings.Code `json:"code"`
		Message string          `json:"message"`
	} `json:"error"`
}

// writeError answers err: its code's status and message; an internal
// error's details go to the log only.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	h.writeErrorStatus(w, r, 0, err)
}

// writeErrorStatus is writeError with a status other than the code's own
// (405 for a wrong method, whose code is invalid); 0 means the code's.
func (h *Handler) writeErrorStatus(w http.ResponseWriter, r *http.Request, status int, err error) {
	code := recordings.ErrorCode(err)
	if code == "" {
		code = recordings.Internal
	}
	if status == 0 {
		status = code.HTTPStatus()
	}
	if status >= 500 {
		h.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
	} else {
		h.log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
	}
	var body errorBody
	body.Error.Code = code
	body.Error.Message = recordings.ErrorMessage(err)
	if code == recordings.Internal {
		body.Error.Message = "internal error"
	}
	writeJSON(w, status, body)
}

// writeJSON answers v as JSON with status. An error writing it means the
// client went away: there is no one left to tell.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readJSON decodes the request body (at most 64 kB) into v, refusing unknown
// fields so that a typo is an error instead of a silent no-op.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return recordings.Wrap(err, recordings.TooLarge, "request body larger than 64 kB")
		}
		return recordings.Wrap(err, recordings.Invalid, "invalid JSON body: "+err.Error())
	}
	return nil
}
