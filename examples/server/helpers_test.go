package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/f0fce437/callrec/adapters/appws"
	"github.com/f0fce437/callrec/adapters/auth"
	"github.com/f0fce437/callrec/rtpcodec/callgen"
)

const (
	testWebDAVUser = "phone"
	testWebDAVPass = "webdav-secret"
	testCDRUser    = "pbx"
	testCDRPass    = "cdr-secret"
	testAppPass    = "app-secret"
)

// testServer is a Main running on 127.0.0.1:0 with a temporary data dir.
type testServer struct {
	*Main
	t      *testing.T
	base   string // URL of <base>
	cancel context.CancelFunc
	done   chan error
	stdout *bytes.Buffer
}

// writeUsers writes a users file: admin, alice (group sales, device
// alice-phone) and bob (device bob-phone), each with password "<name>-pw",
// leaving out the users named in except.
func writeUsers(t *testing.T, dir string, except ...string) string {
	t.Helper()
	hash := func(pw string) string {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		require.NoError(t, err)
		return string(h)
	}
	var users []map[string]any
	for _, u := range []map[string]any{
		{"name": "admin", "display_name": "The Admin", "role": "admin", "password_bcrypt": hash("admin-pw")},
		{"name": "alice", "display_name": "Alice <A>", "role": "user", "password_bcrypt": hash("alice-pw"), "groups": []string{"sales"}, "devices": []string{"alice-phone"}},
		{"name": "bob", "display_name": "Bob B", "role": "user", "password_bcrypt": hash("bob-pw"), "devices": []string{"bob-phone"}},
	} {
		if !slices.Contains(except, u["name"].(string)) {
			users = append(users, u)
		}
	}
	return writeUsersFile(t, dir, users)
}

// writeUsersFile writes users as the users file <dir>/users.json and
// returns its path.
func writeUsersFile(t *testing.T, dir string, users []map[string]any) string {
	t.Helper()
	data, err := json.Marshal(map[string]any{"users": users})
	require.NoError(t, err)
	path := filepath.Join(dir, "users.json")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

// addUser adds user to the users file at path.
func addUser(t *testing.T, path string, user map[string]any) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc map[string][]map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	doc["users"] = append(doc["users"], user)
	data, err = json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
}

// startServer runs Main with args (plus -listen and -data) until the test
// ends.
func startServer(t *testing.T, dataDir string, args ...string) *testServer {
	t.Helper()
	return startServerWith(t, dataDir, func(*Main) {}, args...)
}

// startServerWith is startServer with set changing Main (after its flags
// are parsed) before it runs.
func startServerWith(t *testing.T, dataDir string, set func(*Main), args ...string) *testServer {
	t.Helper()
	m := NewMain()
	all := append([]string{"-listen", "127.0.0.1:0", "-data", dataDir}, args...)
	require.NoError(t, m.ParseFlags(all, func(string) (string, bool) { return "", false }))
	set(m)
	out := &bytes.Buffer{}
	m.Stdout = out
	m.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		m.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{Main: m, t: t, cancel: cancel, done: make(chan error, 1), stdout: out}
	go func() { ts.done <- m.Run(ctx) }()
	select {
	case <-m.Started():
	case err := <-ts.done:
		m.Close()
		t.Fatalf("server did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start within 30 s")
	}
	ts.base = m.URL() + m.Config.Base
	t.Cleanup(ts.stop)
	return ts
}

func (ts *testServer) stop() {
	if ts.cancel == nil {
		return
	}
	ts.cancel()
	ts.cancel = nil
	require.NoError(ts.t, <-ts.done)
	require.NoError(ts.t, ts.Main.Close())
}

// fixturePCAP makes an innovaphone-style capture of a call of the given
// length: a 440 Hz tone on the local side, 660 Hz on the remote side.
func fixturePCAP(t *testing.T, length time.Duration) []byte {
	t.Helper()
	res, err := callgen.Generate(callgen.Call{
		Signalling: callgen.Innovaphone,
		Seed:       1,
		Streams: []callgen.Stream{
			{Local: true, Codec: callgen.PCMA(), SSRC: 0x1111, Length: length,
				Bursts: []callgen.Burst{{Start: 0, Length: length, Sound: callgen.Tone, Freq: 440}}},
			{Local: false, Codec: callgen.PCMA(), SSRC: 0x2222, Length: length,
				Bursts: []callgen.Burst{{Start: 0, Length: length, Sound: callgen.Tone, Freq: 660}}},
		},
	})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, res.WritePcap(&b))
	return b.Bytes()
}

