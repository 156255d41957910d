package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/auth"
)

// The example of RFC 7616 section 3.9.1.
func TestDigestResponseRFC7616(t *testing.T) {
	const (
		user, realm, pw = "Mufasa", "http-auth@example.org", "Circle of Life"
		nonce           = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
		cnonce          = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
	)
	for _, tc := range []struct{ alg, want string }{
		{auth.MD5, "8ca523f5e9506fed4657c9700eebdbec"},
		{auth.SHA256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			ha1 := auth.HA1(tc.alg, user, realm, pw)
			got := auth.DigestResponse(tc.alg, ha1, nonce, "00000001", cnonce, "auth", "GET", "/dir/index.html")
			assert.Equal(t, tc.want, got)
		})
	}
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newGuard(t *testing.T, c *clock, lim auth.Attempts) *auth.Guard {
	t.Helper()
	return auth.NewGuard(auth.Secrets{
		Basic: func(_ context.Context, u, p string) (bool, error) { return u == "phone" && p == "s3cret", nil },
		HA1: func(_ context.Context, alg, u string) (string, bool, error) {
			if u != "phone" {
				return "", false, nil
			}
			return auth.HA1(alg, u, "callrec", "s3cret"), true, nil
		},
	}, auth.GuardOptions{Now: c.now, Attempts: lim})
}

func serve(g *auth.Guard, req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "hello ", auth.User(r.Context()))
	})).ServeHTTP(w, req)
	return w
}

// challenge returns the nonce of the challenge for alg.
func challenge(t *testing.T, w *httptest.ResponseRecorder, alg string) (nonce string, stale bool) {
	t.Helper()
	for _, h := range w.Result().Header.Values("WWW-Authenticate") {
		if strings.HasPrefix(h, "Digest ") && strings.Contains(h, "algorithm="+alg) {
			_, rest, _ := strings.Cut(h, `nonce="`)
			nonce, _, _ = strings.Cut(rest, `"`)
			return nonce, strings.Contains(h, "stale=true")
		}
	}
	t.Fatalf("no Digest %s challenge in %v", alg, w.Result().Header)
	return "", false
}

func digestHeader(alg, user, pw, nonce, nc, method, uri string) string {
	ha1 := auth.HA1(alg, user, "callrec", pw)
	resp := auth.DigestResponse(alg, ha1, nonce, nc, "abcdef", "auth", method, uri)
	return fmt.Sprintf(`Digest username=%q, realm="callrec", nonce=%q, uri=%q, algorithm=%s, qop=auth, nc=%s, cnonce="abcdef", response=%q`,
		user, nonce, uri, alg, nc, resp)
}

