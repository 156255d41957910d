package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLimits: an upload over -max-upload is refused with 413, and so is a
// REST API body over 64 kB (error code too_large).
func TestLimits(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir, "-users", writeUsers(t, dir), "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
		"-max-upload", "50000", "-licenses", "1")
	put := func(name string, body []byte) int {
		req := mustRequest(t, http.MethodPut, ts.base+"/Files/"+name, bytes.NewReader(body))
		req.SetBasicAuth(testWebDAVUser, testWebDAVPass)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	assert.Equal(t, http.StatusRequestEntityTooLarge, put(testConf+"-009033302ab1-1--alice-phone.pcap", fixturePCAP(t, 4*time.Second)))
	assert.Equal(t, http.StatusCreated, put(testConf+"-009033302ab1-2--alice-phone.pcap", fixturePCAP(t, 200*time.Millisecond)))

	admin := newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	var id string
	waitFor(t, "the recording", 30*time.Second, func() bool {
		recs := admin.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)
		if len(recs) == 1 {
			id = recs[0].(map[string]any)["id"].(string)
		}
		return id != ""
	})
	tooBig := admin.json(http.MethodPost, "/api/v1/recordings/"+id+"/notes", map[string]string{"text": strings.Repeat("x", 70_000)}, http.StatusRequestEntityTooLarge)
	assert.Equal(t, "too_large", tooBig["error"].(map[string]any)["code"])
}
