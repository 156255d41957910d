package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/f0fce437/callrec/adapters/auth"
	"github.com/f0fce437/callrec/adapters/fsblob"
	"github.com/f0fce437/callrec/adapters/httpapi"
	"github.com/f0fce437/callrec/adapters/pbxusersfile"
	"github.com/f0fce437/callrec/adapters/pcapconv"
	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/adapters/usersfile"
	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/internal/atomicfile"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/cdrinfo"
	"github.com/f0fce437/callrec/recordings/directory"
	"github.com/f0fce437/callrec/recordings/licensegate"
)

// Main is the Recordings App: ParseFlags, then Run until its context ends,
// then Close.
type Main struct {
	Config Config
	// Logger receives the server's own log (default: text on stderr);
	// Stdout the URL and the first-start messages (default os.Stdout).
	Logger *slog.Logger
	Stdout io.Writer
	// ShutdownTimeout is how long uploads in flight may take to finish
	// when Run's context ends (default 30 s); the rest are cut off and
	// kept as partial recordings.
	ShutdownTimeout time.Duration
	// BodyIdleTimeout cuts off a request whose body sends nothing for that
	// long (default 2 minutes). It is an idle timeout, not a total one: an
	// upload streams for the length of the call.
	BodyIdleTimeout time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time

	tracing *recordings.Tracing
	users   atomic.Pointer[usersfile.Users] // for passwords and roles
	dir     *directory.Directory            // who is on the PBX
	usersMu sync.Mutex                      // serialises reloads of the users file

	db          *sqlite.DB
	svc         *recordings.Service
	gate        *licensegate.Gate
	callInfo    *cdrinfo.Resolver
	cdrs        *cdr.Service
	sessions    *httpapi.Sessions
	sessionFile *sessionFile
	limiter     *auth.Limiter
	metrics     *metrics
	digest      *digestFile

	storing inflight // uploads and CDR intakes being handled
	srv     *http.Server
	addr    atomic.Value // string: the address listened on
	started chan struct{}
	ready   atomic.Bool
	wg      sync.WaitGroup     // the goroutines Close waits for
	bgCtx   context.Context    // of background work; ends in Close
	bgStop  context.CancelFunc // ends bgCtx
}

// NewMain returns a Main with the default configuration.
func NewMain() *Main {
	m := &Main{started: make(chan struct{})}
	m.Config, _ = parseFlags(nil, func(string) (string, bool) { return "", false }, io.Discard)
	return m
}

// ParseFlags sets the configuration from args and the environment (env
// looks a variable up, like os.LookupEnv).
func (m *Main) ParseFlags(args []string, env func(string) (string, bool)) error {
	c, err := parseFlags(args, env, os.Stderr)
	if err != nil {
		return err
	}
	m.Config = c
	return nil
}

// Started is closed once Run listens; Addr then says where.
func (m *Main) Started() <-chan struct{} { return m.started }

// Addr returns the address Run listens on (after Started).
func (m *Main) Addr() string {
	s, _ := m.addr.Load().(string)
	return s
}

// URL returns the base URL of the server (after Started).
func (m *Main) URL() string {
	scheme := "http"
	if m.Config.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + m.Addr()
}

