package httpapi

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/f0fce437/callrec/recordings"
)

// Service is what the API needs of the recordings service
// (*recordings.Service is one).
type Service interface {
	List(ctx context.Context, a recordings.Actor, f recordings.Filter) (recordings.Page, error)
	Get(ctx context.Context, a recordings.Actor, id string) (*recordings.Recording, error)
	Open(ctx context.Context, a recordings.Actor, id string, kind recordings.MediaKind) (*recordings.MediaFile, error)
	Protect(ctx context.Context, a recordings.Actor, id string) (*recordings.Recording, error)
	Unprotect(ctx context.Context, a recordings.Actor, id string) (*recordings.Recording, error)
	Delete(ctx context.Context, a recordings.Actor, id string) error
	Notes(ctx context.Context, a recordings.Actor, id string) ([]recordings.Note, error)
	AddNote(ctx context.Context, a recordings.Actor, id, text string) (recordings.Note, error)
	AuditLog(ctx context.Context, a recordings.Actor, f recordings.AuditFilter) (recordings.AuditPage, error)
	Settings(ctx context.Context, a recordings.Actor) (recordings.Settings, error)
	UpdateSettings(ctx context.Context, a recordings.Actor, u recordings.SettingsUpdate) (recordings.Settings, error)
}

// Attempts is the rate limit of password checks (auth.Limiter is one).
type Attempts interface {
	Allow(key string) (time.Duration, bool)
	Fail(key string)
	Succeed(key string)
}

// Config configures a Handler. Service, Sessions and CheckPassword are
// required.
type Config struct {
	Service  Service
	Sessions *Sessions
	// CheckPassword checks a local user's password (the users file) and
	// returns who they are.
	CheckPassword func(ctx context.Context, name, password string) (Identity, bool, error)
	// DisplayName returns the display name of a user name ("" if unknown),
	// shown as owner_display.
	DisplayName func(name string) string
	// CallRecords returns the call information of a recording for its
	// detail view (the "cdr" field, e.g. the correlated CDRs); nil: null.
	CallRecords func(ctx context.Context, r *recordings.Recording) (any, error)
	// PBXNameMissing reports whether no PBX name is configured (GET
	// /api/v1/status, for the apps' banner); nil: never.
	PBXNameMissing func(ctx context.Context) (bool, error)
	// License returns the licensing status view (GET /api/v1/license, for
	// admins); nil answers not_found.
	License func(ctx context.Context) (any, error)
	// Attempts limits failed password checks per client address and per
	// user name; nil: no limit.
	Attempts Attempts
	// Logger receives failures (default: discard).
	Logger *slog.Logger
}

// Handler serves the REST API under /api/v1/. It is safe for concurrent use.
type Handler struct {
	cfg Config
	log *slog.Logger
	mux *http.ServeMux
	cop *http.CrossOriginProtection
}

// New returns a Handler.
func New(cfg Config) *Handler {
	h := &Handler{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), cop: http.NewCrossOriginProtection()}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.cfg.DisplayName == nil {
		h.cfg.DisplayName = func(string) string { return "" }
	}
	h.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.writeError(w, r, recordings.Errorf(recordings.Forbidden, "cross-origin request refused"))
	}))

	// Session routes: no authentication needed to call them.
	h.mux.HandleFunc("POST /api/v1/login", h.login)
	h.mux.HandleFunc("POST /api/v1/session", h.exchangeTicket)
	h.mux.HandleFunc("POST /api/v1/logout", h.logout)

	authed := func(pattern string, fn func(http.ResponseWriter, *http.Request, Identity)) {
		h.mux.Handle(pattern, h.authenticate(fn))
	}
	authed("GET /api/v1/me", h.me)
	authed("GET /api/v1/recordings", h.listRecordings)
	authed("GET /api/v1/recordings/{id}", h.getRecording)
	authed("GET /api/v1/recordings/{id}/audio", h.audio)
	authed("GET /api/v1/recordings/{id}/download", h.download)
	authed("POST /api/v1/recordings/{id}/protect", h.protect)
	authed("POST /api/v1/recordings/{id}/unprotect", h.unprotect)
	authed("DELETE /api/v1/recordings/{id}", h.deleteRecording)
	authed("GET /api/v1/recordings/{id}/notes", h.listNotes)
	authed("POST /api/v1/recordings/{id}/notes", h.addNote)
	authed("GET /api/v1/logs", h.logs)
	authed("GET /api/v1/settings", h.getSettings)
	authed("PUT /api/v1/settings", h.putSettings)
	authed("GET /api/v1/license", h.license)
	authed("GET /api/v1/status", h.status)
	h.mux.HandleFunc(noRoutePattern, h.noRoute)
	return h
}

