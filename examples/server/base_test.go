package main

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBasePath runs the server under -base /company.com/recordings: what
// the PBX, the phones and myApps reach moves under the base (the WebDAV
// files, the CDR URL, the AppWebsocket, the two apps), while /api/v1,
// /healthz, /readyz and /metrics stay at the root.
func TestBasePath(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir, "-base", "/company.com/recordings", "-users", writeUsers(t, dir),
		"-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
		"-cdr-user", testCDRUser, "-cdr-password", testCDRPass, "-app-password", testAppPass, "-licenses", "1")
	root := ts.URL()
	require.Equal(t, root+"/company.com/recordings", ts.base)
	assert.Contains(t, ts.stdout.String(), root+"/company.com/recordings/innovaphone-recordings.htm")

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	status := func(method, url string, body []byte, user, password string) int {
		t.Helper()
		req := mustRequest(t, method, url, bytes.NewReader(body))
		if user != "" {
			req.SetBasicAuth(user, password)
		}
		res, err := noRedirect.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	pcap := fixturePCAP(t, time.Second)
	for _, tc := range []struct {
		name, method, url string
		body              []byte
		user, password    string
		want              int
	}{
		{"upload under the base", http.MethodPut, ts.base + "/Files/" + testConf + "-009033302ab1-1--alice-phone.pcap", pcap, testWebDAVUser, testWebDAVPass, http.StatusCreated},
		{"no upload at the default base", http.MethodPut, root + "/recordings/Files/" + testConf + "-009033302ab1-2.pcap", pcap, testWebDAVUser, testWebDAVPass, http.StatusNotFound},
		{"CDR under the base", http.MethodPost, ts.base + "/cdr", []byte(cdrXML(testConf, "alice", "alice-phone")), testCDRUser, testCDRPass, http.StatusOK},
		{"user app", http.MethodGet, ts.base + "/innovaphone-recordings.htm", nil, "", "", http.StatusOK},
		{"admin app", http.MethodGet, ts.base + "/innovaphone-recordingsadmin.htm", nil, "", "", http.StatusOK},
		{"admin app as an App object names it", http.MethodGet, ts.base + "/innovaphone-recordingsadmin", nil, "", "", http.StatusOK},
		{"asset", http.MethodGet, ts.base + "/app.css", nil, "", "", http.StatusOK},
		{"the base itself leads to the user app", http.MethodGet, ts.base + "/", nil, "", "", http.StatusFound},
		{"the root leads to the user app", http.MethodGet, root + "/", nil, "", "", http.StatusFound},
		{"API at the root", http.MethodGet, root + "/api/v1/me", nil, "alice", "alice-pw", http.StatusOK},
		{"no API under the base", http.MethodGet, ts.base + "/api/v1/me", nil, "alice", "alice-pw", http.StatusNotFound},
		{"healthz", http.MethodGet, root + "/healthz", nil, "", "", http.StatusOK},
		{"readyz", http.MethodGet, root + "/readyz", nil, "", "", http.StatusOK},
		{"metrics", http.MethodGet, root + "/metrics", nil, "", "", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, status(tc.method, tc.url, tc.body, tc.user, tc.password))
		})
	}
	t.Run("PROPFIND names the collection by its absolute path under the base", func(t *testing.T) {
		req := mustRequest(t, "PROPFIND", ts.base+"/Files/", nil)
		req.SetBasicAuth(testWebDAVUser, testWebDAVPass)
		req.Header.Set("Depth", "0")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusMultiStatus, res.StatusCode)
		assert.Contains(t, string(body), "<D:href>/company.com/recordings/Files/</D:href>")
	})
	t.Run("a wrong method on an API route", func(t *testing.T) {
		req := mustRequest(t, http.MethodDelete, root+"/api/v1/me", nil)
		req.SetBasicAuth("alice", "alice-pw")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
		assert.Equal(t, "GET, HEAD", res.Header.Get("Allow"))
	})
	t.Run("AppWebsocket under the base", func(t *testing.T) {
		dave := sessionFor(t, ts, appLogin(t, ts, userApp, "dave", "Dave D"))
		assert.Equal(t, "dave", dave.json(http.MethodGet, "/api/v1/me", nil, http.StatusOK)["name"])
	})
	t.Run("the recording arrived", func(t *testing.T) {
		alice := newClient(t, root)
		alice.login("alice", "alice-pw")
		waitFor(t, "alice's recording", 30*time.Second, func() bool {
			return len(alice.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)) == 1
		})
	})
}
