package httpapi

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/f0fce437/callrec/recordings"
)

// download answers GET /api/v1/recordings/{id}/download?format=wav|zip|pcap:
// the WAV, a ZIP (WAV, call information, notes and activity log) or, for
// admins, the original pcap, as an attachment.
func (h *Handler) download(w http.ResponseWriter, r *http.Request, id Identity) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "wav"
	}
	switch format {
	case "wav", "pcap":
		kind := recordings.MediaDownload
		if format == "pcap" {
			kind = recordings.MediaPCAP
		}
		f, err := h.cfg.Service.Open(r.Context(), id.Actor(), r.PathValue("id"), kind)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		defer f.Close()
		ct := "audio/wav"
		if format == "pcap" {
			ct = "application/vnd.tcpdump.pcap"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", attachment(baseName(f.Recording)+"."+format))
		http.ServeContent(w, r, "", f.ModTime, f)
	case "zip":
		h.downloadZIP(w, r, id)
	default:
		h.writeError(w, r, recordings.Errorf(recordings.Invalid, "format must be wav, zip or pcap"))
	}
}

// downloadZIP streams a ZIP of the WAV, the call information (the detail
// view as JSON), the notes and the recording's activity log.
func (h *Handler) downloadZIP(w http.ResponseWriter, r *http.Request, id Identity) {
	ctx, a, recID := r.Context(), id.Actor(), r.PathValue("id")
	detail, err := h.detail(r, id)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	var log []auditJSON
	for cursor := ""; ; {
		page, err := h.cfg.Service.AuditLog(ctx, a, recordings.AuditFilter{RecordingID: recID, Cursor: cursor, Limit: recordings.MaxPageSize})
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		log = append(log, toAuditJSON(page.Entries)...)
		if cursor = page.Next; cursor == "" || len(log) >= 100_000 {
			break
		}
	}
	// Open last: it is the audited download, and everything else has been
	// read, so the ZIP does not fail half-way for a refusal.
	f, err := h.cfg.Service.Open(ctx, a, recID, recordings.MediaDownload)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	defer f.Close()

	name := baseName(f.Recording)
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", attachment(name+".zip"))
	zw := zip.NewWriter(w)
	mod := f.ModTime
	if mod.IsZero() {
		mod = time.Now()
	}
	err = func() error {
		// The WAV is already compressed as well as it gets: store it.
		ww, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".wav", Method: zip.Store, Modified: mod})
		if err != nil {
			return err
		}
		if _, err := io.Copy(ww, f); err != nil {
			return err
		}
		for _, part := range []struct {
			name string
			v    any
		}{
			{"call-info.json", detail},
			{"notes.json", detail.Notes},
			{"activity-log.json", log},
		} {
			pw, err := zw.CreateHeader(&zip.FileHeader{Name: part.name, Method: zip.Deflate, Modified: mod})
			if err != nil {
				return err
			}
			enc := json.NewEncoder(pw)
			enc.SetIndent("", "  ")
			if err := enc.Encode(part.v); err != nil {
				return err
			}
		}
		return zw.Close()
	}()
	if err != nil {
		// Headers are gone; the truncated ZIP fails to open, which the
		// user sees. The log says why.
		h.log.Error("writing a ZIP download", "recording", recID, "err", err)
	}
}

// baseName is the download name of a recording: its file name without
// .pcap, decoded, with anything but letters, digits, '-', '_' and '.'
// replaced.
func baseName(rec *recordings.Recording) string {
	n := "recording"
	if rec != nil {
		n = strings.TrimSuffix(path.Base(displayFileName(rec.FileName)), ".pcap")
		if n == "" || n == "." || n == "/" {
			n = rec.ID
		}
	}
	return n
}

// attachment returns a Content-Disposition for a download called name: an
// ASCII fallback and, for other names, the UTF-8 name (RFC 6266, RFC 8187),
// so that nothing from the name can inject a header or a path.
func attachment(name string) string {
	safe := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
	}
	ascii := []byte(name)
	same := true
	for i, c := range ascii {
		if !safe(c) {
			ascii[i], same = '_', false
		}
	}
	if same {
		return `attachment; filename="` + name + `"`
	}
	var enc strings.Builder
	for i := 0; i < len(name); i++ {
		if c := name[i]; safe(c) {
			enc.WriteByte(c)
		} else {
			fmt.Fprintf(&enc, "%%%02X", c)
		}
	}
	return `attachment; filename="` + string(ascii) + `"; filename*=UTF-8''` + enc.String()
}