// Run opens the database and the stores, starts the recordings service,
// serves until ctx ends and then shuts down gracefully: uploads in flight
// may finish within ShutdownTimeout, and conversion jobs resume at the next
// start. Call Close afterwards, also when Run fails.
func (m *Main) Run(ctx context.Context) error {
	if m.Logger == nil {
		m.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if m.Stdout == nil {
		m.Stdout = os.Stdout
	}
	if m.ShutdownTimeout <= 0 {
		m.ShutdownTimeout = 30 * time.Second
	}
	if m.BodyIdleTimeout <= 0 {
		m.BodyIdleTimeout = 2 * time.Minute
	}
	if m.Now == nil {
		m.Now = time.Now
	}
	if err := m.open(ctx); err != nil {
		return err
	}
	handler, err := m.routes()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", m.Config.Listen)
	if err != nil {
		return err
	}
	m.srv = &http.Server{
		Handler: handler,
		// No ReadTimeout or WriteTimeout: an upload streams for the length
		// of a call and a download may be long. The upload route has an
		// idle timeout instead; headers must come quickly.
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	m.addr.Store(ln.Addr().String())
	errc := make(chan error, 1)
	go func() {
		if m.Config.TLSCert != "" {
			errc <- m.srv.ServeTLS(ln, m.Config.TLSCert, m.Config.TLSKey)
		} else {
			errc <- m.srv.Serve(ln)
		}
	}()
	m.ready.Store(true)
	fmt.Fprintf(m.Stdout, "callrec: listening on %s%s/innovaphone-recordings.htm (admin: %s%s/innovaphone-recordingsadmin.htm)\n",
		m.URL(), m.Config.Base, m.URL(), m.Config.Base)
	close(m.started)

	select {
	case err := <-errc:
		m.ready.Store(false)
		return err
	case <-ctx.Done():
	}
	m.ready.Store(false)
	m.Logger.Info("shutting down: waiting for uploads in flight", "timeout", m.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), m.ShutdownTimeout)
	defer cancel()
	if err := m.srv.Shutdown(sctx); err != nil {
		m.Logger.Warn("uploads still in flight were cut off (kept as partial recordings)", "err", err)
		m.srv.Close()
	}
	<-errc
	// Close does not wait for handlers: let the cut-off uploads record
	// what they received before the service closes.
	wctx, wcancel := context.WithTimeout(context.Background(), m.ShutdownTimeout)
	defer wcancel()
	if err := m.storing.wait(wctx); err != nil {
		m.Logger.Error("uploads still being stored at exit; their recordings are recovered as partial at the next start", "err", err)
	}
	return nil
}

// Close stops the service (conversions in progress resume at the next
// start) and closes the database.
func (m *Main) Close() error {
	var errs []error
	if m.bgStop != nil {
		m.bgStop()
	}
	m.wg.Wait()
	if m.sessions != nil {
		errs = append(errs, m.sessionFile.save(m.sessions))
	}
	if m.dir != nil {
		errs = append(errs, m.dir.Flush())
	}
	if m.svc != nil {
		errs = append(errs, m.svc.Close())
	}
	if m.db != nil {
		errs = append(errs, m.db.Close())
	}
	return errors.Join(errs...)
}

// open builds everything Run serves.
func (m *Main) open(ctx context.Context) error {
	c := m.Config
	if err := os.MkdirAll(c.Data, 0o700); err != nil {
		return err
	}
	m.tracing = recordings.NewTracing(m.Logger.Handler())
	m.bgCtx, m.bgStop = context.WithCancel(context.WithoutCancel(ctx))
	if err := m.firstStart(); err != nil {
		return err
	}
	m.dir = directory.New(directory.Config{
		Store:     pbxusersfile.New(filepath.Join(c.Data, "pbx-users.json")),
		Licensing: engineUsers{m: m},
		PBXName:   m.pbxName,
		// A user first known from AppLogin or a CDR may own recordings
		// whose CDRs named them before.
		Added:  func([]string) { m.svc.RequestRecorrelation(recordings.ScopeOwnerless) },
		Logger: m.tracing.Logger(recordings.TraceCallInfo),
	})
	if err := m.dir.Load(); err != nil {
		return err
	}
	if err := m.loadUsers(); err != nil {
		return err
	}
	var err error
	if m.db, err = sqlite.Open(ctx, filepath.Join(c.Data, "callrec.db"), sqlite.Options{}); err != nil {
		return err
	}
	blobs, err := fsblob.New(filepath.Join(c.Data, "files"))
	if err != nil {
		return err
	}
	m.metrics = newMetrics(func() recordings.Stats {
		if m.svc == nil {
			return recordings.Stats{}
		}
		return m.svc.Stats()
	})
	m.limiter = auth.NewLimiter(auth.LimiterOptions{})
	m.sessionFile = newSessionFile(filepath.Join(c.Data, "sessions.json"))
	saved, err := m.sessionFile.load()
	if err != nil {
		return err
	}
	// Framed by another site (myApps on the PBX's), the app gets its
	// session cookie only as SameSite=None; Secure; Partitioned, which
	// browsers accept over HTTPS only.
	crossSite := c.https() && c.framedByOthers()
	if c.framedByOthers() && !crossSite {
		m.Logger.Warn("the apps are served over plain HTTP: their session cookie stays SameSite=Lax, "+
			"so in a frame of another site (myApps on the PBX) logging in works only when both are the same site; "+
			"serve HTTPS (-tls-cert, or -tls-proxy behind a TLS proxy)", "frame_ancestors", c.FrameAncestors)
	}
	m.sessions = httpapi.NewSessions(httpapi.SessionOptions{Secure: c.https(), CrossSite: crossSite, Changed: m.sessionFile.changed})
	m.sessions.Restore(slices.DeleteFunc(saved, func(s httpapi.SavedSession) bool {
		// Users removed while the server was down are logged out.
		_, known := m.dir.Lookup(s.Name)
		return !known
	}))
	m.background(m.saveSessions)
	m.digest = &digestFile{path: filepath.Join(c.Data, "webdav-digest.json")}
	if err := m.digest.load(); err != nil {
		return err
	}

	m.gate = licensegate.New()
	m.callInfo = cdrinfo.New(cdrinfo.Config{
		CDRs:      m.db.CDRs(),
		Directory: m.dir,
		PBXName:   m.pbxName,
		Logger:    m.tracing.Logger(recordings.TraceCallInfo),
	})
	m.svc, err = recordings.New(recordings.Config{
		Store:  m.db,
		Blobs:  blobs,
		Tracer: m.tracing,
		Converter: meteredConverter{
			Converter: pcapconv.New(pcapconv.Options{Logger: m.tracing.Logger(recordings.TraceConverting)}),
			m:         m.metrics,
		},
		MaxUploadSize: c.MaxUpload,
		CDRWait:       c.CDRWait,
		Resolver:      m.callInfo,
		Devices:       m.dir.Devices(),
		Licenser:      m.gate,
		// Group mode deletions fall due to the second; sweeping every
		// minute applies them (and retention) at most a minute late.
		RetentionInterval: time.Minute,
	})
	if err != nil {
		return err
	}
	m.cdrs = cdr.NewService(m.db.CDRs(), cdr.Options{
		Logger:   m.tracing.Logger(recordings.TraceCallInfo),
		Listener: m.svc, // correlates the recordings of the calls in the background
		Observer: m.dir, // learns users before their recordings are correlated
	})
	if err := m.seedSettings(ctx); err != nil {
		return err
	}
	if err := m.svc.Start(ctx); err != nil {
		return err
	}
	if err := m.dir.Sync(ctx); err != nil {
		return err
	}
	return m.refreshDigest(ctx)
}

// pbxName returns the PBX name of the settings. The directory and the
// resolver are built before the service, so they take this method, not
// m.svc.PBXName (which would bind the service not made yet).
func (m *Main) pbxName(ctx context.Context) (string, error) { return m.svc.PBXName(ctx) }

// background runs fn in a goroutine that Close ends (through fn's
// context) and waits for.
func (m *Main) background(fn func(ctx context.Context)) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		fn(m.bgCtx)
	}()
}