func TestGuard(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)}
	g := newGuard(t, c, nil)
	const uri = "/recordings/Files/a.pcap"

	first := serve(g, httptest.NewRequest(http.MethodPut, uri, nil))
	require.Equal(t, http.StatusUnauthorized, first.Code)
	assert.Len(t, first.Result().Header.Values("WWW-Authenticate"), 3, "Digest SHA-256, Digest MD5, Basic")

	for _, alg := range []string{auth.SHA256, auth.MD5} {
		t.Run("digest "+alg, func(t *testing.T) {
			nonce, _ := challenge(t, first, alg)
			for _, tc := range []struct {
				name, user, pw, nc, method, uri string
				code                            int
			}{
				{"right", "phone", "s3cret", "00000001", "PUT", uri, 200},
				{"next count", "phone", "s3cret", "00000002", "PUT", uri, 200},
				{"replayed count", "phone", "s3cret", "00000002", "PUT", uri, 401},
				{"wrong password", "phone", "guess", "00000003", "PUT", uri, 401},
				{"unknown user", "mallory", "s3cret", "00000004", "PUT", uri, 401},
				{"other uri", "phone", "s3cret", "00000005", "PUT", "/recordings/Files/b.pcap", 401},
				{"other method", "phone", "s3cret", "00000006", "GET", uri, 401},
			} {
				t.Run(tc.name, func(t *testing.T) {
					req := httptest.NewRequest(http.MethodPut, uri, nil)
					req.Header.Set("Authorization", digestHeader(alg, tc.user, tc.pw, nonce, tc.nc, tc.method, tc.uri))
					w := serve(g, req)
					assert.Equal(t, tc.code, w.Code)
					if tc.code == 200 {
						assert.Equal(t, "hello phone", w.Body.String())
					}
				})
			}
		})
	}

	t.Run("forged nonce", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPut, uri, nil)
		req.Header.Set("Authorization", digestHeader(auth.SHA256, "phone", "s3cret", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "00000001", "PUT", uri))
		assert.Equal(t, http.StatusUnauthorized, serve(g, req).Code)
	})

	t.Run("expired nonce is stale", func(t *testing.T) {
		nonce, _ := challenge(t, first, auth.SHA256)
		c.t = c.t.Add(6 * time.Minute)
		req := httptest.NewRequest(http.MethodPut, uri, nil)
		req.Header.Set("Authorization", digestHeader(auth.SHA256, "phone", "s3cret", nonce, "00000009", "PUT", uri))
		w := serve(g, req)
		require.Equal(t, http.StatusUnauthorized, w.Code)
		_, stale := challenge(t, w, auth.SHA256)
		assert.True(t, stale)
	})

	for _, tc := range []struct {
		name, user, pw string
		code           int
	}{
		{"basic right", "phone", "s3cret", 200},
		{"basic wrong", "phone", "s3cre", 401},
		{"basic unknown", "x", "s3cret", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPut, uri, nil)
			req.SetBasicAuth(tc.user, tc.pw)
			assert.Equal(t, tc.code, serve(g, req).Code)
		})
	}
}

func TestGuardRateLimit(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)}
	lim := auth.NewLimiter(auth.LimiterOptions{Free: 2, Now: c.now})
	g := newGuard(t, c, lim)
	try := func(pw string) int {
		req := httptest.NewRequest(http.MethodPut, "/x", nil)
		req.SetBasicAuth("phone", pw)
		return serve(g, req).Code
	}
	assert.Equal(t, 401, try("a"))
	assert.Equal(t, 401, try("b"))
	assert.Equal(t, 401, try("c")) // third failure: from now on, wait
	assert.Equal(t, http.StatusTooManyRequests, try("s3cret"), "even the right password waits")
	c.t = c.t.Add(2 * time.Second)
	assert.Equal(t, 200, try("s3cret"))
	assert.Equal(t, 401, try("d"), "success forgot the failures")
}

func TestLimiter(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)}
	l := auth.NewLimiter(auth.LimiterOptions{Free: 1, Delay: time.Second, MaxDelay: 4 * time.Second, Forget: time.Hour, Now: c.now})
	allowed := func() bool { _, ok := l.Allow("k"); return ok }

	assert.True(t, allowed())
	l.Fail("k")
	assert.True(t, allowed(), "one free failure")
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second} {
		l.Fail("k")
		wait, ok := l.Allow("k")
		require.False(t, ok)
		assert.Equal(t, want, wait)
		c.t = c.t.Add(wait)
		assert.True(t, allowed())
	}
	_, ok := l.Allow("other")
	assert.True(t, ok, "keys are independent")

	c.t = c.t.Add(time.Hour)
	l.Fail("k")
	assert.True(t, allowed(), "failures older than Forget are forgotten")
}

func TestLimiterBoundedKeys(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)}
	l := auth.NewLimiter(auth.LimiterOptions{Free: 1, MaxKeys: 10, Now: c.now})
	for i := range 100 {
		c.t = c.t.Add(time.Second)
		l.Fail(fmt.Sprint("k", i))
		l.Fail(fmt.Sprint("k", i))
	}
	_, ok := l.Allow("k99")
	assert.False(t, ok, "the newest key is kept")
}
