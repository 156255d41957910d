package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// uploadPCAP uploads a 4 s call of conference conf recorded by device.
func uploadPCAP(t *testing.T, ts *testServer, conf, device string, serial int) {
	t.Helper()
	name := conf + "-009033302ab1-" + strconv.Itoa(serial) + "--" + device + ".pcap"
	res := digestPUT(t, ts.base+"/Files/"+name, fixturePCAP(t, 4*time.Second), testWebDAVUser, testWebDAVPass)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
}

// userCDR is the CDR of user object h323 (display name cn) for a call of
// conference conf started at utc, with the <grp> elements given verbatim.
func userCDR(conf, h323, cn, device string, utc int64, grps ...string) string {
	return fmt.Sprintf(`<cdr guid="5e1f2a3be909d31188ce00903306a2ff" sys="PBX" pbx="pbx1" node="root" device="%s" cn="%s" e164="103" h323="%s" dir="from" utc="%d">
<user>%s</user>
<event msg="setup-from" time="0" conf="%s"/>
<event msg="alert-to" time="1" e164="101" h323="bob" cn="Bob B"/>
<event msg="conn-to" time="2" e164="101" h323="bob" cn="Bob B"/>
<event msg="rel-to" time="4" cause="0"/>
</cdr>`, device, cn, h323, utc, strings.Join(grps, ""), conf)
}

// trunkCDR is the CDR of a trunk for an incoming call of conference conf
// answered by user h323: it names the user without saying they are one.
func trunkCDR(conf, h323 string) string {
	return `<cdr guid="77c0de01e909d31188ce0090330a0001" sys="PBX" pbx="pbx1" node="root" cn="SIP Provider" e164="0" h323="sip-trunk" dir="from" utc="1767348000">
<user pseudo="trunk"/>
<event msg="setup-from" time="0" type="ext" e164="103" h323="` + h323 + `" conf="` + conf + `"/>
<event msg="alert-to" time="0" e164="103" h323="` + h323 + `"/>
<event msg="conn-to" time="3" e164="103" h323="` + h323 + `"/>
<event msg="rel-to" time="9" cause="16"/>
</cdr>`
}

// TestCDRsTellUsersAndGroups, end to end: carol is not in the users file
// and never opened myApps, but the PBX names her as the user object of a
// CDR, member of the recordings group. In group mode with a free licence
// her recording is licensed at once (admins see it so), and hers to open
// once she logs in through AppLogin. Her memberships follow her latest
// CDR: a newer one without the group takes it away (and the licence with
// it), an older one arriving later does not give it back, and a restart
// changes nothing.
func TestCDRsTellUsersAndGroups(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-users", writeUsers(t, dir), "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
		"-cdr-user", testCDRUser, "-cdr-password", testCDRPass, "-licenses", "1", "-app-password", testAppPass}
	ts := startServer(t, dir, args...)
	admin := newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	admin.json(http.MethodPut, "/api/v1/settings", map[string]any{"group_name": "recordings"}, http.StatusOK)

	const utc = 1767348000 // the call's start
	member := `<grp name="recordings" mode="active" dyn="in"/><grp name="support" dyn="out"/>`
	uploadPCAP(t, ts, testConf, "carol-phone", 1)
	require.Equal(t, http.StatusOK, postCDR(t, ts, userCDR(testConf, "carol", "Carol C", "carol-phone", utc, member)))
	rec := recordingOf(t, admin, "carol")
	id := rec["id"].(string)
	// The service stores the owner, then tells the licence engine.
	waitFor(t, "carol's licence", 10*time.Second, func() bool { return slices.Equal(holders(t, admin), []string{"carol"}) })
	// The engine claims, then the service stores the decision: the
	// recording opens a moment after the licence view shows the holder.
	waitFor(t, "carol's recording, opened", 10*time.Second, func() bool { return accessible(t, admin, id) })
	listed := admin.json(http.MethodGet, "/api/v1/recordings?owner=carol", nil, http.StatusOK)["recordings"].([]any)
	require.Len(t, listed, 1)
	rec = listed[0].(map[string]any)
	assert.Equal(t, true, rec["accessible"], "listed for admins as licensed")
	assert.Equal(t, "carol", rec["owner"])
	assert.Equal(t, "Carol C", rec["owner_display"])

	carol := sessionFor(t, ts, appLogin(t, ts, userApp, "carol", "Carol C"))
	recs := carol.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)
	require.Len(t, recs, 1)
	assert.Equal(t, id, recs[0].(map[string]any)["id"])
	res, _ := carol.do(http.MethodGet, "/api/v1/recordings/"+id+"/audio", nil)
	assert.Equal(t, http.StatusOK, res.StatusCode, "carol plays her recording")

	ts.stop()
	ts = startServer(t, dir, args...)
	admin = newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	assert.Equal(t, []string{"carol"}, holders(t, admin), "a restart keeps what the CDRs told")
	assert.True(t, accessible(t, admin, id))

	// A newer call's CDR lists no group: carol left it, and the licence.
	// The intake answers once the directory and the licence engine have
	// taken the CDR, so the effect is there when postCDR returns.
	const otherConf = "1827b3c7e909d31192e80090331032dd"
	require.Equal(t, http.StatusOK, postCDR(t, ts, userCDR(otherConf, "carol", "Carol C", "carol-phone", utc+3600)))
	assert.Empty(t, holders(t, admin))
	assert.False(t, accessible(t, admin, id))
	// An older call's CDR, arriving late, does not give the group back.
	require.Equal(t, http.StatusOK, postCDR(t, ts, userCDR("8fc0cfc0e909d311b722009033102603", "carol", "Carol C", "carol-phone", utc+1800, member)))
	assert.Empty(t, holders(t, admin))
	assert.False(t, accessible(t, admin, id))

	ts.stop()
	ts = startServer(t, dir, args...)
	admin = newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	assert.Empty(t, holders(t, admin), "a restart changes nothing")
	assert.False(t, accessible(t, admin, id))
	require.Equal(t, http.StatusOK, postCDR(t, ts, userCDR("0a0b0c0d0e0f00010203040506070809", "carol", "Carol C", "carol-phone", utc+2000, member)))
	assert.Empty(t, holders(t, admin), "the latest CDR before the restart still decides")
	assert.Equal(t, "carol", admin.json(http.MethodGet, "/api/v1/recordings/"+id, nil, http.StatusOK)["owner"], "carol is still a user")

	// A CDR newer than all: member again, the licence is hers again.
	require.Equal(t, http.StatusOK, postCDR(t, ts, userCDR("0b0b0c0d0e0f00010203040506070809", "carol", "Carol C", "carol-phone", utc+7200, member)))
	assert.Equal(t, []string{"carol"}, holders(t, admin))
	assert.True(t, accessible(t, admin, id))
}