// seedSettings applies the flags that seed settings, while those are unset.
func (m *Main) seedSettings(ctx context.Context) error {
	c, u := m.Config, recordings.SettingsUpdate{}
	if c.set["webdav-user"] {
		u.WebDAVUser = &c.WebDAVUser
	}
	if c.set["webdav-password"] {
		u.WebDAVPassword = &c.WebDAVPassword
	}
	if c.set["licenses"] {
		u.Licenses = &c.Licenses
	}
	return m.svc.SeedSettings(ctx, u)
}

// firstStart creates the users file with an admin account when the default
// users file does not exist yet.
func (m *Main) firstStart() error {
	c := m.Config
	if _, err := os.Stat(c.Users); err == nil || !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if !c.usersDefault {
		return fmt.Errorf("users file %s does not exist", c.Users)
	}
	password, fromEnv := c.AdminPassword, c.AdminPassword != ""
	if !fromEnv {
		var b [18]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		password = base64.RawURLEncoding.EncodeToString(b[:])
	}
	if err := usersfile.Create(c.Users, "admin", password); err != nil {
		return err
	}
	if fromEnv {
		fmt.Fprintf(m.Stdout, "callrec: created %s with the user admin (password from CALLREC_ADMIN_PASSWORD)\n", c.Users)
		return nil
	}
	pwFile := filepath.Join(c.Data, "initial-admin-password")
	if err := atomicfile.Replace(pwFile, []byte(password+"\n")); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "callrec: created %s with the user admin; its password is in %s\n", c.Users, pwFile)
	return nil
}
