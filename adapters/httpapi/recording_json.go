package httpapi

import (
	"bytes"
	"encoding/json"
	"net/url"
	"time"

	"github.com/f0fce437/callrec/recordings"
)

// recordingJSON is R of the REST contract.
type recordingJSON struct {
	ID           string   `json:"id"`
	FileName     string   `json:"file_name"`
	Owner        string   `json:"owner"`
	OwnerDisplay string   `json:"owner_display"`
	Remote       string   `json:"remote"`
	Direction    string   `json:"direction"`
	External     bool     `json:"external"`
	Start        string   `json:"start"`
	DurationMS   int64    `json:"duration_ms"`
	Status       string   `json:"status"`
	Partial      bool     `json:"partial"`
	NoCDR        bool     `json:"no_cdr"`
	Pending      bool     `json:"pending"`
	Accessible   bool     `json:"accessible"`
	Protected    bool     `json:"protected"`
	Codecs       []string `json:"codecs"`
}

// recordingDetailJSON is R plus the detail of GET /api/v1/recordings/{id}:
// the pcap info's streams and warnings (both [] before conversion).
type recordingDetailJSON struct {
	recordingJSON
	Failure  string            `json:"failure,omitempty"` // why conversion failed
	Streams  []json.RawMessage `json:"streams"`
	Warnings []string          `json:"warnings"`
	CDR      any               `json:"cdr"`
	Notes    []noteJSON        `json:"notes"`
}

// infoStreams returns the stream objects of the converter's stored detail
// (recordings.Media.Streams), verbatim: the array of S that pcapconv
// stores, or, in recordings converted before it did, the whole pcap info
// object {"streams":[S...],"warnings":[...]}. Anything else, or nothing,
// gives none. It is the one reader of the stored detail.
func infoStreams(detail json.RawMessage) ([]json.RawMessage, error) {
	streams := []json.RawMessage{}
	detail = bytes.TrimSpace(detail)
	switch {
	case len(detail) == 0 || bytes.Equal(detail, []byte("null")):
		return streams, nil
	case detail[0] == '[':
		err := json.Unmarshal(detail, &streams)
		return streams, err
	}
	var info struct {
		Streams []json.RawMessage `json:"streams"`
	}
	if err := json.Unmarshal(detail, &info); err != nil {
		return streams, err
	}
	if info.Streams != nil {
		streams = info.Streams
	}
	return streams, nil
}

type noteJSON struct {
	ID     int64  `json:"id"`
	Author string `json:"author"`
	Time   string `json:"time"`
	Text   string `json:"text"`
}

func (h *Handler) toJSON(r *recordings.Recording) recordingJSON {
	codecs := r.Media.Codecs
	if codecs == nil {
		codecs = []string{}
	}
	return recordingJSON{
		ID:           r.ID,
		FileName:     displayFileName(r.FileName),
		Owner:        r.Owner,
		OwnerDisplay: h.ownerDisplay(r.Owner),
		Remote:       remote(r.RemoteName, r.RemoteNumber),
		Direction:    string(r.Direction),
		External:     r.External,
		Start:        formatTime(r.Start),
		DurationMS:   r.Media.Duration.Milliseconds(),
		Status:       string(r.Status),
		Partial:      r.Partial,
		NoCDR:        r.NoCDR(),
		Pending:      r.Pending(),
		Accessible:   r.Accessible(),
		Protected:    r.Protected,
		Codecs:       codecs,
	}
}

func (h *Handler) ownerDisplay(owner string) string {
	if owner == "" {
		return ""
	}
	return h.cfg.DisplayName(owner)
}

// displayFileName is the uploaded name with its URL escapes decoded (a
// registration name like J%C3%BCrgen reads Jürgen); the raw name when it
// does not decode.
func displayFileName(name string) string {
	if d, err := url.PathUnescape(name); err == nil {
		return d
	}
	return name
}

// remote writes the far party as "name (number)", or whichever is known.
func remote(name, number string) string {
	switch {
	case name != "" && number != "" && name != number:
		return name + " (" + number + ")"
	case name != "":
		return name
	}
	return number
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func toNotesJSON(notes []recordings.Note) []noteJSON {
	out := make([]noteJSON, 0, len(notes))
	for _, n := range notes {
		out = append(out, noteJSON{ID: n.ID, Author: n.Author, Time: formatTime(n.Time), Text: n.Text})
	}
	return out
}
