package main

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// holders returns the licence holders in claim order, as the admin's
// licence view lists them.
func holders(t *testing.T, admin *client) []string {
	t.Helper()
	out := []string{}
	for _, h := range admin.json(http.MethodGet, "/api/v1/license", nil, http.StatusOK)["holders"].([]any) {
		out = append(out, h.(map[string]any)["user"].(string))
	}
	return out
}

// recordingOf waits until owner's recording is converted and returns it as
// the admin sees it.
func recordingOf(t *testing.T, admin *client, owner string) map[string]any {
	t.Helper()
	var rec map[string]any
	waitFor(t, owner+"'s recording, converted", 60*time.Second, func() bool {
		recs := admin.json(http.MethodGet, "/api/v1/recordings?owner="+owner, nil, http.StatusOK)["recordings"].([]any)
		if len(recs) != 1 {
			return false
		}
		rec = recs[0].(map[string]any)
		return rec["status"] == "ready"
	})
	return rec
}

func accessible(t *testing.T, admin *client, id string) bool {
	t.Helper()
	return admin.json(http.MethodGet, "/api/v1/recordings/"+id, nil, http.StatusOK)["accessible"].(bool)
}

// TestUsersFileDecidesWhoIsOnThePBX removes users from the users file, once
// while the server runs (SIGHUP) and once while it is down: each loses the
// licence at once and the next waiting user gets it (issue 8: a user
// removed from the PBX stops being eligible, and a holder who does loses
// the licence at once).
func TestUsersFileDecidesWhoIsOnThePBX(t *testing.T) {
	dir := t.TempDir()
	users := writeUsers(t, dir)
	args := []string{"-users", users, "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
		"-cdr-user", testCDRUser, "-cdr-password", testCDRPass, "-licenses", "1"}
	ts := startServer(t, dir, args...)
	admin := newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	uploadCall(t, ts, testConf, "alice", "alice-phone", 1)
	aliceRec := recordingOf(t, admin, "alice")
	uploadCall(t, ts, "0a0b0c0d0e0f00010203040506070809", "bob", "bob-phone", 2)
	bobRec := recordingOf(t, admin, "bob")
	require.Equal(t, []string{"alice"}, holders(t, admin), "alice's recording came first")
	// The service stores the owner, then tells the licence engine: the
	// recording may show as accessible (ownerless) for a moment.
	waitFor(t, "bob's recording, closed: bob waits", 10*time.Second, func() bool { return !accessible(t, admin, bobRec["id"].(string)) })

	alice := newClient(t, ts.URL())
	alice.login("alice", "alice-pw")
	writeUsers(t, dir, "alice")
	ts.ReloadUsers(context.Background())
	assert.Equal(t, []string{"bob"}, holders(t, admin), "alice left the PBX: her licence went to bob")
	assert.False(t, accessible(t, admin, aliceRec["id"].(string)))
	assert.True(t, accessible(t, admin, bobRec["id"].(string)))
	alice.json(http.MethodGet, "/api/v1/me", nil, http.StatusUnauthorized)

	ts.stop()
	writeUsers(t, dir, "bob") // alice is back, bob gone while the server was down
	ts = startServer(t, dir, args...)
	admin = newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	assert.Equal(t, []string{"alice"}, holders(t, admin), "bob is no user any more; alice, added again, claims")
	assert.True(t, accessible(t, admin, aliceRec["id"].(string)))
	assert.False(t, accessible(t, admin, bobRec["id"].(string)))
}

// TestAppLoginUserOwnsRecordings: a user the users file does not list,
// vouched for by the PBX in an AppLogin, is a user of that name: the
// recording whose CDR named them (a trunk's, which does not say they are a
// user) before they ever logged in becomes theirs, they hold a licence, and a restart keeps both. Once the users
// file lists them and then drops them, they are gone.
func TestAppLoginUserOwnsRecordings(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-users", writeUsers(t, dir), "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
		"-cdr-user", testCDRUser, "-cdr-password", testCDRPass, "-licenses", "2", "-app-password", testAppPass}
	ts := startServer(t, dir, args...)
	admin := newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	uploadPCAP(t, ts, testConf, "dave-phone", 1)
	require.Equal(t, http.StatusOK, postCDR(t, ts, trunkCDR(testConf, "dave")))
	var id string
	waitFor(t, "the recording, attached without an owner", 60*time.Second, func() bool {
		recs := admin.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)
		if len(recs) != 1 {
			return false
		}
		r := recs[0].(map[string]any)
		id = r["id"].(string)
		return r["status"] == "ready" && r["pending"] == false && r["owner"] == ""
	})

	dave := sessionFor(t, ts, appLogin(t, ts, userApp, "dave", "Dave D"))
	waitFor(t, "dave's recording", 30*time.Second, func() bool {
		return len(dave.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)) == 1
	})
	rec := dave.json(http.MethodGet, "/api/v1/recordings/"+id, nil, http.StatusOK)
	assert.Equal(t, "dave", rec["owner"])
	assert.Equal(t, "Dave D", rec["owner_display"])
	// The service stores the owner, then tells the licence engine.
	waitFor(t, "dave's licence", 10*time.Second, func() bool { return slices.Equal(holders(t, admin), []string{"dave"}) })

	ts.stop()
	ts = startServer(t, dir, args...)
	admin = newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	assert.Equal(t, []string{"dave"}, holders(t, admin), "a restart keeps the users the PBX vouched for")
	assert.Equal(t, "Dave D", admin.json(http.MethodGet, "/api/v1/recordings/"+id, nil, http.StatusOK)["owner_display"])

	// The users file takes dave over, then drops him.
	withDave := writeUsers(t, dir)
	addUser(t, withDave, map[string]any{"name": "dave", "display_name": "Dave D", "role": "user"})
	ts.ReloadUsers(context.Background())
	assert.Equal(t, []string{"dave"}, holders(t, admin))
	writeUsers(t, dir)
	ts.ReloadUsers(context.Background())
	assert.Empty(t, holders(t, admin), "removed from the users file: gone, though he once logged in through the PBX")
	assert.False(t, accessible(t, admin, id))
}
