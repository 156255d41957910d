package main

import (
	"context"
	"flag"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var screenshots = flag.String("screenshots", "", "write screenshots of the apps to this directory (e.g. ../../docs/screenshots)")

// browser starts Debian's chromium for a test, with the flags the project
// allows (--no-sandbox only here, in tests), the extra ones given and a
// fresh profile. Without
// chromium the test skips, unless CALLREC_REQUIRE_BROWSER=1.
func browser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := os.Getenv("CALLREC_CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		if os.Getenv("CALLREC_REQUIRE_BROWSER") == "1" {
			t.Fatal("no chromium found and CALLREC_REQUIRE_BROWSER=1")
		}
		t.Skip("browser tests skipped: no chromium (apt-get install chromium)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 800),
	}
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	require.NoError(t, chromedp.Do(ctx), "starting chromium")
	return ctx
}

// shot saves a PNG screenshot of the page when -screenshots is set.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if *screenshots == "" {
		return
	}
	run(t, ctx, chromedp.Sleep(300*time.Millisecond))
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(*screenshots, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(*screenshots, name), png, 0o644))
}

// poll waits until the JavaScript expression is true.
func poll(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(30*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))
}

// run runs actions in the page; on failure it reports what the page shows.
func run(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	for i, a := range actions {
		sctx, cancel := context.WithTimeout(ctx, 40*time.Second)
		err := chromedp.Do(sctx, a)
		cancel()
		if err == nil {
			continue
		}
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("step %d: %v; the page shows:\n%s", i+1, err, text)
	}
}

// logShows is a JavaScript expression true when the activity list with the
// given id holds an entry of the action (each item names the actor, then
// the action).
func logShows(id, action string) string {
	return `[...(document.getElementById('` + id + `')?.children || [])].some(li => {
		let text = '';
		for (let n = li.querySelector('strong')?.nextSibling; n && n.nodeName !== 'SPAN'; n = n.nextSibling) text += n.textContent;
		return text.trim().split(' ')[0] === '` + action + `';
	})`
}

// css selects elements by a CSS selector.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// eval runs a JavaScript expression whose value does not matter (a promise
// is awaited).
func eval(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](expr, chromedp.EvalAwaitPromise)
}

// logInWithForm opens the app at url and logs in with the login form,
// until the app lists recordings.
func logInWithForm(url, name, password string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(url),
		chromedp.WaitVisible(css("#login-form")),
		chromedp.SendKeys(css("#login-name"), name),
		chromedp.SendKeys(css("#login-password"), password),
		chromedp.Click(css("#login-submit")),
		chromedp.WaitVisible(css("#list li")),
	}
}

// logOut logs out with the app's button.
func logOut() []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{chromedp.Click(css("#logout")), chromedp.WaitVisible(css("#login-form"))}
}

