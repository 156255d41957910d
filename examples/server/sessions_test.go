package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSessionsSurviveARestart: an app logged in before a restart keeps its
// session (cookie and CSRF token) after it, except for a user removed from
// the users file meanwhile; a session ended before the restart stays ended.
func TestSessionsSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-users", writeUsers(t, dir), "-licenses", "1"}
	ts := startServer(t, dir, args...)
	alice, bob, admin := newClient(t, ts.URL()), newClient(t, ts.URL()), newClient(t, ts.URL())
	alice.login("alice", "alice-pw")
	bob.login("bob", "bob-pw")
	admin.login("admin", "admin-pw")
	res, _ := admin.do(http.MethodPost, "/api/v1/logout", nil)
	assert.Equal(t, http.StatusNoContent, res.StatusCode)

	ts.stop()
	writeUsers(t, dir, "bob")
	ts = startServer(t, dir, args...)
	for _, c := range []*client{alice, bob, admin} {
		c.url = ts.URL() // the new listener's port
	}
	assert.Equal(t, "alice", alice.json(http.MethodGet, "/api/v1/me", nil, http.StatusOK)["name"])
	alice.json(http.MethodPost, "/api/v1/recordings/none/protect", nil, http.StatusNotFound) // the CSRF token still holds
	bob.json(http.MethodGet, "/api/v1/me", nil, http.StatusUnauthorized)
	admin.json(http.MethodGet, "/api/v1/me", nil, http.StatusUnauthorized)
}
