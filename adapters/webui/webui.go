package webui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// Options configure a Handler.
type Options struct {
	// FrameAncestors is the CSP frame-ancestors source list: who may show
	// the apps in a frame (myApps runs apps in iframes). Default "'self'".
	FrameAncestors string
}

// Handler serves the apps' files. Mount it with the base path stripped, so
// that it sees "/innovaphone-recordings.htm". It is safe for concurrent use.
type Handler struct {
	files map[string]file
	csp   string
}

type file struct {
	data  []byte
	etag  string
	ctype string
}

// New returns a Handler.
func New(opts Options) (*Handler, error) {
	if opts.FrameAncestors == "" {
		opts.FrameAncestors = "'self'"
	}
	h := &Handler{
		files: make(map[string]file),
		csp: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; " +
			"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors " + opts.FrameAncestors,
	}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ctype := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		case ".htm":
			ctype = "text/html; charset=utf-8"
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".css":
			ctype = "text/css; charset=utf-8"
		}
		h.files["/"+strings.TrimPrefix(p, "static/")] = file{data: data, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// ServeHTTP serves one file, with the security headers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	SecurityHeaders(w.Header(), h.csp)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	f, ok := h.files[r.URL.Path]
	if !ok && path.Ext(r.URL.Path) == "" {
		// An innovaphone App object's URL names the app without .htm.
		f, ok = h.files[r.URL.Path+".htm"]
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("ETag", f.etag)
	// Revalidate every time: an upgraded server must not run old scripts.
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.data))
}

// SecurityHeaders sets the headers every answer of the apps carries.
func SecurityHeaders(hd http.Header, csp string) {
	hd.Set("Content-Security-Policy", csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
}
