package webdav

import (
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/f0fce437/callrec/recordings"
)

// Ingester stores one upload; *recordings.Service is one. An empty upload
// is a placeholder: Ingest returns a nil recording and no error, and the
// handler answers 201 as for any stored upload.
type Ingester interface {
	Ingest(ctx context.Context, name string, body io.Reader, size int64) (*recordings.Recording, error)
}

var _ Ingester = (*recordings.Service)(nil)

// Options configure a Handler; the zero value is usable.
type Options struct {
	// Logger receives one line per refused upload (default: discard; the
	// service traces the uploads themselves).
	Logger *slog.Logger
	// Auth wraps every request (authentication); nil lets all through.
	Auth func(http.Handler) http.Handler
}

// Handler serves the Files collection. Mount it with the collection's path
// stripped, e.g. http.StripPrefix(base+"/Files", h). It is safe for
// concurrent use.
type Handler struct {
	ingest Ingester
	log    *slog.Logger
	next   http.Handler
}

// New returns a Handler feeding ing.
func New(ing Ingester, opts Options) *Handler {
	h := &Handler{ingest: ing, log: opts.Logger}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.next = http.HandlerFunc(h.serve)
	if opts.Auth != nil {
		h.next = opts.Auth(h.next)
	}
	return h
}

// ServeHTTP answers one request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.next.ServeHTTP(w, r) }

const allow = "OPTIONS, PROPFIND, PUT"

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodOptions:
		w.Header().Set("DAV", "1")
		w.Header().Set("MS-Author-Via", "DAV")
		w.Header().Set("Allow", allow)
		w.WriteHeader(http.StatusOK)
	case "PROPFIND":
		h.propfind(w, r)
	case http.MethodPut:
		h.put(w, r)
	default:
		w.Header().Set("Allow", allow)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// propfind describes the collection itself (Depth 0 or 1: it shows no
// members) and nothing else.
func (h *Handler) propfind(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 64<<10))
	if p := r.URL.EscapedPath(); p != "/" && p != "" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	var href strings.Builder
	_ = xml.EscapeText(&href, []byte(collectionPath(r)))
	w.Header().Set("Content-Type", `application/xml; charset="utf-8"`)
	w.WriteHeader(http.StatusMultiStatus)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:"><D:response><D:href>`+href.String()+`</D:href><D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>
`)
}

// collectionPath is the absolute path of the collection as the client
// asked for it (the request's path before any prefix was stripped), in
// the trailing-slash form of a collection (RFC 4918 sections 5.2, 8.3).
func collectionPath(r *http.Request) string {
	p := r.URL.EscapedPath()
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && u.Path != "" {
		p = u.EscapedPath()
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

func (h *Handler) put(w http.ResponseWriter, r *http.Request) {
	// The raw (still URL-encoded) name: the file-name grammar decodes the
	// registration name itself, and an encoded "/" must stay visible.
	name := strings.TrimPrefix(r.URL.EscapedPath(), "/")
	if strings.Contains(name, "/") {
		h.refuse(w, r, name, recordings.Errorf(recordings.Invalid, "file name %q holds a path separator", name))
		return
	}
	rec, err := h.ingest.Ingest(r.Context(), name, r.Body, r.ContentLength)
	if err != nil {
		if rec != nil {
			h.log.Warn("upload incomplete, kept as partial", "file", name, "recording", rec.ID, "err", err)
		}
		h.refuse(w, r, name, err)
		return
	}
	w.Header().Set("Location", r.URL.EscapedPath())
	w.WriteHeader(http.StatusCreated)
}

func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, name string, err error) {
	c := recordings.ErrorCode(err)
	status := c.HTTPStatus()
	if status >= 500 && status != http.StatusInsufficientStorage {
		h.log.Error("upload failed", "file", name, "remote", r.RemoteAddr, "err", err)
	} else {
		h.log.Warn("upload refused", "file", name, "remote", r.RemoteAddr, "code", c, "err", err)
	}
	if status == http.StatusRequestEntityTooLarge {
		w.Header().Set("Connection", "close") // do not read the rest
	}
	http.Error(w, recordings.ErrorMessage(err), status)
}

// RefuseDotSegments answers 400 to a request under prefix (an escaped
// path) whose path as sent holds a literal "." or ".." segment, and passes
// every other request to next. Mount it in front of an http.ServeMux: the
// mux would clean such a path and answer a redirect before the Handler sees
// it. Encoded ones ("%2e%2e%2f") reach the Handler, which the service's
// file-name rule refuses, so a name holding ".." is refused (400) however
// it is written.
func RefuseDotSegments(prefix string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.EscapedPath(), prefix); ok {
			for seg := range strings.SplitSeq(rest, "/") {
				if seg == "." || seg == ".." {
					http.Error(w, `file name holds a path separator, ".." or NUL`, http.StatusBadRequest)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
