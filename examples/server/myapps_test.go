package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/appws"
)

// fakeMyApps plays the myApps client and the PBX for an app in its frame:
// the page frames the app, and answers the app's getLogin message with a
// login signed with the App-object password, as the PBX's AppGetLogin does.
func fakeMyApps(t *testing.T, appURL func() string, appPassword string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!DOCTYPE html><html><body>
<iframe id="app" src="` + appURL() + `" width="360" height="640"></iframe>
<script>
window.addEventListener('message', async (ev) => {
  const m = JSON.parse(ev.data);
  if (m.mt !== 'getLogin') return;
  const res = await fetch('/sign?app=' + encodeURIComponent(m.app) + '&challenge=' + encodeURIComponent(m.challenge));
  ev.source.postMessage(await res.text(), '*');
});
</script></body></html>`))
	})
	mux.HandleFunc("/sign", func(w http.ResponseWriter, r *http.Request) {
		app, challenge := r.URL.Query().Get("app"), r.URL.Query().Get("challenge")
		info := `{"appobj":"recordings","cn":"Erin <E>","unlicensed":false}`
		digest := appws.Digest(app, "example.com", "erin", "0123456789abcdef0123456789abcdef", "Erin E", info, true, challenge, appPassword)
		json.NewEncoder(w).Encode(map[string]any{
			"mt": "Login", "app": app, "domain": "example.com", "sip": "erin",
			"guid": "0123456789abcdef0123456789abcdef", "dn": "Erin E", "digest": digest,
			"info": json.RawMessage(info),
		})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestBrowserMyApps opens the user app inside a myApps-like parent frame:
// the app logs in with the innovaphone AppLogin, without a password form.
func TestBrowserMyApps(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	// The fake myApps runs on another origin, which must be allowed to
	// frame the app.
	var appURL string
	myapps := fakeMyApps(t, func() string { return appURL }, testAppPass)
	ts := startServer(t, dir, "-users", writeUsers(t, dir), "-app-password", testAppPass, "-frame-ancestors", myapps.URL)
	appURL = ts.base + "/innovaphone-recordings.htm"

	run(t, ctx, chromedp.Navigate(myapps.URL), chromedp.WaitReady(css("#app")))
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(css("#app")))
	require.NoError(t, err)
	require.Len(t, nodes, 1)
	inFrame := chromedp.WithPollingInFrame(nodes[0])
	run(t, ctx, chromedp.Poll[chromedp.Void](`document.getElementById('who')?.textContent === 'Erin E'`,
		inFrame, chromedp.WithPollingTimeout(30*time.Second)))
	state, err := chromedp.Run(ctx, chromedp.Poll[map[string]any](
		`({form: !!document.getElementById('login-form'), width: document.documentElement.scrollWidth, list: !!document.getElementById('list')})`,
		inFrame))
	require.NoError(t, err)
	assert.Equal(t, false, state["form"], "no password form inside myApps")
	assert.Equal(t, true, state["list"])
	assert.LessOrEqual(t, state["width"], float64(360), "usable in a narrow frame: no horizontal scrolling")
	shot(t, ctx, "myapps-frame.png")
}

// TestBrowserMyAppsCrossSite: myApps on one site (the PBX's, here
// http://127.0.0.1:P) frames the app on another (localhost:Q), in a
// browser that blocks third-party cookies. Reached over HTTPS (served, with
// a self-signed certificate the browser is told to accept, or behind a TLS
// proxy: Chromium counts http://localhost as a secure origin that may set
// Secure cookies), the app's session cookie is SameSite=None; Secure;
// Partitioned: the app logs in through AppLogin and lists the recordings
// through the API inside the frame.
func TestBrowserMyAppsCrossSite(t *testing.T) {
	for _, tc := range []struct {
		name string
		tls  bool
	}{{"TLS", true}, {"behind a TLS proxy", false}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := browser(t,
				chromedp.Flag("ignore-certificate-errors", true),
				chromedp.Flag("test-third-party-cookie-phaseout", true), // as browsers are heading
				// The frame of another site in the page's process, where
				// chromedp reaches it (cookies do not depend on it).
				chromedp.Flag("disable-site-isolation-trials", true),
				chromedp.Flag("disable-features", "IsolateOrigins,site-per-process"))
			dir := t.TempDir()
			var appURL string
			myapps := fakeMyApps(t, func() string { return appURL }, testAppPass)
			args := []string{"-users", writeUsers(t, dir), "-app-password", testAppPass, "-frame-ancestors", myapps.URL,
				"-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
				"-cdr-user", testCDRUser, "-cdr-password", testCDRPass, "-licenses", "5"}
			if tc.tls {
				cert, key, _ := selfSigned(t, t.TempDir())
				args = append(args, "-tls-cert", cert, "-tls-key", key)
			} else {
				args = append(args, "-tls-proxy")
			}
			ts := startServer(t, dir, args...)
			u, err := url.Parse(ts.base)
			require.NoError(t, err)
			appURL = u.Scheme + "://localhost:" + u.Port() + u.Path + "/innovaphone-recordings.htm"
			recordings := 0
			if !tc.tls { // the test's uploads speak plain HTTP
				uploadCall(t, ts, testConf, "erin", "erin-phone", 11)
				recordings = 1
			}

			run(t, ctx, chromedp.Navigate(myapps.URL), chromedp.WaitReady(css("#app")))
			nodes, err := chromedp.Run(ctx, chromedp.Nodes(css("#app")))
			require.NoError(t, err)
			require.Len(t, nodes, 1)
			inFrame := chromedp.WithPollingInFrame(nodes[0])
			frame := func(expr string) chromedp.Action[chromedp.Void] {
				return chromedp.Poll[chromedp.Void](expr, inFrame,
					chromedp.WithPollingTimeout(40*time.Second), chromedp.WithPollingInterval(200*time.Millisecond))
			}
			run(t, ctx, frame(`document.getElementById('who')?.textContent === 'Erin E'`))
			// The list answers with the session's cookie (the AppLogin user
			// owns the recording once the PBX vouched for them); the app
			// shows it when its list is loaded again.
			run(t, ctx, frame(`fetch('/api/v1/recordings')
				.then(r => r.ok && r.json().then(b => b.recordings.length === `+strconv.Itoa(recordings)+`))`))
			run(t, ctx, frame(`document.querySelectorAll('#list li').length === `+strconv.Itoa(recordings)+
				` && (`+strconv.Itoa(recordings)+` > 0 || document.getElementById('list-status').textContent.includes('No recordings'))
				|| (document.getElementById('f-apply').click(), false)`))
			state, err := chromedp.Run(ctx, chromedp.Poll[map[string]any](
				`({form: !!document.getElementById('login-form'), scriptSeesNoCookie: document.cookie === ''})`, inFrame))
			require.NoError(t, err)
			assert.Equal(t, false, state["form"], "no password form inside myApps")
			assert.Equal(t, true, state["scriptSeesNoCookie"], "the session cookie is HttpOnly")
		})
	}
}
