package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
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

// selfSigned writes a certificate for 127.0.0.1 and its key as PEM files
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
