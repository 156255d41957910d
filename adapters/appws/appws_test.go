package appws_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/appws"
)

// The test vectors of the issue and innovaphone's SDK documentation.
func TestDigestVectors(t *testing.T) {
	const ch, pw = "0123456789abcdef", "pwd"
	for _, tc := range []struct {
		name                       string
		app, domain, sip, guid, dn string
		info                       string
		hasInfo                    bool
		want                       string
	}{
		{"no info", "pbxadminapi", "", "", "", "", "", false, "a205299ed2ef2786c311e0be1b14db343f2cadd906a6ae7b564eee34bda5e9a1"},
		{"empty info", "pbxadminapi", "", "", "", "", "{}", true, "57b23fe824b9222a7ac879597cb509bcdc865a1bfeb057d9d12118cef0c3ba34"},
		{"info with cn", "pbxadminapi", "", "", "", "", `{"cn":"Test User"}`, true, "96db3c3f657230c2b68194becc6d2a77f05de9f79f01fc81e9ca0fb196b10d9d"},
		{"full login", "innovaphone-users", "example.com", "administrator", "0123456789abcdef0123456789abcdef", "Administrator User",
			`{"appobj":"users","apps":[{"name":"users"},{"name":"profile"}],"appurl":"https://1.2.3.4/example.com/usersapp/innovaphone-users","unlicensed":true}`,
			true, "ef1b811ffaa8f9255c39c653d8fb26b4687b2d8c4d9ac91b4821bff6bae3ff44"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := appws.Digest(tc.app, tc.domain, tc.sip, tc.guid, tc.dn, tc.info, tc.hasInfo, ch, pw)
			assert.Equal(t, tc.want, got)

			msg := `{"mt":"AppLogin","app":"` + tc.app + `","domain":"` + tc.domain + `","sip":"` + tc.sip +
				`","guid":"` + tc.guid + `","dn":"` + tc.dn + `","digest":"` + tc.want + `"`
			if tc.hasInfo {
				msg += `,"info":` + tc.info
			}
			msg += "}"
			var l appws.Login
			require.NoError(t, json.Unmarshal([]byte(msg), &l))
			assert.True(t, appws.Verify(l, ch, pw), "verified from the message text")
			assert.False(t, appws.Verify(l, ch, "pwd2"), "wrong password")
			assert.False(t, appws.Verify(l, "0123456789abcdee", pw), "other challenge")
		})
	}
}

// login builds an AppLogin message whose info text is exactly info.
func login(app, sip, dn, info, challenge, password string) string {
	d := appws.Digest(app, "example.com", sip, "0123456789abcdef0123456789abcdef", dn, info, info != "", challenge, password)
	m := `{"mt":"AppLogin","src":"s1","app":"` + app + `","domain":"example.com","sip":"` + sip +
		`","guid":"0123456789abcdef0123456789abcdef","dn":"` + dn + `","digest":"` + d + `","pbxObj":"rec"`
	if info != "" {
		m += `,"info":` + info
	}
	return m + "}"
}

func TestVerifyInfoText(t *testing.T) {
	const ch, pw = "4711", "secret"
	for _, tc := range []struct {
		name       string
		signedInfo string // the text the PBX computed the digest over
		sentInfo   string // the text in the received message
		ok         bool
	}{
		// JSON.stringify leaves <, > and & alone; re-marshalling in Go
		// would turn them into \u003c... and break the digest.
		{"html characters kept", `{"cn":"A<B>&C"}`, `{"cn":"A<B>&C"}`, true},
		{"unicode kept", `{"cn":"Jürgen"}`, `{"cn":"Jürgen"}`, true},
		{"key order kept", `{"z":1,"a":2}`, `{"z":1,"a":2}`, true},
		{"white space added in transit", `{"cn":"Test User","apps":[]}`, "{ \"cn\": \"Test User\",\n \"apps\": [ ] }", true},
		{"escaped differently", `{"cn":"A<B"}`, `{"cn":"A\u003cB"}`, false},
		{"info changed", `{"cn":"Test User"}`, `{"cn":"Test Admin"}`, false},
		{"info as a JSON string", `{"cn":"x"}`, `"{\"cn\":\"x\"}"`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := appws.Digest("innovaphone-recordings", "example.com", "alice", "g", "Alice", tc.signedInfo, true, ch, pw)
			msg := `{"mt":"AppLogin","app":"innovaphone-recordings","domain":"example.com","sip":"alice","guid":"g","dn":"Alice","digest":"` +
				d + `","info":` + tc.sentInfo + `}`
			var l appws.Login
			require.NoError(t, json.Unmarshal([]byte(msg), &l))
			assert.Equal(t, tc.ok, appws.Verify(l, ch, pw))
		})
	}
	t.Run("info dropped", func(t *testing.T) {
		d := appws.Digest("a", "", "", "", "", "{}", true, ch, pw)
		assert.False(t, appws.Verify(appws.Login{App: "a", Digest: d}, ch, pw))
	})
	t.Run("empty password never verifies", func(t *testing.T) {
		d := appws.Digest("a", "", "", "", "", "", false, ch, "")
		assert.False(t, appws.Verify(appws.Login{App: "a", Digest: d}, ch, ""))
	})
}