// digestAuth gets the Digest challenge of url (a PUT without credentials,
// as a phone's first request) and returns the Authorization header that
// answers it with algorithm alg (auth.MD5 or auth.SHA256) for a PUT of url.
func digestAuth(url, alg, user, password string) (string, error) {
	req, err := http.NewRequest(http.MethodPut, url, nil)
	if err != nil {
		return "", err
	}
	first, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	first.Body.Close()
	var nonce string
	for _, h := range first.Header.Values("WWW-Authenticate") {
		if strings.HasPrefix(h, "Digest ") && strings.Contains(h, "algorithm="+alg+",") {
			_, rest, _ := strings.Cut(h, `nonce="`)
			nonce, _, _ = strings.Cut(rest, `"`)
		}
	}
	if first.StatusCode != http.StatusUnauthorized || nonce == "" {
		return "", fmt.Errorf("no Digest %s challenge: %s", alg, first.Status)
	}
	uri := req.URL.RequestURI()
	sum := md5.Sum([]byte(nonce))
	cnonce := hex.EncodeToString(sum[:8])
	resp := auth.DigestResponse(alg, auth.HA1(alg, user, "callrec", password), nonce, "00000001", cnonce, "auth", http.MethodPut, uri)
	return fmt.Sprintf(`Digest username=%q, realm="callrec", nonce=%q, uri=%q, algorithm=%s, qop=auth, nc=00000001, cnonce=%q, response=%q`,
		user, nonce, uri, alg, cnonce, resp), nil
}

// digestPUT uploads body to url as a phone does: a first request without
// credentials gets the challenge, the second answers it with Digest.
func digestPUT(t *testing.T, url string, body []byte, user, password string) *http.Response {
	t.Helper()
	authz, err := digestAuth(url, auth.MD5, user, password)
	require.NoError(t, err)
	req := mustRequest(t, http.MethodPut, url, bytes.NewReader(body))
	req.Header.Set("Authorization", authz)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return res
}

func mustRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	require.NoError(t, err)
	return req
}

// client is a browser-like API client: a cookie jar and the CSRF token.
type client struct {
	t    *testing.T
	url  string // server root
	http *http.Client
	csrf string
}

func newClient(t *testing.T, url string) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &client{t: t, url: url, http: &http.Client{Jar: jar}}
}

// do sends a request with a JSON body (nil for none) and returns the
// response with its body read.
func (c *client) do(method, path string, body any, hdr ...string) (*http.Response, []byte) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		require.NoError(c.t, err)
		r = bytes.NewReader(data)
	}
	req := mustRequest(c.t, method, c.url+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" && method != http.MethodGet {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	if tok := res.Header.Get("X-CSRF-Token"); tok != "" {
		c.csrf = tok
	}
	return res, data
}

// json sends a request and decodes a JSON answer, requiring status want.
func (c *client) json(method, path string, body any, want int) map[string]any {
	c.t.Helper()
	res, data := c.do(method, path, body)
	require.Equal(c.t, want, res.StatusCode, "%s %s: %s", method, path, data)
	var v map[string]any
	if len(data) > 0 {
		require.NoError(c.t, json.Unmarshal(data, &v), "%s", data)
	}
	return v
}

func (c *client) login(name, password string) {
	c.t.Helper()
	c.json(http.MethodPost, "/api/v1/login", map[string]string{"name": name, "password": password}, http.StatusOK)
}

// cdrXML is the CDR of alice's leg of a call with conference guid conf.
func cdrXML(conf, h323, device string) string {
	return `<cdr guid="e78cb2b8e909d31188ce0090330602e8" sys="PBX" pbx="pbx1" node="root" device="` + device +
		`" cn="Alice" e164="100" h323="` + h323 + `" dir="from" utc="1767348000" local="1767351600">
<user/>
<event msg="setup-from" time="0" conf="` + conf + `"/>
<event msg="alert-to" time="1" e164="101" h323="carol" cn="Carol &lt;C&gt;"/>
<event msg="conn-to" time="2" e164="101" h323="carol" cn="Carol &lt;C&gt;"/>
<event msg="rel-to" time="4" cause="0"/>
</cdr>`
}

// postCDR posts CDR XML to <base>/cdr with the CDR credentials and returns
// the status.
func postCDR(t *testing.T, ts *testServer, xml string) int {
	t.Helper()
	req := mustRequest(t, http.MethodPost, ts.base+"/cdr", strings.NewReader(xml))
	req.SetBasicAuth(testCDRUser, testCDRPass)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// appLogin logs in over the AppWebsocket at <base>/ as the PBX would sign
// it for app, sip and dn, and returns the AppLoginResult.
func appLogin(t *testing.T, ts *testServer, app, sip, dn string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.base, "http")+"/", nil)
	require.NoError(t, err)
	defer ws.CloseNow()
	send := func(v string) map[string]any {
		require.NoError(t, ws.Write(ctx, websocket.MessageText, []byte(v)))
		_, data, err := ws.Read(ctx)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m))
		return m
	}
	ch := send(`{"mt":"AppChallenge"}`)["challenge"].(string)
	info := `{"appobj":"recordings","cn":"` + dn + `"}`
	const guid = "0123456789abcdef0123456789abcdef"
	digest := appws.Digest(app, "example.com", sip, guid, dn, info, true, ch, testAppPass)
	return send(`{"mt":"AppLogin","app":"` + app + `","domain":"example.com","sip":"` + sip + `","guid":"` + guid +
		`","dn":"` + dn + `","digest":"` + digest + `","info":` + info + `}`)
}

// sessionFor is a client with the session an AppLogin's ticket gives.
func sessionFor(t *testing.T, ts *testServer, login map[string]any) *client {
	t.Helper()
	require.Equal(t, true, login["ok"], "%v", login)
	c := newClient(t, ts.URL())
	c.json(http.MethodPost, "/api/v1/session", map[string]string{"ticket": login["ticket"].(string)}, http.StatusOK)
	return c
}