// noRoutePattern takes every request under /api/v1/ that no route takes.
const noRoutePattern = "/api/v1/"

// routeMethods are the methods the routes answer, in the order an Allow
// header lists them (a GET route answers HEAD too).
var routeMethods = [...]string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete}

// noRoute answers a request no route takes: 405 with Allow when its path is
// a route of other methods, 404 otherwise.
func (h *Handler) noRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	probe := r.Clone(r.Context())
	for _, m := range routeMethods {
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != noRoutePattern {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		h.writeError(w, r, recordings.Errorf(recordings.NotFound, "no such route"))
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	h.writeErrorStatus(w, r, http.StatusMethodNotAllowed,
		recordings.Errorf(recordings.Invalid, "method %s not allowed here (allowed: %s)", r.Method, strings.Join(allow, ", ")))
}

// ServeHTTP answers a request under /api/v1/.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox")
	hd.Set("Referrer-Policy", "no-referrer")
	h.cop.Handler(h.mux).ServeHTTP(w, r)
}

// authenticate runs fn with the identity of the session cookie or of Basic
// credentials; a state-changing request with a session must carry its CSRF
// token.
func (h *Handler) authenticate(fn func(http.ResponseWriter, *http.Request, Identity)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, csrf, ok := h.cfg.Sessions.lookup(r); ok {
			if !safeMethod(r.Method) && !sameToken(r.Header.Get("X-CSRF-Token"), csrf) {
				h.writeError(w, r, recordings.Errorf(recordings.Forbidden, "missing or wrong CSRF token"))
				return
			}
			w.Header().Set("X-CSRF-Token", csrf)
			fn(w, r, id)
			return
		}
		if name, password, ok := r.BasicAuth(); ok {
			id, err := h.checkPassword(r, name, password)
			if err != nil {
				h.unauthorized(w, r, err)
				return
			}
			fn(w, r, id)
			return
		}
		h.unauthorized(w, r, recordings.Errorf(recordings.Unauthorized, "log in first"))
	})
}

func (h *Handler) unauthorized(w http.ResponseWriter, r *http.Request, err error) {
	// Scripts get a Basic challenge; browsers (which send Sec-Fetch-Site)
	// do not, so an expired session shows the app's login instead of the
	// browser's password dialog.
	if r.Header.Get("Sec-Fetch-Site") == "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="callrec", charset="UTF-8"`)
	}
	h.writeError(w, r, err)
}

// checkPassword checks a local user's password under the rate limit (per
// client address and per user name).
func (h *Handler) checkPassword(r *http.Request, name, password string) (Identity, error) {
	keys := []string{clientKey(r), "user:" + name}
	if h.cfg.Attempts != nil {
		for _, k := range keys {
			if wait, ok := h.cfg.Attempts.Allow(k); !ok {
				return Identity{}, recordings.Errorf(recordings.Unauthorized,
					"too many failed logins, try again in %d s", int(wait/time.Second)+1)
			}
		}
	}
	id, ok, err := h.cfg.CheckPassword(r.Context(), name, password)
	if err != nil {
		return Identity{}, err
	}
	if h.cfg.Attempts != nil {
		for _, k := range keys {
			if ok {
				h.cfg.Attempts.Succeed(k)
			} else {
				h.cfg.Attempts.Fail(k)
			}
		}
	}
	if !ok {
		h.log.Info("login failed", "user", name, "remote", r.RemoteAddr)
		return Identity{}, recordings.Errorf(recordings.Unauthorized, "wrong user name or password")
	}
	return id, nil
}

func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "addr:" + host
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// queryInt reads an optional positive integer parameter.
func queryInt(r *http.Request, name string) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, recordings.Errorf(recordings.Invalid, "%s must be a positive integer", name)
	}
	return n, nil
}

// identityJSON is the body of /api/v1/me and of the login answers.
type identityJSON struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
}

func toIdentityJSON(id Identity) identityJSON {
	return identityJSON{Name: id.Name, DisplayName: id.DisplayName, Role: string(id.Role)}
}
