package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/rtpcodec/convert"
)

const testConf = "f9e5956e47d460010630009033302ab1"

func TestFirstStart(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	pwFile := filepath.Join(dir, "initial-admin-password")
	st, err := os.Stat(pwFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	assert.Contains(t, ts.stdout.String(), pwFile, "prints where the password is")
	pw, err := os.ReadFile(pwFile)
	require.NoError(t, err)
	assert.NotContains(t, ts.stdout.String(), strings.TrimSpace(string(pw)), "never prints the password")
	assert.Contains(t, ts.stdout.String(), "/recordings/innovaphone-recordings.htm")

	c := newClient(t, ts.URL())
	c.login("admin", strings.TrimSpace(string(pw)))
	me := c.json(http.MethodGet, "/api/v1/me", nil, http.StatusOK)
	assert.Equal(t, map[string]any{"name": "admin", "display_name": "Administrator", "role": "admin"}, me)

	ts.stop()
	t.Run("second start keeps the users file", func(t *testing.T) {
		ts2 := startServer(t, dir)
		assert.NotContains(t, ts2.stdout.String(), "created")
		c := newClient(t, ts2.URL())
		c.login("admin", strings.TrimSpace(string(pw)))
	})
}

func TestFirstStartWithAdminPassword(t *testing.T) {
	dir := t.TempDir()
	ts := startServerWith(t, dir, func(m *Main) { m.Config.AdminPassword = "chosen-pw" })
	assert.Contains(t, ts.stdout.String(), "CALLREC_ADMIN_PASSWORD")
	assert.NotContains(t, ts.stdout.String(), "chosen-pw")
	assert.NoFileExists(t, filepath.Join(dir, "initial-admin-password"))
	newClient(t, ts.URL()).login("admin", "chosen-pw")

	m := NewMain()
	require.NoError(t, m.ParseFlags(nil, func(k string) (string, bool) {
		return "from-env", k == "CALLREC_ADMIN_PASSWORD"
	}))
	assert.Equal(t, "from-env", m.Config.AdminPassword)
}

func TestFlagsAndEnvironment(t *testing.T) {
	env := map[string]string{"CALLREC_WEBDAV_PASSWORD": "from-env", "CALLREC_LICENSES": "7", "CALLREC_BASE": "/company.com/recordings"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	m := NewMain()
	require.NoError(t, m.ParseFlags([]string{"-licenses", "3"}, lookup))
	assert.Equal(t, "from-env", m.Config.WebDAVPassword)
	assert.Equal(t, 3, m.Config.Licenses, "the command line wins")
	assert.Equal(t, "/company.com/recordings", m.Config.Base)
	assert.True(t, m.Config.set["webdav-password"] && m.Config.set["licenses"])
	assert.False(t, m.Config.set["webdav-user"])

	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad env value", nil, map[string]string{"CALLREC_LICENSES": "many"}, "CALLREC_LICENSES"},
		{"base with trailing slash", []string{"-base", "/rec/"}, nil, "-base"},
		{"base under the API", []string{"-base", "/api"}, nil, "REST API"},
		{"tls half", []string{"-tls-cert", "c.pem"}, nil, "-tls-key"},
		{"cdr half", []string{"-cdr-user", "pbx"}, nil, "-cdr-password"},
		{"stray argument", []string{"extra"}, nil, "unexpected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := NewMain().ParseFlags(tc.args, func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.Equal(t, "CALLREC_WEBDAV_PASSWORD", envName("webdav-password"))

	t.Run("every flag of the contract has its variable", func(t *testing.T) {
		env := map[string]string{
			"CALLREC_LISTEN": "127.0.0.1:9999", "CALLREC_DATA": "/srv/rec", "CALLREC_BASE": "/company.com/recordings",
			"CALLREC_USERS": "/etc/users.json", "CALLREC_WEBDAV_USER": "wu", "CALLREC_WEBDAV_PASSWORD": "wp",
			"CALLREC_CDR_USER": "cu", "CALLREC_CDR_PASSWORD": "cp", "CALLREC_LICENSES": "12",
			"CALLREC_APP_PASSWORD": "ap", "CALLREC_TLS_CERT": "c.pem", "CALLREC_TLS_KEY": "k.pem",
			"CALLREC_TLS_PROXY": "true",
		}
		m := NewMain()
		require.NoError(t, m.ParseFlags(nil, func(k string) (string, bool) { v, ok := env[k]; return v, ok }))
		c := m.Config
		assert.Equal(t, []string{"127.0.0.1:9999", "/srv/rec", "/company.com/recordings", "/etc/users.json", "wu", "wp", "cu", "cp", "ap", "c.pem", "k.pem"},
			[]string{c.Listen, c.Data, c.Base, c.Users, c.WebDAVUser, c.WebDAVPassword, c.CDRUser, c.CDRPassword, c.AppPassword, c.TLSCert, c.TLSKey})
		assert.Equal(t, 12, c.Licenses)
		assert.True(t, c.TLSProxy)
	})
	t.Run("defaults", func(t *testing.T) {
		c := NewMain().Config
		assert.Equal(t, []string{"127.0.0.1:8080", "./callrec-data", "/recordings", "callrec-data/users.json"},
			[]string{c.Listen, c.Data, c.Base, c.Users})
	})
}

// TestEndToEnd drives the whole server with real adapters: a phone uploads
// with Digest, the PBX sends the CDR, the recording converts, its owner
// plays, downloads, protects and deletes it, another user cannot see it,
// the admin changes settings, and a myApps page logs in with AppLogin.
func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	users := writeUsers(t, dir)
	ts := startServer(t, dir, "-users", users, "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
		"-cdr-user", testCDRUser, "-cdr-password", testCDRPass, "-licenses", "5", "-app-password", testAppPass)
	name := testConf + "-009033302ab1-11--alice-phone.pcap"
	pcap := fixturePCAP(t, 3*time.Second)

	t.Run("upload refused without credentials", func(t *testing.T) {
		res, err := http.DefaultClient.Do(mustRequest(t, http.MethodPut, ts.base+"/Files/"+name, bytes.NewReader(pcap)))
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
		assert.GreaterOrEqual(t, len(res.Header.Values("WWW-Authenticate")), 2)
	})
	t.Run("upload with Digest", func(t *testing.T) {
		res := digestPUT(t, ts.base+"/Files/"+name, pcap, testWebDAVUser, testWebDAVPass)
		res.Body.Close()
		require.Equal(t, http.StatusCreated, res.StatusCode)
	})
	t.Run("upload with Basic, path traversal refused", func(t *testing.T) {
		req := mustRequest(t, http.MethodPut, ts.base+"/Files/..%2F..%2Fetc%2Fpasswd", bytes.NewReader(pcap))
		req.SetBasicAuth(testWebDAVUser, testWebDAVPass)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	})
	t.Run("CDR intake", func(t *testing.T) {
		req := mustRequest(t, http.MethodPost, ts.base+"/cdr", strings.NewReader(cdrXML(testConf, "alice", "alice-phone")))
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusUnauthorized, res.StatusCode)
		require.Equal(t, http.StatusOK, postCDR(t, ts, cdrXML(testConf, "alice", "alice-phone")))
	})

	alice := newClient(t, ts.URL())
	alice.login("alice", "alice-pw")
	var id string
	waitFor(t, "alice's recording, converted", 60*time.Second, func() bool {
		list := alice.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)
		recs := list["recordings"].([]any)
		if len(recs) != 1 {
			return false
		}
		r := recs[0].(map[string]any)
		id = r["id"].(string)
		return r["status"] == "ready"
	})
	rec := alice.json(http.MethodGet, "/api/v1/recordings/"+id, nil, http.StatusOK)
	assert.Equal(t, "alice", rec["owner"])
	assert.Equal(t, "Alice <A>", rec["owner_display"])
	assert.Equal(t, "internal", rec["direction"], "alice called carol on the same PBX")
	assert.Equal(t, "Carol <C> (101)", rec["remote"])
	assert.Equal(t, testConf+"-009033302ab1-11--alice-phone.pcap", rec["file_name"])
	assert.Equal(t, true, rec["accessible"])
	assert.Equal(t, false, rec["no_cdr"])
	assert.InDelta(t, 3000, rec["duration_ms"], 100)
	assert.Equal(t, []any{"PCMA"}, rec["codecs"])
	// streams and warnings are those pcap2wav -info prints for the pcap.
	info, err := convert.Inspect(context.Background(), bytes.NewReader(pcap), convert.Options{})
	require.NoError(t, err)
	printed, err := json.Marshal(info)
	require.NoError(t, err)
	var want map[string]any
	require.NoError(t, json.Unmarshal(printed, &want))
	require.Len(t, want["streams"], 2)
	assert.Equal(t, want["streams"], rec["streams"])
	assert.Equal(t, []any{}, rec["warnings"])
	assert.NotNil(t, rec["cdr"])

	t.Run("audio with byte ranges", func(t *testing.T) {
		res, body := alice.do(http.MethodGet, "/api/v1/recordings/"+id+"/audio", nil, "Range", "bytes=0-43")
		require.Equal(t, http.StatusPartialContent, res.StatusCode)
		assert.Equal(t, "audio/wav", res.Header.Get("Content-Type"))
		require.Len(t, body, 44)
		assert.Equal(t, "RIFF", string(body[:4]))
		assert.Equal(t, "WAVE", string(body[8:12]))
	})
	t.Run("download ZIP", func(t *testing.T) {
		res, body := alice.do(http.MethodGet, "/api/v1/recordings/"+id+"/download?format=zip", nil)
		require.Equal(t, http.StatusOK, res.StatusCode)
		assert.Contains(t, res.Header.Get("Content-Disposition"), "attachment")
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		require.NoError(t, err)
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		assert.ElementsMatch(t, []string{testConf + "-009033302ab1-11--alice-phone.wav", "call-info.json", "notes.json", "activity-log.json"}, names)
	})
	t.Run("pcap only for admins", func(t *testing.T) {
		res, _ := alice.do(http.MethodGet, "/api/v1/recordings/"+id+"/download?format=pcap", nil)
		assert.Equal(t, http.StatusForbidden, res.StatusCode)
	})
	t.Run("notes", func(t *testing.T) {
		notes := alice.json(http.MethodPost, "/api/v1/recordings/"+id+"/notes", map[string]string{"text": "call back <b>Carol</b>"}, http.StatusCreated)
		require.Len(t, notes["notes"], 1)
		n := notes["notes"].([]any)[0].(map[string]any)
		assert.Equal(t, "call back <b>Carol</b>", n["text"])
		assert.Equal(t, "alice", n["author"])
	})
	t.Run("CSRF token required with a session", func(t *testing.T) {
		saved := alice.csrf
		alice.csrf = ""
		res, body := alice.do(http.MethodPost, "/api/v1/recordings/"+id+"/protect", nil)
		alice.csrf = saved
		assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s", body)
	})
	t.Run("cross-origin request refused", func(t *testing.T) {
		res, _ := alice.do(http.MethodPost, "/api/v1/recordings/"+id+"/protect", nil, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
		assert.Equal(t, http.StatusForbidden, res.StatusCode)
	})
	t.Run("protect, delete refused, unprotect, delete", func(t *testing.T) {
		r := alice.json(http.MethodPost, "/api/v1/recordings/"+id+"/protect", nil, http.StatusOK)
		assert.Equal(t, true, r["protected"])
		refused := alice.json(http.MethodDelete, "/api/v1/recordings/"+id, nil, http.StatusConflict)
		assert.Equal(t, "protected", refused["error"].(map[string]any)["code"])

		bob := newClient(t, ts.URL())
		bob.login("bob", "bob-pw")
		nf := bob.json(http.MethodGet, "/api/v1/recordings/"+id, nil, http.StatusNotFound)
		assert.Equal(t, "not_found", nf["error"].(map[string]any)["code"])
		bob.json(http.MethodGet, "/api/v1/recordings/"+id+"/audio", nil, http.StatusNotFound)
		assert.Empty(t, bob.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"])
		assert.Empty(t, bob.json(http.MethodGet, "/api/v1/logs", nil, http.StatusOK)["entries"])

		r = alice.json(http.MethodPost, "/api/v1/recordings/"+id+"/unprotect", nil, http.StatusOK)
		assert.Equal(t, false, r["protected"])
		logs := alice.json(http.MethodGet, "/api/v1/logs?recording="+id, nil, http.StatusOK)
		var actions []string
		for _, e := range logs["entries"].([]any) {
			actions = append(actions, e.(map[string]any)["action"].(string))
		}
		assert.Subset(t, actions, []string{"protect", "unprotect", "note", "listen", "download"})

		res, _ := alice.do(http.MethodDelete, "/api/v1/recordings/"+id, nil)
		assert.Equal(t, http.StatusNoContent, res.StatusCode)
		alice.json(http.MethodGet, "/api/v1/recordings/"+id, nil, http.StatusNotFound)
	})

	admin := newClient(t, ts.URL())
	t.Run("Basic auth for scripts", func(t *testing.T) {
		req := mustRequest(t, http.MethodGet, ts.URL()+"/api/v1/me", nil)
		req.SetBasicAuth("admin", "admin-pw")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusOK, res.StatusCode)
		req = mustRequest(t, http.MethodGet, ts.URL()+"/api/v1/me", nil)
		res, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
		assert.Contains(t, res.Header.Get("WWW-Authenticate"), "Basic")
	})
	t.Run("settings", func(t *testing.T) {
		admin.login("admin", "admin-pw")
		s := admin.json(http.MethodGet, "/api/v1/settings", nil, http.StatusOK)
		assert.Equal(t, "", s["pbx_name"])
		assert.Equal(t, float64(5), s["licenses"])
		assert.Equal(t, testWebDAVUser, s["webdav_user"])
		assert.NotContains(t, s, "webdav_password")
		assert.Equal(t, map[string]any{"pbx_name_missing": true}, alice.json(http.MethodGet, "/api/v1/status", nil, http.StatusOK))
		s = admin.json(http.MethodPut, "/api/v1/settings", map[string]any{"retention_days": 30, "pbx_name": "pbx1",
			"trace_levels": map[string]string{"Converting": "debug"}}, http.StatusOK)
		assert.Equal(t, float64(30), s["retention_days"])
		assert.Equal(t, "pbx1", s["pbx_name"])
		assert.Equal(t, "debug", s["trace_levels"].(map[string]any)["Converting"])
		bad := admin.json(http.MethodPut, "/api/v1/settings", map[string]any{"retention_days": 20000}, http.StatusBadRequest)
		assert.Equal(t, "invalid", bad["error"].(map[string]any)["code"])
		alice.json(http.MethodGet, "/api/v1/settings", nil, http.StatusForbidden)
		assert.Equal(t, map[string]any{"pbx_name_missing": false}, alice.json(http.MethodGet, "/api/v1/status", nil, http.StatusOK))
	})
	t.Run("new WebDAV password works for Digest, the old one does not", func(t *testing.T) {
		admin.json(http.MethodPut, "/api/v1/settings", map[string]any{"webdav_password": "rotated"}, http.StatusOK)
		res := digestPUT(t, ts.base+"/Files/"+testConf+"-009033302ab1-12--bob-phone.pcap", pcap, testWebDAVUser, "rotated")
		res.Body.Close()
		assert.Equal(t, http.StatusCreated, res.StatusCode)
		res = digestPUT(t, ts.base+"/Files/"+testConf+"-009033302ab1-13.pcap", pcap, testWebDAVUser, testWebDAVPass)
		res.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	})
	t.Run("a new WebDAV user needs the password too", func(t *testing.T) {
		bad := admin.json(http.MethodPut, "/api/v1/settings", map[string]any{"webdav_user": "recorder"}, http.StatusBadRequest)
		assert.Equal(t, "invalid", bad["error"].(map[string]any)["code"])
		admin.json(http.MethodPut, "/api/v1/settings", map[string]any{"webdav_user": testWebDAVUser}, http.StatusOK) // unchanged
		admin.json(http.MethodPut, "/api/v1/settings", map[string]any{"webdav_user": "recorder", "webdav_password": "pw2"}, http.StatusOK)
		for _, tc := range []struct {
			user, password string
			want           int
		}{{testWebDAVUser, "rotated", http.StatusUnauthorized}, {"recorder", "pw2", http.StatusCreated}} {
			res := digestPUT(t, ts.base+"/Files/"+testConf+"-009033302ab1-14.pcap", pcap, tc.user, tc.password)
			res.Body.Close()
			assert.Equal(t, tc.want, res.StatusCode, "Digest as %s", tc.user)
			req := mustRequest(t, http.MethodPut, ts.base+"/Files/"+testConf+"-009033302ab1-15.pcap", bytes.NewReader(pcap))
			req.SetBasicAuth(tc.user, tc.password)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, tc.want, res.StatusCode, "Basic as %s", tc.user)
		}
	})
	t.Run("licence status", func(t *testing.T) {
		lic := admin.json(http.MethodGet, "/api/v1/license", nil, http.StatusOK)
		assert.Equal(t, "open", lic["mode"])
		assert.Equal(t, float64(5), lic["allocated"])
		alice.json(http.MethodGet, "/api/v1/license", nil, http.StatusForbidden)
	})
	t.Run("health, readiness, metrics", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/readyz"} {
			res, err := http.Get(ts.URL() + p)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, http.StatusOK, res.StatusCode, p)
		}
		res, err := http.Get(ts.URL() + "/metrics")
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, m := range []string{`callrec_uploads_total{code="201"}`, "callrec_upload_bytes_total", "callrec_conversions_total", "callrec_conversion_queue_depth", "callrec_recordings_stored_total 4", "callrec_recordings_refused_total 1", `callrec_cdr_requests_total{code="200"}`} {
			assert.Contains(t, string(body), m)
		}
	})
	t.Run("apps served with CSP", func(t *testing.T) {
		for _, app := range []string{"innovaphone-recordings.htm", "innovaphone-recordingsadmin.htm", "app.js"} {
			res, err := http.Get(ts.base + "/" + app)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, http.StatusOK, res.StatusCode, app)
			assert.Contains(t, res.Header.Get("Content-Security-Policy"), "script-src 'self'")
		}
	})
	t.Run("AppLogin gives a session", func(t *testing.T) {
		res := appLogin(t, ts, userApp, "dave", "Dave D")
		require.Equal(t, true, res["ok"], "%v", res)
		dave := newClient(t, ts.URL())
		me := dave.json(http.MethodPost, "/api/v1/session", map[string]string{"ticket": res["ticket"].(string)}, http.StatusOK)
		assert.Equal(t, map[string]any{"name": "dave", "display_name": "Dave D", "role": "user"}, me)
		assert.Equal(t, "dave", dave.json(http.MethodGet, "/api/v1/me", nil, http.StatusOK)["name"])
		dave.json(http.MethodPost, "/api/v1/session", map[string]string{"ticket": res["ticket"].(string)}, http.StatusUnauthorized)
		dave.json(http.MethodGet, "/api/v1/settings", nil, http.StatusForbidden)
		res2, _ := dave.do(http.MethodPost, "/api/v1/logout", nil)
		assert.Equal(t, http.StatusNoContent, res2.StatusCode)
		dave.json(http.MethodGet, "/api/v1/me", nil, http.StatusUnauthorized)

		erin := sessionFor(t, ts, appLogin(t, ts, adminApp, "erin", "Erin E"))
		assert.Equal(t, "admin", erin.json(http.MethodGet, "/api/v1/me", nil, http.StatusOK)["role"], "the admin app logs in as an admin")
		erin.json(http.MethodGet, "/api/v1/settings", nil, http.StatusOK)
		assert.Equal(t, false, appLogin(t, ts, "innovaphone-other", "erin", "Erin E")["ok"], "another app is refused")
	})
	t.Run("login rate limit", func(t *testing.T) {
		c := newClient(t, ts.URL())
		var last map[string]any
		for range 7 {
			last = c.json(http.MethodPost, "/api/v1/login", map[string]string{"name": "bob", "password": "guess"}, http.StatusUnauthorized)
		}
		assert.Contains(t, last["error"].(map[string]any)["message"], "too many")
	})
}
