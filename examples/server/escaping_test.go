package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

// Hostile names, each setting window.__xss if it ever runs as markup.
const (
	hostileRegName = `<img src=x onerror=window.__xss='file'>`
	hostileDisplay = `<img src=x onerror=window.__xss='user'>`
	hostileCN      = `<svg onload=window.__xss='cdr'>`
	hostileNote    = `<script>window.__xss='note'</script><b>bold?</b>`
)

// hostileCDR is the CDR of mallory's phone (registered under a hostile
// name) for a call to an external party whose name, like mallory's own
// CN, is markup.
func hostileCDR(conf string) string {
	esc := func(s string) string {
		return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
	}
	return `<cdr guid="e78cb2b8e909d31188ce0090330602e9" sys="PBX" pbx="pbx1" node="root" device="` + esc(hostileRegName) + `" cn="` +
		esc(hostileCN) + `" e164="105" h323="mallory" dir="from" utc="1767348000" local="1767351600">
<user/>
<event msg="setup-from" time="0" conf="` + conf + `"/>
<event msg="alert-to" time="1" e164="0301" type="ext" cn="` + esc(hostileCN) + `"/>
<event msg="conn-to" time="2" e164="0301" type="ext" cn="` + esc(hostileCN) + `"/>
<event msg="rel-to" time="4" cause="0"/>
</cdr>`
}

// TestBrowserHostileNames puts markup where the apps show names from the
// outside world (a recording's registration name, a CDR's names, a display
// name, a note) and checks in both apps, in every view that shows them,
// that none of it runs or becomes an element: it all reads as text.
func TestBrowserHostileNames(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	users := writeUsers(t, dir)
	hash, err := bcrypt.GenerateFromPassword([]byte("mallory-pw"), bcrypt.MinCost)
	require.NoError(t, err)
	addUser(t, users, map[string]any{"name": "mallory", "display_name": hostileDisplay, "role": "user",
		"password_bcrypt": string(hash), "devices": []string{hostileRegName}})
	ts := startServer(t, dir, "-users", users, "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
		"-cdr-user", testCDRUser, "-cdr-password", testCDRPass, "-licenses", "5")

	name := testConf + "-009033302ab1-31--" + url.PathEscape(hostileRegName) + ".pcap"
	res := digestPUT(t, ts.base+"/Files/"+name, fixturePCAP(t, 2*time.Second), testWebDAVUser, testWebDAVPass)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	require.Equal(t, http.StatusOK, postCDR(t, ts, hostileCDR(testConf)))

	mallory := newClient(t, ts.URL())
	mallory.login("mallory", "mallory-pw")
	var id string
	waitFor(t, "mallory's recording", 60*time.Second, func() bool {
		recs := mallory.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)
		if len(recs) == 1 && recs[0].(map[string]any)["status"] == "ready" {
			id = recs[0].(map[string]any)["id"].(string)
			return true
		}
		return false
	})
	rec := mallory.json(http.MethodGet, "/api/v1/recordings/"+id, nil, http.StatusOK)
	require.Equal(t, hostileCN+" (0301)", rec["remote"], "the fixture reaches the API as it was sent")
	mallory.json(http.MethodPost, "/api/v1/recordings/"+id+"/notes", map[string]string{"text": hostileNote}, http.StatusCreated)

	// clean checks that nothing ran and that the page holds no element a
	// name could have made (the apps themselves use none of these).
	clean := func(t *testing.T, where string) {
		t.Helper()
		state, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
			xss: window.__xss === undefined ? '' : String(window.__xss),
			injected: document.querySelectorAll('img, svg, iframe, object, embed, b, script:not([src])').length,
			scripts: document.scripts.length,
		})`))
		require.NoError(t, err)
		assert.Equal(t, map[string]any{"xss": "", "injected": float64(0), "scripts": float64(1)}, state, where)
	}
	shows := func(t *testing.T, sel, want string) {
		t.Helper()
		texts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll(`+jsString(sel)+`)].map(e => e.textContent)`))
		require.NoError(t, err)
		found := false
		for _, s := range texts {
			found = found || strings.Contains(s, want)
		}
		assert.True(t, found, "%s shows %q as text; it shows %q", sel, want, texts)
	}
	openRecording := []chromedp.Action[chromedp.Void]{
		chromedp.Click(css("#list li button")),
		chromedp.WaitVisible(css("#d-title")),
		poll(`document.querySelectorAll('#notes li').length === 1 && !document.querySelector('#rec-log .loading')`),
	}

	t.Run("user app", func(t *testing.T) {
		run(t, ctx, logInWithForm(ts.base+"/innovaphone-recordings.htm", "mallory", "mallory-pw")...)
		shows(t, "#who", hostileDisplay)
		shows(t, "#list li .owner", hostileDisplay)
		shows(t, "#list li .remote", hostileCN)
		run(t, ctx, openRecording...)
		shows(t, "#d-title", hostileRegName)
		shows(t, "#d-owner", hostileDisplay)
		shows(t, "#d-remote", hostileCN)
		shows(t, "#notes li", hostileNote)
		clean(t, "user app, recording open")
		run(t, ctx, chromedp.Click(css("#tab-activity")), poll(`document.querySelectorAll('#log li').length > 0`))
		clean(t, "user app, activity")
	})
	t.Run("admin app", func(t *testing.T) {
		run(t, ctx, logOut()...)
		run(t, ctx, logInWithForm(ts.base+"/innovaphone-recordingsadmin.htm", "admin", "admin-pw")...)
		shows(t, "#list li .owner", hostileDisplay)
		run(t, ctx, openRecording...)
		shows(t, "#d-title", hostileRegName)
		shows(t, "#notes li", hostileNote)
		clean(t, "admin app, recording open")
		run(t, ctx, chromedp.Click(css("#tab-activity")), poll(`document.querySelectorAll('#log li').length > 0`))
		clean(t, "admin app, activity")
		run(t, ctx, chromedp.Click(css("#tab-license")), chromedp.WaitVisible(css("#license-facts")))
		shows(t, "#lic-holders td", "mallory")
		clean(t, "admin app, licence")
	})
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
