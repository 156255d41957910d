package httpapi

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/f0fce437/callrec/recordings"
)

// Identity is who a session or a credential stands for.
type Identity struct {
	Name        string
	DisplayName string
	Role        recordings.Role // RoleUser or RoleAdmin
}

// Actor is the identity as the recordings service sees it.
func (id Identity) Actor() recordings.Actor { return recordings.Actor{Name: id.Name, Role: id.Role} }

// SessionOptions configure Sessions; zero values mean the defaults.
type SessionOptions struct {
	// CookieName is the session cookie's name (default "callrec_session").
	CookieName string
	// Secure marks the cookie Secure (set it when the apps are reached
	// over HTTPS: served over TLS, or behind a proxy terminating it).
	Secure bool
	// CrossSite issues the cookie for apps framed by another site (myApps
	// on the PBX's site): SameSite=None, Secure and Partitioned (CHIPS),
	// the one kind of cookie browsers send in a cross-site frame, kept
	// apart per top-level site. It implies Secure, so set it only when the
	// apps are reached over HTTPS. Otherwise the cookie is SameSite=Lax.
	// Either way a state-changing request with the cookie needs the
	// session's CSRF token.
	CrossSite bool
	// IdleTimeout ends a session unused for that long (default 2 hours);
	// MaxAge ends any session that old (default 24 hours).
	IdleTimeout, MaxAge time.Duration
	// TicketTTL is how long an AppLogin ticket may wait to be exchanged
	// (default 1 minute).
	TicketTTL time.Duration
	// MaxSessions bounds the memory (default 100,000); beyond it the least
	// recently used session ends.
	MaxSessions int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Changed, if set, is called after a session started or ended (not
	// when one is merely used), outside the table's lock: the owner may
	// persist Save then, so that a restart keeps the sessions.
	Changed func()
}

// Sessions keeps the sessions of the web apps and the one-time tickets of
// AppLogin in memory; Save and Restore carry the sessions over a restart.
// It is safe for concurrent use.
//
// Tokens are 256-bit random values; only their SHA-256 is kept (and
// saved), so the table cannot be used to find a token, and lookups compare
// hashes.
type Sessions struct {
	opts SessionOptions

	mu       sync.Mutex
	sessions map[[32]byte]*session
	tickets  map[[32]byte]ticket
}

type session struct {
	id       Identity
	csrf     string
	created  time.Time
	lastSeen time.Time
}

type ticket struct {
	id      Identity
	expires time.Time
}

// NewSessions returns an empty session table.
func NewSessions(opts SessionOptions) *Sessions {
	if opts.CookieName == "" {
		opts.CookieName = "callrec_session"
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 2 * time.Hour
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 24 * time.Hour
	}
	if opts.TicketTTL <= 0 {
		opts.TicketTTL = time.Minute
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = 100_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Sessions{opts: opts, sessions: make(map[[32]byte]*session), tickets: make(map[[32]byte]ticket)}
}

func newToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func tokenKey(tok string) [32]byte { return sha256.Sum256([]byte(tok)) }

// start creates a session for id, sets its cookie on w and returns its CSRF
// token.
func (s *Sessions) start(w http.ResponseWriter, id Identity) string {
	tok, csrf := newToken(), newToken()
	now := s.opts.Now()
	s.mu.Lock()
	if len(s.sessions) >= s.opts.MaxSessions {
		s.evictLocked(now)
	}
	s.sessions[tokenKey(tok)] = &session{id: id, csrf: csrf, created: now, lastSeen: now}
	s.mu.Unlock()
	s.changed()
	http.SetCookie(w, s.cookie(tok, int(s.opts.MaxAge/time.Second)))
	return csrf
}

// cookie is the session cookie holding tok, for maxAge seconds (negative:
// delete it). A deletion carries the same attributes, so that it reaches a
// partitioned cookie in its partition.
func (s *Sessions) cookie(tok string, maxAge int) *http.Cookie {
	c := &http.Cookie{
		Name: s.opts.CookieName, Value: tok, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode,
	}
	if s.opts.CrossSite {
		c.SameSite, c.Secure, c.Partitioned = http.SameSiteNoneMode, true, true
	}
	return c
}

// evictLocked drops expired sessions and, if the table is still full, the
// least recently used one.
func (s *Sessions) evictLocked(now time.Time) {
	var oldestKey [32]byte
	var oldest time.Time
	for k, ss := range s.sessions {
		if s.expired(ss, now) {
			delete(s.sessions, k)
			continue
		}
		if oldest.IsZero() || ss.lastSeen.Before(oldest) {
			oldest, oldestKey = ss.lastSeen, k
		}
	}
	if len(s.sessions) >= s.opts.MaxSessions {
		delete(s.sessions, oldestKey)
	}
}

func (s *Sessions) expired(ss *session, now time.Time) bool {
	return now.Sub(ss.lastSeen) >= s.opts.IdleTimeout || now.Sub(ss.created) >= s.opts.MaxAge
}

// lookup returns the session of r's cookie, if it is live, and touches it.
func (s *Sessions) lookup(r *http.Request) (Identity, string, bool) {
	c, err := r.Cookie(s.opts.CookieName)
	if err != nil || c.Value == "" {
		return Identity{}, "", false
	}
	k := tokenKey(c.Value)
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.sessions[k]
	if !ok {
		return Identity{}, "", false
	}
	if s.expired(ss, now) {
		delete(s.sessions, k)
		return Identity{}, "", false
	}
	ss.lastSeen = now
	return ss.id, ss.csrf, true
}

// end ends the session of r's cookie and clears the cookie.
func (s *Sessions) end(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.opts.CookieName); err == nil {
		s.mu.Lock()
		delete(s.sessions, tokenKey(c.Value))
		s.mu.Unlock()
		s.changed()
	}
	http.SetCookie(w, s.cookie("", -1))
}

// EndAll ends every session of the user called name (for example when the
// user was removed from the users file).
func (s *Sessions) EndAll(name string) {
	s.mu.Lock()
	ended := false
	for k, ss := range s.sessions {
		if ss.id.Name == name {
			delete(s.sessions, k)
			ended = true
		}
	}
	s.mu.Unlock()
	if ended {
		s.changed()
	}
}

func (s *Sessions) changed() {
	if s.opts.Changed != nil {
		s.opts.Changed()
	}
}

// SavedSession is a live session as Save returns it: the SHA-256 of its
// token (never the token), who it stands for, its CSRF token and its
// times. Keep it as secret as the server's other secrets.
type SavedSession struct {
	TokenSHA256 string    `json:"token_sha256"` // hex
	Name        string    `json:"name"`
	DisplayName string    `json:"display_name,omitempty"`
	Role        string    `json:"role"`
	CSRF        string    `json:"csrf"`
	Created     time.Time `json:"created"`
	LastSeen    time.Time `json:"last_seen"`
}

// Save returns the live sessions, for Restore after a restart.
func (s *Sessions) Save() []SavedSession {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SavedSession, 0, len(s.sessions))
	for k, ss := range s.sessions {
		if s.expired(ss, now) {
			continue
		}
		out = append(out, SavedSession{
			TokenSHA256: hex.EncodeToString(k[:]), Name: ss.id.Name, DisplayName: ss.id.DisplayName,
			Role: string(ss.id.Role), CSRF: ss.csrf, Created: ss.created, LastSeen: ss.lastSeen,
		})
	}
	return out
}

