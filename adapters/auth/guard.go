package auth

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Digest algorithms a Guard offers, strongest first.
const (
	SHA256 = "SHA-256"
	MD5    = "MD5"
)

// HA1 returns the hex digest H(user:realm:password) that Digest
// authentication with algorithm (SHA256 or MD5) is checked against. It is
// what a Guard's Secrets returns; store it instead of the password.
func HA1(algorithm, user, realm, password string) string {
	return hexHash(algorithm, user+":"+realm+":"+password)
}

func newHash(algorithm string) hash.Hash {
	if algorithm == MD5 {
		return md5.New()
	}
	return sha256.New()
}

func hexHash(algorithm, s string) string {
	h := newHash(algorithm)
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}

// DigestResponse returns the response a Digest client sends (RFC 7616 section
// 3.4.1) for qop "auth", or, with qop empty, as RFC 2069 clients compute it.
func DigestResponse(algorithm, ha1, nonce, nc, cnonce, qop, method, uri string) string {
	ha2 := hexHash(algorithm, method+":"+uri)
	if qop == "" {
		return hexHash(algorithm, ha1+":"+nonce+":"+ha2)
	}
	return hexHash(algorithm, ha1+":"+nonce+":"+nc+":"+cnonce+":"+qop+":"+ha2)
}

// Secrets gives a Guard the credentials it checks. Either function may be
// nil, which refuses that scheme.
type Secrets struct {
	// Basic reports whether user and password are right.
	Basic func(ctx context.Context, user, password string) (bool, error)
	// HA1 returns HA1(algorithm, user, realm, password) of user's password,
	// and false for an unknown user.
	HA1 func(ctx context.Context, algorithm, user string) (string, bool, error)
}

// Attempts is the rate limit a Guard consults per client address (a
// *Limiter is one).
type Attempts interface {
	Allow(key string) (time.Duration, bool)
	Fail(key string)
	Succeed(key string)
}

// GuardOptions configure a Guard.
type GuardOptions struct {
	// Realm names the protected space (default "callrec"). It is part of
	// every HA1: changing it invalidates stored ones.
	Realm string
	// NonceTTL is how long a Digest nonce is accepted (default 5 minutes).
	NonceTTL time.Duration
	// Attempts limits failed attempts per client address; nil: no limit.
	Attempts Attempts
	// Logger receives refused attempts (default: discard).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Guard admits requests carrying Basic or Digest credentials that Secrets
// accepts, and answers the others 401 with a challenge for each scheme. It is
// safe for concurrent use.
type Guard struct {
	secrets Secrets
	opts    GuardOptions
	key     [32]byte // signs nonces; made at start, so a restart just re-challenges

	mu   sync.Mutex
	seen map[string]nonceUse // nonce → highest count used
}

type nonceUse struct {
	nc      uint64
	expires time.Time
}

// maxNonces bounds the replay table; at the bound, expired nonces are dropped
// and, if that is not enough, new nonces get a fresh challenge.
const maxNonces = 100_000

type userKey struct{}

// User returns the user name a Guard admitted the request of ctx with.
func User(ctx context.Context) string {
	s, _ := ctx.Value(userKey{}).(string)
	return s
}

// NewGuard returns a Guard checking secrets.
func NewGuard(secrets Secrets, opts GuardOptions) *Guard {
	if opts.Realm == "" {
		opts.Realm = "callrec"
	}
	if opts.NonceTTL <= 0 {
		opts.NonceTTL = 5 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	g := &Guard{secrets: secrets, opts: opts, seen: make(map[string]nonceUse)}
	if _, err := rand.Read(g.key[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return g
}

// Realm returns the realm of the Guard's challenges.
func (g *Guard) Realm() string { return g.opts.Realm }

// Wrap returns a handler that runs next for admitted requests only.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientKey(r)
		if g.opts.Attempts != nil {
			if wait, ok := g.opts.Attempts.Allow(client); !ok {
				w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
				http.Error(w, "too many failed attempts", http.StatusTooManyRequests)
				return
			}
		}
		user, stale, err := g.check(r)
		if err != nil {
			g.opts.Logger.Error("checking credentials", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		if user == "" {
			if r.Header.Get("Authorization") != "" && !stale && g.opts.Attempts != nil {
				g.opts.Attempts.Fail(client)
			}
			if r.Header.Get("Authorization") != "" && !stale {
				g.opts.Logger.Info("refused credentials", "remote", r.RemoteAddr, "path", r.URL.Path)
			}
			g.challenge(w, stale)
			return
		}
		if g.opts.Attempts != nil {
			g.opts.Attempts.Succeed(client)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, user)))
	})
}

// clientKey is the rate-limit key of the client: its address without port.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "addr:" + host
}