// TestCDRTeachesDevices, end to end: carol is not in the users file; a CDR
// of her user object names her phone carol-phone. Later a recording from
// carol-phone whose CDR never comes is carol's NoCDR recording (the NoCDR
// fallback finds her by the registration name), and hers to open. The
// other way round, erin's NoCDR recording from erin-phone, nobody's at
// first, becomes hers when a CDR of another call names her phone.
func TestCDRTeachesDevices(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir, "-users", writeUsers(t, dir), "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
		"-cdr-user", testCDRUser, "-cdr-password", testCDRPass, "-licenses", "1", "-app-password", testAppPass, "-cdr-wait", "1ms")
	admin := newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	require.Equal(t, http.StatusOK, postCDR(t, ts, userCDR(testConf, "carol", "Carol C", "carol-phone", 1767348000)))

	const noCDRConf = "2b2b0c0d0e0f00010203040506070809"
	uploadPCAP(t, ts, noCDRConf, "carol-phone", 2)
	var rec map[string]any
	waitFor(t, "the recording, NoCDR", 60*time.Second, func() bool {
		if _, err := ts.svc.SweepCallInfo(context.Background()); err != nil {
			return false
		}
		recs := admin.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)
		if len(recs) != 1 {
			return false
		}
		rec = recs[0].(map[string]any)
		return rec["status"] == "ready" && rec["no_cdr"] == true
	})
	assert.Equal(t, "carol", rec["owner"], "the user whose CDR named the device")
	assert.Equal(t, "Carol C", rec["owner_display"])

	carol := sessionFor(t, ts, appLogin(t, ts, userApp, "carol", "Carol C"))
	waitFor(t, "carol's recording", 10*time.Second, func() bool {
		recs := carol.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)
		return len(recs) == 1 && recs[0].(map[string]any)["id"] == rec["id"]
	})

	uploadPCAP(t, ts, "3c3c0c0d0e0f00010203040506070809", "erin-phone", 3)
	waitFor(t, "erin's recording, NoCDR and nobody's", 60*time.Second, func() bool {
		if _, err := ts.svc.SweepCallInfo(context.Background()); err != nil {
			return false
		}
		recs := admin.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)
		for _, r := range recs {
			if r := r.(map[string]any); r["no_cdr"] == true && r["status"] == "ready" && r["owner"] == "" {
				rec = r
				return true
			}
		}
		return false
	})
	require.Equal(t, "", rec["owner"])
	require.Equal(t, http.StatusOK, postCDR(t, ts, userCDR("4d4d0c0d0e0f00010203040506070809", "erin", "Erin E", "erin-phone", 1767349000)))
	waitFor(t, "erin's recording, hers", 30*time.Second, func() bool {
		return admin.json(http.MethodGet, "/api/v1/recordings/"+rec["id"].(string), nil, http.StatusOK)["owner"] == "erin"
	})
}
