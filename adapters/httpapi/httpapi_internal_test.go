package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/recordings"
)

func TestAttachment(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"call.wav", `attachment; filename="call.wav"`},
		{"f9e5-11--J\u00fcrgen.wav", `attachment; filename="f9e5-11--J__rgen.wav"; filename*=UTF-8''f9e5-11--J%C3%BCrgen.wav`},
		{"a\"b\r\nSet-Cookie: x.wav", `attachment; filename="a_b__Set-Cookie__x.wav"; filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x.wav`},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, attachment(tc.name)) })
	}
}

func TestSessions(t *testing.T) {
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	s := NewSessions(SessionOptions{IdleTimeout: time.Hour, MaxAge: 3 * time.Hour, TicketTTL: time.Minute, MaxSessions: 2, Now: func() time.Time { return now }})
	alice := Identity{Name: "alice", Role: recordings.RoleUser}

	login := func(id Identity) *http.Cookie {
		w := httptest.NewRecorder()
		csrf := s.start(w, id)
		require.NotEmpty(t, csrf)
		c := w.Result().Cookies()[0]
		assert.True(t, c.HttpOnly)
		assert.Equal(t, http.SameSiteLaxMode, c.SameSite)
		return c
	}
	req := func(c *http.Cookie) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
		r.AddCookie(c)
		return r
	}

	c := login(alice)
	id, _, ok := s.lookup(req(c))
	require.True(t, ok)
	assert.Equal(t, alice, id)

	t.Run("idle timeout", func(t *testing.T) {
		now = now.Add(59 * time.Minute)
		_, _, ok := s.lookup(req(c))
		require.True(t, ok, "used within the idle timeout")
		now = now.Add(61 * time.Minute)
		_, _, ok = s.lookup(req(c))
		assert.False(t, ok)
	})
	t.Run("max age", func(t *testing.T) {
		c := login(alice)
		for range 4 {
			now = now.Add(50 * time.Minute)
			s.lookup(req(c))
		}
		_, _, ok := s.lookup(req(c))
		assert.False(t, ok, "older than MaxAge although used")
	})
	t.Run("bounded", func(t *testing.T) {
		a, b := login(alice), login(Identity{Name: "bob"})
		now = now.Add(time.Second)
		s.lookup(req(b))
		login(Identity{Name: "carol"})
		_, _, ok := s.lookup(req(a))
		assert.False(t, ok, "the least recently used session went")
		_, _, ok = s.lookup(req(b))
		assert.True(t, ok)
	})
	t.Run("EndAll", func(t *testing.T) {
		c := login(Identity{Name: "dave"})
		s.EndAll("dave")
		_, _, ok := s.lookup(req(c))
		assert.False(t, ok)
	})
	t.Run("tickets are one-time and expire", func(t *testing.T) {
		tk := s.IssueTicket(alice)
		id, ok := s.redeem(tk)
		require.True(t, ok)
		assert.Equal(t, alice, id)
		_, ok = s.redeem(tk)
		assert.False(t, ok)
		tk = s.IssueTicket(alice)
		now = now.Add(2 * time.Minute)
		_, ok = s.redeem(tk)
		assert.False(t, ok)
		_, ok = s.redeem("forged")
		assert.False(t, ok)
	})
}

func TestSessionsSaveRestore(t *testing.T) {
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	opts := SessionOptions{IdleTimeout: time.Hour, Now: func() time.Time { return now }}
	changes := 0
	opts.Changed = func() { changes++ }
	s := NewSessions(opts)
	cookie := func(id Identity) (*http.Cookie, string) {
		w := httptest.NewRecorder()
		csrf := s.start(w, id)
		return w.Result().Cookies()[0], csrf
	}
	alice, aliceCSRF := cookie(Identity{Name: "alice", DisplayName: "Alice", Role: recordings.RoleUser})
	old, _ := cookie(Identity{Name: "bob", Role: recordings.RoleAdmin})
	assert.Equal(t, 2, changes, "each start is a change")
	now = now.Add(50 * time.Minute)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(alice)
	s.lookup(r) // alice is used, bob is not
	now = now.Add(20 * time.Minute)

	saved := s.Save()
	require.Len(t, saved, 1, "bob's session expired")
	for _, v := range saved {
		assert.NotContains(t, v.TokenSHA256, alice.Value, "tokens are saved as hashes only")
	}
	restored := NewSessions(SessionOptions{IdleTimeout: time.Hour, Now: func() time.Time { return now }})
	restored.Restore(append(saved,
		SavedSession{TokenSHA256: "zz", Name: "x", Role: "user", CSRF: "c"},
		SavedSession{TokenSHA256: saved[0].TokenSHA256, Name: "eve", Role: "root", CSRF: "c"}))
	id, csrf, ok := restored.lookup(r)
	require.True(t, ok)
	assert.Equal(t, Identity{Name: "alice", DisplayName: "Alice", Role: recordings.RoleUser}, id)
	assert.Equal(t, aliceCSRF, csrf)
	r = httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(old)
	_, _, ok = restored.lookup(r)
	assert.False(t, ok)
	assert.Len(t, restored.Save(), 1, "malformed entries are left out")
}