func (g *Guard) challenge(w http.ResponseWriter, stale bool) {
	h := w.Header()
	extra := ""
	if stale {
		extra = ", stale=true"
	}
	if g.secrets.HA1 != nil {
		for _, alg := range []string{SHA256, MD5} {
			h.Add("WWW-Authenticate", fmt.Sprintf(`Digest realm=%q, qop="auth", algorithm=%s, nonce=%q%s`,
				g.opts.Realm, alg, g.nonce(), extra))
		}
	}
	if g.secrets.Basic != nil {
		h.Add("WWW-Authenticate", fmt.Sprintf(`Basic realm=%q, charset="UTF-8"`, g.opts.Realm))
	}
	http.Error(w, "authentication required", http.StatusUnauthorized)
}

// check returns the admitted user name, or "" (with stale set when the only
// fault was an expired nonce).
func (g *Guard) check(r *http.Request) (user string, stale bool, err error) {
	scheme, rest, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	switch {
	case strings.EqualFold(scheme, "Basic") && g.secrets.Basic != nil:
		u, p, ok := r.BasicAuth()
		if !ok {
			return "", false, nil
		}
		ok, err := g.secrets.Basic(r.Context(), u, p)
		if err != nil || !ok {
			return "", false, err
		}
		return u, false, nil
	case strings.EqualFold(scheme, "Digest") && g.secrets.HA1 != nil:
		return g.checkDigest(r, parseParams(rest))
	}
	return "", false, nil
}

func (g *Guard) checkDigest(r *http.Request, p map[string]string) (string, bool, error) {
	alg := p["algorithm"]
	switch {
	case alg == "" || strings.EqualFold(alg, MD5):
		alg = MD5
	case strings.EqualFold(alg, SHA256):
		alg = SHA256
	default:
		return "", false, nil
	}
	user, nonce, uri, resp := p["username"], p["nonce"], p["uri"], p["response"]
	if user == "" || p["realm"] != g.opts.Realm || uri != r.RequestURI || p["userhash"] == "true" {
		return "", false, nil
	}
	issued, ok := g.verifyNonce(nonce)
	if !ok {
		return "", false, nil
	}
	now := g.opts.Now()
	if now.Sub(issued) > g.opts.NonceTTL {
		return "", true, nil
	}
	ha1, known, err := g.secrets.HA1(r.Context(), alg, user)
	if err != nil {
		return "", false, err
	}
	if !known {
		// Compute anyway, so an unknown name costs what a known one does.
		ha1 = HA1(alg, user, g.opts.Realm, "")
	}
	var nc uint64
	switch p["qop"] {
	case "auth":
		nc, err = strconv.ParseUint(p["nc"], 16, 64)
		if err != nil || p["cnonce"] == "" {
			return "", false, nil
		}
	case "": // RFC 2069 clients
	default:
		return "", false, nil
	}
	want := DigestResponse(alg, ha1, nonce, p["nc"], p["cnonce"], p["qop"], r.Method, uri)
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(resp))) != 1 || !known {
		return "", false, nil
	}
	if p["qop"] == "auth" && !g.useNonce(nonce, nc, issued.Add(g.opts.NonceTTL), now) {
		return "", false, nil
	}
	return user, false, nil
}

// nonce returns a new nonce: issue time, random bytes and their HMAC.
func (g *Guard) nonce() string {
	var b [8 + 8 + 16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(g.opts.Now().UnixNano()))
	rand.Read(b[8:16])
	m := hmac.New(sha256.New, g.key[:])
	m.Write(b[:16])
	copy(b[16:], m.Sum(nil))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (g *Guard) verifyNonce(s string) (time.Time, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return time.Time{}, false
	}
	m := hmac.New(sha256.New, g.key[:])
	m.Write(b[:16])
	if !hmac.Equal(m.Sum(nil)[:16], b[16:]) {
		return time.Time{}, false
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(b[:8]))), true
}

// useNonce records nonce count nc of nonce and reports whether it is new
// (greater than every count used before).
func (g *Guard) useNonce(nonce string, nc uint64, expires, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	u, ok := g.seen[nonce]
	if ok && nc <= u.nc {
		return false
	}
	if !ok && len(g.seen) >= maxNonces {
		for k, v := range g.seen {
			if now.After(v.expires) {
				delete(g.seen, k)
			}
		}
		if len(g.seen) >= maxNonces {
			return false
		}
	}
	g.seen[nonce] = nonceUse{nc: nc, expires: expires}
	return true
}

// parseParams reads the comma-separated name=value pairs of a Digest
// Authorization header; values may be quoted strings with backslash escapes.
func parseParams(s string) map[string]string {
	p := make(map[string]string)
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return p
		}
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return p
		}
		name := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " \t")
		var val string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			val = b.String()
			s = s[min(i+1, len(s)):]
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			val = strings.TrimSpace(s[:end])
			s = s[end:]
		}
		if _, dup := p[name]; !dup {
			p[name] = val
		}
	}
}
