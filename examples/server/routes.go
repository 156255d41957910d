package main

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/f0fce437/callrec/adapters/appws"
	"github.com/f0fce437/callrec/adapters/auth"
	"github.com/f0fce437/callrec/adapters/cdrhttp"
	"github.com/f0fce437/callrec/adapters/httpapi"
	"github.com/f0fce437/callrec/adapters/webdav"
	"github.com/f0fce437/callrec/adapters/webui"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/directory"
)

// App names of the innovaphone App objects, and the role each logs in as.
const (
	userApp  = "innovaphone-recordings"
	adminApp = "innovaphone-recordingsadmin"
)

// routes builds the server's handler:
//
//	<base>/Files/...   WebDAV PUT of recordings (Basic or Digest: the WebDAV credentials)
//	<base>/cdr         CDR intake (Basic or Digest: the CDR credentials)
//	<base>/            the AppWebsocket (innovaphone AppLogin); plain GET: the user app
//	<base>/*.htm ...   the two apps and their assets
//	/api/v1/...        the REST API
//	/healthz, /readyz, /metrics
func (m *Main) routes() (http.Handler, error) {
	c, base := m.Config, m.Config.Base
	mux := http.NewServeMux()
	uiLog := m.tracing.Logger(recordings.TraceUI)

	// Uploads from the phones.
	guard := auth.NewGuard(auth.Secrets{
		Basic: func(ctx context.Context, user, password string) (bool, error) {
			return m.svc.CheckWebDAVCredentials(ctx, user, password)
		},
		HA1: func(_ context.Context, alg, user string) (string, bool, error) {
			ha1, ok := m.digest.ha1(alg, user)
			return ha1, ok, nil
		},
	}, auth.GuardOptions{Realm: digestRealm, Attempts: m.limiter, Logger: m.tracing.Logger(recordings.TraceRecording)})
	files := webdav.New(m.svc, webdav.Options{Logger: m.tracing.Logger(recordings.TraceRecording), Auth: guard.Wrap})
	uploads := base + "/Files/"
	mux.Handle(uploads, m.storing.wrap(http.StripPrefix(base+"/Files", files)))

	// CDRs from the PBX: the Guard authenticates, so cdrhttp takes what
	// passes it.
	cdrGuard := auth.NewGuard(auth.Secrets{
		Basic: func(_ context.Context, user, password string) (bool, error) {
			return c.CDRUser != "" && strings.EqualFold(user, c.CDRUser) &&
				subtle.ConstantTimeCompare([]byte(password), []byte(c.CDRPassword)) == 1, nil
		},
		HA1: func(_ context.Context, alg, user string) (string, bool, error) {
			if c.CDRUser == "" || !strings.EqualFold(user, c.CDRUser) {
				return "", false, nil
			}
			return auth.HA1(alg, user, digestRealm, c.CDRPassword), true, nil
		},
	}, auth.GuardOptions{Realm: digestRealm, Attempts: m.limiter, Logger: m.tracing.Logger(recordings.TraceCallInfo)})
	cdrs := cdrhttp.NewHandler(m.cdrs, cdrhttp.Config{Anonymous: true, Logger: m.tracing.Logger(recordings.TraceCallInfo)})
	mux.Handle(base+"/cdr", m.storing.wrap(m.metrics.instrumentCDR(cdrGuard.Wrap(cdrs))))

	// The apps and the AppWebsocket.
	ui, err := webui.New(webui.Options{FrameAncestors: c.FrameAncestors})
	if err != nil {
		return nil, err
	}
	ws := appws.NewHandler(appws.Config{
		Password: func() string { return c.AppPassword },
		Accept:   m.acceptAppLogin,
		Attempts: m.limiter,
		Logger:   uiLog,
	})
	mux.HandleFunc(base+"/{$}", func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			ws.ServeHTTP(w, r)
			return
		}
		http.Redirect(w, r, base+"/"+userApp+".htm", http.StatusFound)
	})
	mux.Handle(base+"/", http.StripPrefix(base, ui))

	// The REST API.
	api := httpapi.New(httpapi.Config{
		Service:  apiService{Service: m.svc, digest: m.digest},
		Sessions: m.sessions,
		CheckPassword: func(_ context.Context, name, password string) (httpapi.Identity, bool, error) {
			u, ok := m.users.Load().Authenticate(name, password)
			if !ok {
				return httpapi.Identity{}, false, nil
			}
			return httpapi.Identity{Name: u.Name, DisplayName: u.DisplayName, Role: recordings.Role(u.Role)}, true, nil
		},
		DisplayName: m.dir.DisplayName,
		CallRecords: m.callInfo.Detail,
		License:     func(context.Context) (any, error) { return m.gate.Status(m.Now(), 100) },
		PBXNameMissing: func(ctx context.Context) (bool, error) {
			s, err := m.svc.Settings(ctx, recordings.SystemActor())
			return s.PBXNameMissing(), err
		},
		Attempts: m.limiter,
		Logger:   uiLog,
	})
	mux.Handle("/api/v1/", api)

	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", m.readyz)
	mux.Handle("GET /metrics", m.metrics.handler())
	if base != "" {
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, base+"/"+userApp+".htm", http.StatusFound)
		})
	}
	// Uploads are counted in front of everything that may refuse them (dot
	// segments, authentication, the service), so that each counts once, by
	// its outcome. Every request body may trickle for the length of a
	// call, but not stall: the read deadline moves with each read.
	h := idleTimeout(m.BodyIdleTimeout, m.metrics.instrumentUploads(uploads, webdav.RefuseDotSegments(uploads, mux)))
	if c.TLSCert != "" {
		h = strictTransport(h)
	}
	return h, nil
}

// readyz answers 200 while the server serves and its database answers.
func (m *Main) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !m.ready.Load() {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := m.db.View(ctx, func(tx recordings.Tx) error { _, _, err := tx.Setting("ready"); return err }); err != nil {
		m.Logger.Warn("readiness check", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

// acceptAppLogin admits a verified innovaphone AppLogin: the app name says
// the role, the PBX's sip names the user (a user the PBX vouches for exists
// even if the users file does not list them), and the page gets a ticket
// for its session.
func (m *Main) acceptAppLogin(ctx context.Context, l appws.Login) (appws.Grant, error) {
	var role recordings.Role
	switch l.App {
	case userApp:
		role = recordings.RoleUser
	case adminApp:
		role = recordings.RoleAdmin
	default:
		return appws.Grant{}, appws.ErrRefused
	}
	if l.SIP == "" {
		return appws.Grant{}, appws.ErrRefused
	}
	if err := m.dir.Remember(ctx, l.SIP, l.DN); errors.Is(err, directory.ErrInvalidName) {
		return appws.Grant{}, appws.ErrRefused
	} else if err != nil {
		return appws.Grant{}, err
	}
	u, ok := m.dir.Lookup(l.SIP) // the users file's, else the PBX's
	if !ok {
		return appws.Grant{}, appws.ErrRefused // dropped by a reload meanwhile
	}
	name, display := u.Name, cmp.Or(u.DisplayName, l.DN)
	return appws.Grant{Ticket: m.sessions.IssueTicket(httpapi.Identity{Name: name, DisplayName: display, Role: role})}, nil
}

// strictTransport tells browsers to reach the server over HTTPS only (HSTS),
// when it serves TLS itself.
func strictTransport(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		next.ServeHTTP(w, r)
	})
}