func TestParseFilter(t *testing.T) {
	f, err := parseFilter(httptest.NewRequest(http.MethodGet, "/api/v1/recordings?q=bob&owner=&from=2026-01-01T00:00:00Z&direction=in&status=ready&limit=900&cursor=abc", nil))
	require.NoError(t, err)
	require.NotNil(t, f.Owner)
	assert.Equal(t, "", *f.Owner, "owner= selects recordings without owner")
	assert.Equal(t, "bob", f.Text)
	assert.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), f.From)
	assert.Equal(t, recordings.MaxPageSize, f.Limit, "limit is capped")
	assert.Equal(t, "abc", f.Cursor)

	f, err = parseFilter(httptest.NewRequest(http.MethodGet, "/api/v1/recordings", nil))
	require.NoError(t, err)
	assert.Nil(t, f.Owner)
	assert.Equal(t, 0, f.Limit, "default")

	for _, q := range []string{"from=yesterday", "to=2026-01-01", "direction=sideways", "status=lost", "limit=0", "limit=-3", "limit=x"} {
		_, err := parseFilter(httptest.NewRequest(http.MethodGet, "/api/v1/recordings?"+q, nil))
		assert.Equal(t, recordings.Invalid, recordings.ErrorCode(err), q)
	}
}

func TestInfoStreams(t *testing.T) {
	for _, tc := range []struct {
		name, detail, want string
		wantErr            bool
	}{
		{"pcap info", `{"streams":[{"direction":"local","packets":3},{"direction":"remote"}],"warnings":["cut short"]}`,
			`[{"direction":"local","packets":3},{"direction":"remote"}]`, false},
		{"pcap info without streams", `{"streams":null,"warnings":[]}`, `[]`, false},
		{"array", ` [{"direction":"local"}]`, `[{"direction":"local"}]`, false},
		{"not converted", ``, `[]`, false},
		{"null", `null`, `[]`, false},
		{"unreadable", `{"streams":`, `[]`, true},
		{"not streams", `"text"`, `[]`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := infoStreams([]byte(tc.detail))
			if tc.wantErr {
				assert.Error(t, err)
			} else {
				assert.NoError(t, err)
			}
			b, err := json.Marshal(got)
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(b))
		})
	}
}

// TestSessionCookie: the session cookie is SameSite=Lax (Secure when asked)
// unless the apps are framed by another site: then SameSite=None, Secure
// and Partitioned, and the cookie that ends a session carries the same
// attributes, so that it reaches the partitioned cookie.
func TestSessionCookie(t *testing.T) {
	for _, tc := range []struct {
		name              string
		opts              SessionOptions
		sameSite          http.SameSite
		secure, partition bool
	}{
		{"plain HTTP", SessionOptions{}, http.SameSiteLaxMode, false, false},
		{"HTTPS", SessionOptions{Secure: true}, http.SameSiteLaxMode, true, false},
		{"framed by another site", SessionOptions{Secure: true, CrossSite: true}, http.SameSiteNoneMode, true, true},
		{"framed by another site, Secure implied", SessionOptions{CrossSite: true}, http.SameSiteNoneMode, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSessions(tc.opts)
			w := httptest.NewRecorder()
			s.start(w, Identity{Name: "alice", Role: recordings.RoleUser})
			require.Len(t, w.Result().Cookies(), 1)
			started := w.Result().Cookies()[0]

			r := httptest.NewRequest(http.MethodPost, "/api/v1/logout", nil)
			r.AddCookie(&http.Cookie{Name: started.Name, Value: started.Value})
			w = httptest.NewRecorder()
			s.end(w, r)
			require.Len(t, w.Result().Cookies(), 1)
			ended := w.Result().Cookies()[0]
			assert.Equal(t, -1, ended.MaxAge)

			for _, c := range []*http.Cookie{started, ended} {
				assert.Equal(t, "callrec_session", c.Name)
				assert.Equal(t, "/", c.Path)
				assert.True(t, c.HttpOnly)
				assert.Equal(t, tc.sameSite, c.SameSite)
				assert.Equal(t, tc.secure, c.Secure)
				assert.Equal(t, tc.partition, c.Partitioned)
			}
		})
	}
}
