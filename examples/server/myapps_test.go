package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
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
