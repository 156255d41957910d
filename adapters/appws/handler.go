package appws

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"time"

	"github.com/coder/websocket"
)

// Grant is what a successful login gives the client, sent in AppLoginResult.
type Grant struct {
	// Ticket is a one-time secret the page exchanges for a session.
	Ticket string
}

// ErrRefused is returned by Config.Accept for a login it does not admit
// (for example an app name it does not serve); the client gets ok:false.
var ErrRefused = errors.New("login refused")

// Attempts is the rate limit consulted per client address (auth.Limiter is
// one).
type Attempts interface {
	Allow(key string) (time.Duration, bool)
	Fail(key string)
	Succeed(key string)
}

// Config configures a Handler.
type Config struct {
	// Password returns the App-object password; while it is empty every
	// login is refused.
	Password func() string
	// Accept is called for a login whose digest is right; it returns the
	// grant, ErrRefused, or another error (logged; the client sees a
	// refusal).
	Accept func(ctx context.Context, l Login) (Grant, error)
	// Attempts limits failed logins per client address; nil: no limit.
	Attempts Attempts
	// IdleTimeout closes a connection without messages for that long
	// (default 3 minutes; the innovaphone client sends KeepAlive every
	// 60 s).
	IdleTimeout time.Duration
	// OriginPatterns lists other origins allowed to connect (host
	// patterns, see websocket.AcceptOptions); by default only the server's
	// own origin and clients without Origin (a PBX) may.
	OriginPatterns []string
	// Logger receives logins and refusals (default: discard).
	Logger *slog.Logger
}

// Handler serves AppWebsocket connections. It is safe for concurrent use.
type Handler struct {
	cfg Config
}

// maxMessage bounds one message: an AppLogin with its info is a few kB.
const maxMessage = 64 << 10

// NewHandler returns a Handler.
func NewHandler(cfg Config) *Handler {
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 3 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Password == nil {
		cfg.Password = func() string { return "" }
	}
	return &Handler{cfg: cfg}
}

// message is any message of the protocol; fields unused by a type stay zero.
type message struct {
	MT        string `json:"mt"`
	Src       string `json:"src,omitempty"`
	Challenge string `json:"challenge,omitempty"`
}

type loginResult struct {
	MT     string `json:"mt"`
	Src    string `json:"src,omitempty"`
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
	Ticket string `json:"ticket,omitempty"`
}

// ServeHTTP upgrades the request to a websocket and runs the protocol until
// the client leaves, idles out, or the request's context ends.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: h.cfg.OriginPatterns})
	if err != nil {
		return // Accept has answered
	}
	defer c.CloseNow()
	c.SetReadLimit(maxMessage)
	client := clientKey(r)
	ctx := r.Context()
	var challenge string // the challenge in force, "" once used
	for {
		rctx, cancel := context.WithTimeout(ctx, h.cfg.IdleTimeout)
		typ, data, err := c.Read(rctx)
		cancel()
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			c.Close(websocket.StatusUnsupportedData, "text messages only")
			return
		}
		var m message
		if err := json.Unmarshal(data, &m); err != nil {
			c.Close(websocket.StatusInvalidFramePayloadData, "invalid JSON")
			return
		}
		var reply any
		switch m.MT {
		case "AppChallenge":
			challenge = newChallenge()
			reply = message{MT: "AppChallengeResult", Src: m.Src, Challenge: challenge}
		case "AppLogin":
			reply = h.login(ctx, client, data, m.Src, challenge)
			challenge = ""
		case "KeepAlive", "CheckBuild":
			continue // nothing to answer
		default:
			continue // messages of other APIs are not served here
		}
		out, err := json.Marshal(reply)
		if err != nil {
			return
		}
		if err := c.Write(ctx, websocket.MessageText, out); err != nil {
			return
		}
	}
}

func (h *Handler) login(ctx context.Context, client string, data []byte, src, challenge string) loginResult {
	res := loginResult{MT: "AppLoginResult", Src: src}
	if h.cfg.Attempts != nil {
		if _, ok := h.cfg.Attempts.Allow(client); !ok {
			res.Error = "too many failed logins, try again later"
			return res
		}
	}
	var l Login
	if err := json.Unmarshal(data, &l); err != nil {
		res.Error = "invalid AppLogin"
		return res
	}
	if challenge == "" {
		res.Error = "no challenge: send AppChallenge first"
		return res
	}
	if !Verify(l, challenge, h.cfg.Password()) {
		if h.cfg.Attempts != nil {
			h.cfg.Attempts.Fail(client)
		}
		h.cfg.Logger.Info("AppLogin refused: wrong digest", "app", l.App, "sip", l.SIP, "remote", client)
		res.Error = "login failed"
		return res
	}
	g, err := h.cfg.Accept(ctx, l)
	if err != nil {
		if !errors.Is(err, ErrRefused) {
			h.cfg.Logger.Error("AppLogin", "app", l.App, "sip", l.SIP, "err", err)
		} else {
			h.cfg.Logger.Info("AppLogin refused", "app", l.App, "sip", l.SIP, "err", err)
		}
		res.Error = "login failed"
		return res
	}
	if h.cfg.Attempts != nil {
		h.cfg.Attempts.Succeed(client)
	}
	h.cfg.Logger.Info("AppLogin", "app", l.App, "sip", l.SIP)
	res.OK, res.Ticket = true, g.Ticket
	return res
}

// newChallenge returns 16 random decimal digits: innovaphone's own
// implementations use digits only, and at most 16 characters.
func newChallenge() string {
	b := make([]byte, 16)
	ten := big.NewInt(10)
	for i := range b {
		n, err := rand.Int(rand.Reader, ten)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported systems
		}
		b[i] = byte('0' + n.Int64())
	}
	return string(b)
}

func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "addr:" + host
}