// Restore adds saved sessions (from Save) to the table; expired ones,
// malformed ones and those beyond MaxSessions are left out. Their cookies
// work again as before the restart.
func (s *Sessions) Restore(saved []SavedSession) {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range saved {
		var k [32]byte
		if hex.DecodedLen(len(v.TokenSHA256)) != len(k) || v.Name == "" || v.CSRF == "" {
			continue
		}
		if _, err := hex.Decode(k[:], []byte(v.TokenSHA256)); err != nil {
			continue
		}
		role := recordings.Role(v.Role)
		if role != recordings.RoleUser && role != recordings.RoleAdmin {
			continue
		}
		ss := &session{id: Identity{Name: v.Name, DisplayName: v.DisplayName, Role: role}, csrf: v.CSRF, created: v.Created, lastSeen: v.LastSeen}
		if s.expired(ss, now) || len(s.sessions) >= s.opts.MaxSessions {
			continue
		}
		s.sessions[k] = ss
	}
}

// IssueTicket returns a one-time ticket that POST /api/v1/session exchanges
// for a session of id within the ticket TTL. The AppLogin handler issues
// it after a verified login.
func (s *Sessions) IssueTicket(id Identity) string {
	tok := newToken()
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, t := range s.tickets {
		if now.After(t.expires) {
			delete(s.tickets, k)
		}
	}
	s.tickets[tokenKey(tok)] = ticket{id: id, expires: now.Add(s.opts.TicketTTL)}
	return tok
}

// redeem consumes a ticket.
func (s *Sessions) redeem(tok string) (Identity, bool) {
	k := tokenKey(tok)
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tickets[k]
	delete(s.tickets, k)
	if !ok || s.opts.Now().After(t.expires) {
		return Identity{}, false
	}
	return t.id, true
}

// sameToken compares two tokens in constant time.
func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
