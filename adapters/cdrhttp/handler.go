package cdrhttp

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/f0fce437/callrec/cdr"
)

// Ingester takes a body of CDRs in and returns once they are durably stored;
// *cdr.Service is one.
type Ingester interface {
	Ingest(ctx context.Context, r io.Reader) (cdr.IngestResult, error)
}

var _ Ingester = (*cdr.Service)(nil)

// DefaultMaxBytes bounds a request body: a PBX buffers at most 300 kB of CDRs
// per interface.
const DefaultMaxBytes = 4 << 20

// Config configures a Handler.
type Config struct {
	// User and Password are the Basic credentials the PBX's CDR interface
	// is configured with. While User is empty every request is refused
	// (401) unless Anonymous is set.
	User, Password string
	// Anonymous accepts requests without credentials. Only for a PBX on a
	// trusted network that cannot authenticate.
	Anonymous bool
	// MaxBytes bounds the body; 0 means DefaultMaxBytes.
	MaxBytes int64
	// Realm names the protected space in WWW-Authenticate; default "callrec CDR".
	Realm string
	// Logger receives failures and rejected requests; default: discard.
	Logger *slog.Logger
}

// Handler is the CDR intake endpoint. It is safe for concurrent use.
type Handler struct {
	in        Ingester
	user, pw  [sha256.Size]byte
	hasCreds  bool
	anonymous bool
	max       int64
	challenge string
	log       *slog.Logger
}

// NewHandler returns a Handler feeding in.
func NewHandler(in Ingester, cfg Config) *Handler {
	h := &Handler{
		in:        in,
		user:      sha256.Sum256([]byte(cfg.User)),
		pw:        sha256.Sum256([]byte(cfg.Password)),
		hasCreds:  cfg.User != "",
		anonymous: cfg.Anonymous,
		max:       cfg.MaxBytes,
		log:       cfg.Logger,
	}
	if h.max <= 0 {
		h.max = DefaultMaxBytes
	}
	realm := cfg.Realm
	if realm == "" {
		realm = "callrec CDR"
	}
	h.challenge = fmt.Sprintf(`Basic realm=%q, charset="UTF-8"`, realm)
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", h.challenge)
		h.reply(w, http.StatusUnauthorized, "unauthorized")
		return
	}
	switch r.Method {
	case http.MethodPost:
		if r.ContentLength > h.max {
			h.reply(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body over %d bytes", h.max))
			return
		}
		h.ingest(w, r, &limitReader{r: r.Body, left: h.max})
	case http.MethodGet, http.MethodHead:
		h.legacy(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		h.reply(w, http.StatusMethodNotAllowed, "method not allowed")
	}
}

// legacy handles GET ?event=syslog&msg=<url-encoded XML>. Other events and
// messages that are not XML (gateway log lines) are acknowledged and dropped,
// as the PBX would otherwise resend them for ever.
func (h *Handler) legacy(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	event, msg := q.Get("event"), q.Get("msg")
	if event == "" && msg == "" {
		h.reply(w, http.StatusBadRequest, "expected POST with XML CDRs, or GET with event=syslog&msg=<XML>")
		return
	}
	if event != "syslog" || !strings.HasPrefix(strings.TrimSpace(msg), "<") {
		h.log.Debug("legacy CDR request ignored: not an XML CDR", "event", event, "msg_bytes", len(msg))
		h.reply(w, http.StatusOK, "ignored")
		return
	}
	if int64(len(msg)) > h.max {
		h.reply(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("msg over %d bytes", h.max))
		return
	}
	h.ingest(w, r, strings.NewReader(msg))
}

func (h *Handler) ingest(w http.ResponseWriter, r *http.Request, body io.Reader) {
	res, err := h.in.Ingest(r.Context(), body)
	switch {
	case err == nil:
		h.reply(w, http.StatusOK, fmt.Sprintf("ok: %d CDRs, %d new", res.CDRs, res.Added))
	case errors.Is(err, cdr.ErrTooLarge):
		h.log.Warn("CDR body too large", "remote", r.RemoteAddr, "error", err, "stored", res.Added)
		h.reply(w, http.StatusRequestEntityTooLarge, err.Error())
	case cdr.IsBadInput(err):
		h.log.Warn("CDR body rejected", "remote", r.RemoteAddr, "error", err, "stored", res.Added)
		h.reply(w, http.StatusBadRequest, err.Error())
	default:
		h.log.Error("CDR intake failed", "remote", r.RemoteAddr, "error", err, "stored", res.Added)
		h.reply(w, http.StatusInternalServerError, "internal error")
	}
}

// authorized checks Basic credentials in constant time: both names are
// hashed first so that neither their content nor their length leaks.
func (h *Handler) authorized(r *http.Request) bool {
	if h.anonymous {
		return true
	}
	user, pw, ok := r.BasicAuth()
	if !ok || !h.hasCreds {
		return false
	}
	u, p := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(pw))
	return subtle.ConstantTimeCompare(u[:], h.user[:])&subtle.ConstantTimeCompare(p[:], h.pw[:]) == 1
}

// reply writes a short plain-text answer. msg may quote attacker-controlled
// text (from a parse error): it is sent as text/plain with nosniff, never as
// HTML.
func (h *Handler) reply(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, msg+"\n") //nolint:errcheck // the client may be gone; nothing to do
}

// limitReader fails with an error wrapping cdr.ErrTooLarge once more than
// left bytes were read, so an oversized body is told apart from a broken
// connection.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, fmt.Errorf("%w: request body over the limit", cdr.ErrTooLarge)
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n - 1, fmt.Errorf("%w: request body over the limit", cdr.ErrTooLarge)
	}
	return n, err
}