type limiter struct{ fails int }

func (l *limiter) Allow(string) (time.Duration, bool) { return time.Second, l.fails < 2 }
func (l *limiter) Fail(string)                        { l.fails++ }
func (l *limiter) Succeed(string)                     { l.fails = 0 }

func dial(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	c, _, err := websocket.Dial(ctx, url, nil)
	require.NoError(t, err)
	t.Cleanup(func() { c.CloseNow() })
	return c
}

func roundTrip(t *testing.T, c *websocket.Conn, msg string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, c.Write(ctx, websocket.MessageText, []byte(msg)))
	_, data, err := c.Read(ctx)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	return m
}

func TestHandler(t *testing.T) {
	const pw = "app-secret"
	var accepted []appws.Login
	lim := &limiter{}
	h := appws.NewHandler(appws.Config{
		Password: func() string { return pw },
		Accept: func(_ context.Context, l appws.Login) (appws.Grant, error) {
			if l.App != "innovaphone-recordings" {
				return appws.Grant{}, appws.ErrRefused
			}
			accepted = append(accepted, l)
			return appws.Grant{Ticket: "ticket-for-" + l.SIP}, nil
		},
		Attempts: lim,
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http")

	t.Run("challenge and login", func(t *testing.T) {
		c := dial(t, url)
		ch := roundTrip(t, c, `{"mt":"AppChallenge","src":"x"}`)
		assert.Equal(t, "AppChallengeResult", ch["mt"])
		assert.Equal(t, "x", ch["src"])
		challenge := ch["challenge"].(string)
		assert.Regexp(t, `^[0-9]{16}$`, challenge)

		res := roundTrip(t, c, login("innovaphone-recordings", "alice", "Alice <A>", `{"cn":"Alice <A>","unlicensed":true}`, challenge, pw))
		assert.Equal(t, map[string]any{"mt": "AppLoginResult", "src": "s1", "ok": true, "ticket": "ticket-for-alice"}, res)
		require.Len(t, accepted, 1)
		assert.Equal(t, `{"cn":"Alice <A>","unlicensed":true}`, string(accepted[0].Info))
		assert.Equal(t, "Alice <A>", accepted[0].DN)

		again := roundTrip(t, c, login("innovaphone-recordings", "alice", "Alice <A>", `{"cn":"Alice <A>","unlicensed":true}`, challenge, pw))
		assert.Equal(t, false, again["ok"], "a challenge is good for one login")
	})
	t.Run("login without challenge", func(t *testing.T) {
		c := dial(t, url)
		res := roundTrip(t, c, login("innovaphone-recordings", "alice", "A", "", "", pw))
		assert.Equal(t, false, res["ok"])
	})
	t.Run("app refused", func(t *testing.T) {
		c := dial(t, url)
		ch := roundTrip(t, c, `{"mt":"AppChallenge"}`)["challenge"].(string)
		res := roundTrip(t, c, login("innovaphone-other", "alice", "A", "", ch, pw))
		assert.Equal(t, false, res["ok"])
		assert.Nil(t, res["ticket"])
	})
	t.Run("wrong password, then rate limited", func(t *testing.T) {
		c := dial(t, url)
		for range 2 {
			ch := roundTrip(t, c, `{"mt":"AppChallenge"}`)["challenge"].(string)
			res := roundTrip(t, c, login("innovaphone-recordings", "alice", "A", "{}", ch, "guess"))
			assert.Equal(t, false, res["ok"])
		}
		ch := roundTrip(t, c, `{"mt":"AppChallenge"}`)["challenge"].(string)
		res := roundTrip(t, c, login("innovaphone-recordings", "alice", "A", "{}", ch, pw))
		assert.Equal(t, false, res["ok"], "blocked even with the right password")
		assert.Contains(t, res["error"], "too many")
	})
	t.Run("invalid JSON closes", func(t *testing.T) {
		c := dial(t, url)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, c.Write(ctx, websocket.MessageText, []byte("{")))
		_, _, err := c.Read(ctx)
		assert.Equal(t, websocket.StatusInvalidFramePayloadData, websocket.CloseStatus(err))
	})
}