// unlabelled returns the controls of the page a screen reader could not
// name: form fields without a label, buttons and links without text.
func unlabelled(t *testing.T, ctx context.Context) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('input, select, textarea, button, a[href]')]
		.filter(e => !e.closest('[hidden]') && !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
		.map(e => e.outerHTML)`))
	require.NoError(t, err)
	return out
}

// uploadCall stores a recording of conf owned by user (through a CDR naming
// user and device).
func uploadCall(t *testing.T, ts *testServer, conf, user, device string, serial int) {
	t.Helper()
	uploadPCAP(t, ts, conf, device, serial)
	require.Equal(t, http.StatusOK, postCDR(t, ts, cdrXML(conf, user, device)))
}

// TestBrowser drives both apps in chromium: the list a user sees, playing,
// filtering, protection, deletion, another user's recording staying
// invisible, and the admin's settings clearing the "PBX name missing"
// banner.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	ts := startServer(t, dir, "-users", writeUsers(t, dir), "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
		"-cdr-user", testCDRUser, "-cdr-password", testCDRPass, "-licenses", "5", "-cdr-wait", "1s")
	const bobConf = "0a0b0c0d0e0f00010203040506070809"
	uploadCall(t, ts, testConf, "alice", "alice-phone", 11)
	uploadCall(t, ts, bobConf, "bob", "bob-phone", 12)
	// A recording whose CDR never comes, from a phone nobody owns: NoCDR.
	res := digestPUT(t, ts.base+"/Files/1234567890abcdef1234567890abcdef-009033302ab1-13--lobby-phone.pcap",
		fixturePCAP(t, 2*time.Second), testWebDAVUser, testWebDAVPass)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	admin := newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	var bobID string
	waitFor(t, "both recordings converted", 60*time.Second, func() bool {
		list := admin.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)
		ready := 0
		for _, r := range list {
			r := r.(map[string]any)
			if r["status"] == "ready" && r["owner"] != "" {
				ready++
			}
			if r["owner"] == "bob" {
				bobID = r["id"].(string)
			}
		}
		return ready == 2
	})
	waitFor(t, "the NoCDR sweep", 30*time.Second, func() bool {
		_, err := ts.svc.SweepCallInfo(context.Background())
		require.NoError(t, err)
		for _, r := range admin.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any) {
			if r.(map[string]any)["no_cdr"] == true {
				return true
			}
		}
		return false
	})

	app := ts.base + "/innovaphone-recordings.htm"
	t.Run("log in", func(t *testing.T) {
		run(t, ctx,
			chromedp.Navigate(app),
			chromedp.WaitVisible(css("#login-form")),
		)
		shot(t, ctx, "login.png")
		assert.Empty(t, unlabelled(t, ctx), "the login form")
		run(t, ctx,
			chromedp.SendKeys(css("#login-name"), "alice"),
			chromedp.SendKeys(css("#login-password"), "alice-pw"),
			chromedp.Click(css("#login-submit")),
			chromedp.WaitVisible(css("#list li")),
		)
		who, err := chromedp.Run(ctx, chromedp.TextContent(css("#who")))
		require.NoError(t, err)
		assert.Equal(t, "Alice <A>", who, "names are shown as text, not HTML")
		run(t, ctx, poll(`!document.getElementById('banner').hidden && document.getElementById('banner').textContent.includes('PBX name missing')`))
	})
	t.Run("the uploaded pcap appears, and only alice's", func(t *testing.T) {
		owners, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('#list li .owner')].map(e => e.textContent)`))
		require.NoError(t, err)
		assert.Equal(t, []string{"Alice <A>"}, owners)
		status, err := chromedp.Run(ctx, chromedp.Evaluate[float64](
			`fetch('/api/v1/recordings/`+bobID+`').then(r => r.status)`, chromedp.EvalAwaitPromise))
		require.NoError(t, err)
		assert.Equal(t, float64(404), status, "bob's recording answers not found to alice")
	})
	t.Run("it plays", func(t *testing.T) {
		listens := func() float64 {
			t.Helper()
			n, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(async () => {
				const id = document.querySelector('#list li').dataset.id;
				const res = await fetch('/api/v1/logs?recording=' + id).then(r => r.json());
				return res.entries.filter(e => e.action === 'listen').length;
			})()`, chromedp.EvalAwaitPromise))
			require.NoError(t, err)
			return n
		}
		run(t, ctx,
			chromedp.Click(css("#list li button")),
			chromedp.WaitVisible(css("#player")),
			chromedp.Sleep(300*time.Millisecond),
		)
		assert.Zero(t, listens(), "opening the recording without playing it is no listen")
		streams, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('#d-streams .stream')].map(e => e.textContent)`))
		require.NoError(t, err)
		require.Len(t, streams, 2, "the pcap info's streams")
		for i, dir := range []string{"local", "remote"} {
			assert.Regexp(t, `^`+dir+` PCMA: [1-9]\d* packets, 0 lost, jitter \d+\.\d ms$`, streams[i])
		}
		run(t, ctx,
			eval(`document.getElementById('player').play()`),
			poll(`document.getElementById('player').readyState >= 2`),
			poll(`document.getElementById('player').currentTime > 0.3`),
			// The detail's activity shows the listen without a reload.
			poll(logShows("rec-log", "listen")),
		)
		run(t, ctx,
			eval(`document.getElementById('player').currentTime = 2.5`),
			poll(`document.getElementById('player').currentTime >= 2.5`),
			eval(`document.getElementById('player').pause()`),
		) // seeking works: byte ranges
		assert.Equal(t, float64(1), listens(), "one playback (its range requests and a seek) is one audited listen")
		assert.Empty(t, unlabelled(t, ctx), "the list with a recording open")
		shot(t, ctx, "user-app.png")
	})
	t.Run("a note shows in the activity", func(t *testing.T) {
		run(t, ctx,
			chromedp.SendKeys(css("#note-text"), "called back"),
			chromedp.Click(css("#note-form button")),
			poll(`document.getElementById('notes').textContent.includes('called back')`),
			poll(logShows("rec-log", "note")),
		)
	})
	t.Run("filter", func(t *testing.T) {
		run(t, ctx,
			chromedp.SendKeys(css("#f-q"), "nobody-matches-this"),
			chromedp.Click(css("#f-apply")),
			poll(`document.querySelectorAll('#list li').length === 0 && document.getElementById('list-status').textContent.includes('No recordings')`),
			eval(`document.getElementById('f-q').value = ''`),
			chromedp.SendKeys(css("#f-q"), "Carol"),
			chromedp.Click(css("#f-apply")),
			poll(`document.querySelectorAll('#list li').length === 1`),
			eval(`document.getElementById('f-q').value = ''`),
			eval(`document.getElementById('f-from').value = '2000-01-01'`),
			eval(`document.getElementById('f-to').value = '2000-01-02'`),
			chromedp.Click(css("#f-apply")),
			poll(`document.querySelectorAll('#list li').length === 0`),
			eval(`document.getElementById('f-from').value = ''`),
			eval(`document.getElementById('f-to').value = ''`),
			chromedp.Click(css("#f-apply")),
			poll(`document.querySelectorAll('#list li').length === 1`),
		)
	})
	t.Run("protect, delete refused, unprotect, delete", func(t *testing.T) {
		run(t, ctx,
			chromedp.Click(css("#list li button")),
			chromedp.WaitVisible(css("#protect")),
			chromedp.Click(css("#protect")),
			poll(`document.getElementById('d-protected')?.textContent === 'yes'`),
			poll(logShows("rec-log", "protect")),
			chromedp.Click(css("#delete")),
			chromedp.WaitVisible(css("#confirm-ok")),
			chromedp.Click(css("#confirm-ok")),
			poll(`document.getElementById('toast').textContent.includes('protected')`),
		)
		items, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#list li').length`))
		require.NoError(t, err)
		assert.Equal(t, 1, items, "still there")
		run(t, ctx,
			chromedp.Click(css("#unprotect")),
			poll(`document.getElementById('d-protected')?.textContent === 'no'`),
			chromedp.Click(css("#delete")),
			chromedp.WaitVisible(css("#confirm-ok")),
			chromedp.Click(css("#confirm-ok")),
			poll(`document.querySelectorAll('#list li').length === 0`),
			chromedp.Click(css("#tab-activity")),
			poll(logShows("log", "delete")),
			chromedp.Click(css("#tab-recordings")),
			chromedp.WaitVisible(css("#list-status .empty")),
		)
	})
	t.Run("admin sets retention and the PBX name; the banner goes", func(t *testing.T) {
		run(t, ctx, logOut()...)
		run(t, ctx, logInWithForm(ts.base+"/innovaphone-recordingsadmin.htm", "admin", "admin-pw")...)
		run(t, ctx, poll(`!document.getElementById('banner').hidden && document.getElementById('banner').textContent.includes('PBX name missing')`))
		owners, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('#list li .owner')].map(e => e.textContent)`))
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"NoCDR", "Bob B"}, owners, "the admin sees all; NoCDR in place of a user name")
		shot(t, ctx, "admin-app.png")
		run(t, ctx,
			chromedp.Click(css("#tab-settings")),
			chromedp.WaitVisible(css("#settings-form")),
			eval(`document.getElementById('s-retention').value = '30'`),
			chromedp.SendKeys(css("#s-pbx"), "pbx1"),
			chromedp.Click(css("#s-save")),
			poll(`document.getElementById('banner').hidden`),
		)
		shot(t, ctx, "admin-settings.png")
		assert.Empty(t, unlabelled(t, ctx), "the settings")
		s := admin.json(http.MethodGet, "/api/v1/settings", nil, http.StatusOK)
		assert.Equal(t, float64(30), s["retention_days"])
		assert.Equal(t, "pbx1", s["pbx_name"])
		run(t, ctx,
			chromedp.Click(css("#tab-license")),
			chromedp.WaitVisible(css("#license-facts")),
		)
		shot(t, ctx, "admin-license.png")
	})
}

// TestBrowserUnlicensed: with no licence, alice's recording is not listed
// in her app, and the admin app shows it marked unlicensed, without a
// player or downloads (issue 8: admins see that it exists, no audio).
func TestBrowserUnlicensed(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	ts := startServer(t, dir, "-users", writeUsers(t, dir), "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
		"-cdr-user", testCDRUser, "-cdr-password", testCDRPass, "-licenses", "0")
	uploadCall(t, ts, testConf, "alice", "alice-phone", 11)
	admin := newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	recordingOf(t, admin, "alice")

	run(t, ctx, chromedp.Navigate(ts.base+"/innovaphone-recordings.htm"),
		chromedp.WaitVisible(css("#login-form")),
		chromedp.SendKeys(css("#login-name"), "alice"),
		chromedp.SendKeys(css("#login-password"), "alice-pw"),
		chromedp.Click(css("#login-submit")),
		poll(`document.getElementById('list-status')?.textContent.includes('No recordings')`))
	run(t, ctx, logOut()...)
	run(t, ctx, logInWithForm(ts.base+"/innovaphone-recordingsadmin.htm", "admin", "admin-pw")...)
	run(t, ctx,
		poll(`document.querySelector('#list li .badges').textContent.includes('Unlicensed')`),
		chromedp.Click(css("#list li button")),
		chromedp.WaitVisible(css("#d-title")),
	)
	state, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
		player: !!document.getElementById('player'),
		downloads: document.querySelectorAll('#detail a[download]').length,
		marked: document.getElementById('detail').textContent.includes('Unlicensed'),
	})`))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"player": false, "downloads": float64(0), "marked": true}, state)
}
