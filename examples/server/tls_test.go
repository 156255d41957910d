package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// selfSigned writes a certificate for 127.0.0.1 and localhost and its key as PEM files
// in dir and returns their paths and a pool trusting the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "callrec test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600))
	return certFile, keyFile, pool
}

// TestTLS serves HTTPS with -tls-cert and -tls-key: the URL printed is
// https, answers carry HSTS, and the session cookie is Secure.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key, pool := selfSigned(t, t.TempDir())
	ts := startServer(t, dir, "-users", writeUsers(t, dir), "-tls-cert", cert, "-tls-key", key)
	require.True(t, strings.HasPrefix(ts.URL(), "https://"))
	assert.Contains(t, ts.stdout.String(), "https://")

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := newClient(t, ts.URL())
	c.http = &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, _ := c.do(http.MethodPost, "/api/v1/login", map[string]string{"name": "alice", "password": "alice-pw"})
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NotEmpty(t, res.Cookies())
	assert.True(t, res.Cookies()[0].Secure, "the session cookie is Secure")
	assert.True(t, res.Cookies()[0].HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, res.Cookies()[0].SameSite)
	for _, p := range []string{"/api/v1/me", "/healthz", "/recordings/innovaphone-recordings.htm"} {
		res, _ := c.do(http.MethodGet, p, nil)
		assert.Equal(t, http.StatusOK, res.StatusCode, p)
		assert.Equal(t, "max-age=31536000", res.Header.Get("Strict-Transport-Security"), p)
	}
}

// TestCrossSiteSessionCookie: reached over HTTPS (served or behind a TLS
// proxy) and framed by another origin (-frame-ancestors, myApps on the
// PBX), the session cookie is SameSite=None; Secure; Partitioned, the kind
// browsers send in a cross-site frame; otherwise it stays SameSite=Lax.
// With the cross-site cookie every state-changing request still needs the
// session's CSRF token, and cross-origin ones are refused even with it.
func TestCrossSiteSessionCookie(t *testing.T) {
	const pbx = "https://pbx.example.com"
	for _, tc := range []struct {
		name      string
		tls       bool
		args      []string
		sameSite  http.SameSite
		secure    bool
		crossSite bool
	}{
		{"TLS, framed by the PBX", true, []string{"-frame-ancestors", pbx}, http.SameSiteNoneMode, true, true},
		{"TLS proxy, framed by the PBX", false, []string{"-tls-proxy", "-frame-ancestors", "'self' " + pbx}, http.SameSiteNoneMode, true, true},
		{"TLS, framed by itself only", true, nil, http.SameSiteLaxMode, true, false},
		{"TLS proxy, framed by nobody", false, []string{"-tls-proxy", "-frame-ancestors", "'none'"}, http.SameSiteLaxMode, true, false},
		{"plain HTTP, framed by the PBX", false, []string{"-frame-ancestors", pbx}, http.SameSiteLaxMode, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"-users", writeUsers(t, dir)}, tc.args...)
			hc := &http.Client{}
			if tc.tls {
				cert, key, pool := selfSigned(t, t.TempDir())
				args = append(args, "-tls-cert", cert, "-tls-key", key)
				hc.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
			}
			ts := startServer(t, dir, args...)
			// A browser's request from the app's own page, with the cookie
			// (set by hand: a cookie jar keeps Secure cookies from plain
			// HTTP, which the TLS proxy's case is here).
			send := func(method, path, body string, cookie *http.Cookie, hdr ...string) (*http.Response, string) {
				t.Helper()
				req := mustRequest(t, method, ts.URL()+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				if cookie != nil {
					req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
				}
				for i := 0; i+1 < len(hdr); i += 2 {
					req.Header.Set(hdr[i], hdr[i+1])
				}
				res, err := hc.Do(req)
				require.NoError(t, err)
				defer res.Body.Close()
				data, err := io.ReadAll(res.Body)
				require.NoError(t, err)
				return res, string(data)
			}
			res, _ := send(http.MethodPost, "/api/v1/login", `{"name":"admin","password":"admin-pw"}`, nil)
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Len(t, res.Cookies(), 1)
			cookie, csrf := res.Cookies()[0], res.Header.Get("X-CSRF-Token")
			require.NotEmpty(t, csrf)
			assert.True(t, cookie.HttpOnly)
			assert.Equal(t, tc.sameSite, cookie.SameSite)
			assert.Equal(t, tc.secure, cookie.Secure)
			assert.Equal(t, tc.crossSite, cookie.Partitioned)
			if !tc.crossSite {
				return
			}

			for _, r := range []struct{ method, path, body string }{
				{http.MethodPost, "/api/v1/recordings/none/protect", ""},
				{http.MethodPost, "/api/v1/recordings/none/unprotect", ""},
				{http.MethodDelete, "/api/v1/recordings/none", ""},
				{http.MethodPost, "/api/v1/recordings/none/notes", `{"text":"hello"}`},
				{http.MethodPut, "/api/v1/settings", `{}`},
				{http.MethodPost, "/api/v1/logout", ""}, // last: it ends the session
			} {
				t.Run(r.method+" "+r.path, func(t *testing.T) {
					for _, bad := range []struct{ name, token string }{{"without token", ""}, {"wrong token", csrf + "x"}} {
						res, body := send(r.method, r.path, r.body, cookie, "X-CSRF-Token", bad.token)
						assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s: %s", bad.name, body)
						assert.Contains(t, body, "CSRF", bad.name)
					}
					res, body := send(r.method, r.path, r.body, cookie, "X-CSRF-Token", csrf, "Sec-Fetch-Site", "cross-site")
					assert.Equal(t, http.StatusForbidden, res.StatusCode, "from another site, even with the token: %s", body)
					assert.Contains(t, body, "cross-origin")
					res, body = send(r.method, r.path, r.body, cookie, "X-CSRF-Token", csrf)
					assert.NotEqual(t, http.StatusForbidden, res.StatusCode, "with the token: %s", body)
					assert.NotEqual(t, http.StatusUnauthorized, res.StatusCode, "with the token: %s", body)
				})
			}
			res, _ = send(http.MethodGet, "/api/v1/me", "", cookie)
			assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "logged out")
		})
	}
}
