package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

// writeFixtureUsers writes the users of the cdr package's fixtures (their
// phones' registration names as devices) and an admin ("admin-pw").
func writeFixtureUsers(t *testing.T, dir string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte("admin-pw"), bcrypt.MinCost)
	require.NoError(t, err)
	users := []map[string]any{{"name": "admin", "role": "admin", "password_bcrypt": string(h)}}
	for _, u := range []struct{ name, device string }{
		{"alice", "alice-phone"}, {"bob", "bob-phone"}, {"carol", "carol-desk"}, {"dave", "dave-phone"}, {"erin", "erin-phone"},
	} {
		users = append(users, map[string]any{"name": u.name, "role": "user", "password_bcrypt": string(h), "devices": []string{u.device}})
	}
	return writeUsersFile(t, dir, users)
}

// TestCallInfoThroughTheServer drives CDR correlation end to end through the
// server's glue (callinfo.go): real uploads and real CDR requests (POST and
// the legacy GET) of the cdr package's fixtures, CDRs before and after the
// recording, the ownership rules of trunks and waiting queues, the PBX
// name, de-duplication, and NoCDR followed by a late CDR.
func TestCallInfoThroughTheServer(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir, "-users", writeFixtureUsers(t, dir), "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
		"-cdr-user", testCDRUser, "-cdr-password", testCDRPass, "-licenses", "10", "-cdr-wait", "1ms")
	admin := newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	admin.json(http.MethodPut, "/api/v1/settings", map[string]any{"pbx_name": "pbx1"}, http.StatusOK)
	pcap := fixturePCAP(t, time.Second)

	upload := func(name string) {
		t.Helper()
		req := mustRequest(t, http.MethodPut, ts.base+"/Files/"+name, bytes.NewReader(pcap))
		req.SetBasicAuth(testWebDAVUser, testWebDAVPass)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusCreated, res.StatusCode)
	}
	sendCDRs := func(body string, legacy bool) string {
		t.Helper()
		req := mustRequest(t, http.MethodPost, ts.base+"/cdr", strings.NewReader(body))
		if legacy {
			req = mustRequest(t, http.MethodGet, ts.base+"/cdr?event=syslog&msg="+url.QueryEscape(body), nil)
		}
		req.SetBasicAuth(testCDRUser, testCDRPass)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", b.String())
		return b.String()
	}
	fixture := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("..", "..", "cdr", "testdata", name))
		require.NoError(t, err)
		return string(b)
	}
	// recording returns R of the recording uploaded as name, once cond
	// holds for it.
	recording := func(name string, cond func(r map[string]any) bool) map[string]any {
		t.Helper()
		var r map[string]any
		waitFor(t, name, 30*time.Second, func() bool {
			list := admin.json(http.MethodGet, "/api/v1/recordings?limit=500", nil, http.StatusOK)
			for _, v := range list["recordings"].([]any) {
				if rec := v.(map[string]any); rec["file_name"] == name {
					r = rec
					return cond(rec)
				}
			}
			return false
		})
		return r
	}
	owned := func(r map[string]any) bool { return r["owner"] != "" && r["status"] == "ready" }

	t.Run("trunk incoming: recording first, the user who answered owns it", func(t *testing.T) {
		name := "b47e9a10e909d31192e80090331032bb-009033ffee01-1.pcap" // the gateway's recording
		upload(name)
		assert.Equal(t, true, recording(name, func(r map[string]any) bool { return r["status"] == "ready" })["pending"])
		assert.Contains(t, sendCDRs(fixture("trunk-incoming.xml"), false), "4 new")
		r := recording(name, owned)
		assert.Equal(t, "bob", r["owner"], "alice did not answer; bob did")
		assert.Equal(t, "in", r["direction"])
		assert.Equal(t, true, r["external"])
		assert.Equal(t, "004930123456", r["remote"])
		assert.Equal(t, "2025-01-15T12:00:15Z", r["start"], "start is the CDR's utc of bob's leg, not the capture time")
		assert.Equal(t, false, r["pending"])
		assert.Equal(t, false, r["no_cdr"])
		assert.Contains(t, sendCDRs(fixture("trunk-incoming.xml"), false), "0 new", "a CDR sent again is stored once")
	})
	t.Run("trunk outgoing: CDRs first, the user who initiated owns it", func(t *testing.T) {
		sendCDRs(fixture("trunk-outgoing.xml"), false)
		name := "c2d3e4f5e909d31192e80090331032cc-009033ffee01-2.pcap"
		upload(name)
		r := recording(name, owned)
		assert.Equal(t, "carol", r["owner"])
		assert.Equal(t, "out", r["direction"])
		assert.Equal(t, true, r["external"])
		assert.Equal(t, "2025-01-15T13:00:00Z", r["start"])
	})
	t.Run("waiting queue over the legacy GET: the agent who answered owns it", func(t *testing.T) {
		name := "d5e6f708e909d31192e80090331032dd-009033ffee01-3--hotline.pcap"
		upload(name)
		assert.Contains(t, sendCDRs(fixture("waiting-queue.xml"), true), "4 new")
		r := recording(name, owned)
		assert.Equal(t, "dave", r["owner"], "erin was alerted, dave answered")
		assert.Equal(t, "in", r["direction"])
	})
	t.Run("PBX name: CDRs of another PBX are stored, not used", func(t *testing.T) {
		body := fixture("basic-internal.xml")
		name := "8a6b4c2de909d31192e80090331032aa-0090330a0b0c-4--alice-phone.pcap"
		other := strings.NewReplacer(`pbx="pbx1"`, `pbx="pbx2"`, `id="3c9d0e1f`, `id="0c9d0e1f`).Replace(body)
		assert.Contains(t, sendCDRs(other, false), "2 new")
		upload(name)
		r := recording(name, func(r map[string]any) bool { return r["status"] == "ready" })
		assert.Equal(t, "", r["owner"])
		assert.Equal(t, true, r["pending"])
		sendCDRs(body, false)
		r = recording(name, owned)
		assert.Equal(t, "alice", r["owner"])
		assert.Equal(t, "internal", r["direction"])
	})
	t.Run("NoCDR after the wait, then a late CDR", func(t *testing.T) {
		const conf = "11111111111111111111111111111111"
		bobs := "22222222222222222222222222222222-0090330a0b0d-5--bob-phone.pcap"
		desk := conf + "-0090330a0b0e-6--desk-17.pcap" // a phone no user lists
		upload(bobs)
		upload(desk)
		for _, name := range []string{bobs, desk} {
			recording(name, func(r map[string]any) bool { return r["status"] == "ready" })
		}
		_, err := ts.svc.SweepCallInfo(context.Background())
		require.NoError(t, err)
		r := recording(bobs, func(r map[string]any) bool { return r["no_cdr"] == true })
		assert.Equal(t, "bob", r["owner"], "NoCDR: the user whose devices include the registration name")
		assert.Equal(t, false, r["pending"])
		r = recording(desk, func(r map[string]any) bool { return r["no_cdr"] == true })
		assert.Equal(t, "", r["owner"], "NoCDR of an unknown device: nobody's (admins only)")

		sendCDRs(`<cdr guid="e78cb2b8e909d31188ce0090330602e9" sys="PBX" pbx="pbx1" node="root" device="desk-17" cn="Erin" e164="105" h323="erin" dir="to" utc="1767348000">
<user/>
<event msg="setup-to" time="0" type="ext" e164="0301234" cn="Caller" conf="`+conf+`"/>
<event msg="conn-from" time="2" type="ext" e164="0301234" cn="Caller"/>
<event msg="rel-to" time="64" cause="0"/>
</cdr>`, false)
		r = recording(desk, func(r map[string]any) bool { return r["no_cdr"] == false })
		assert.Equal(t, "erin", r["owner"], "the late CDR sets the owner")
		assert.Equal(t, "in", r["direction"])
		assert.Equal(t, true, r["external"])
		assert.Equal(t, "Caller (0301234)", r["remote"])
		assert.Equal(t, "2026-01-02T10:00:00Z", r["start"])
		detail := admin.json(http.MethodGet, "/api/v1/recordings/"+r["id"].(string), nil, http.StatusOK)
		cdrInfo := detail["cdr"].(map[string]any)
		assert.Equal(t, "attached", cdrInfo["state"])
		assert.EqualValues(t, 62*time.Second, cdrInfo["talk_time_ns"])
	})
}
