package main

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLimits: an upload over -max-upload is refused with 413, and so is a
// REST API body over 64 kB (error code too_large). Every upload is counted
// in the metrics by its outcome, also those refused before the service.
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

	t.Run("every upload is counted by its outcome, refused before the service or not", func(t *testing.T) {
		small := fixturePCAP(t, 200*time.Millisecond)
		assert.Equal(t, http.StatusBadRequest, put("../x.pcap", small), "a literal dot segment")
		assert.Equal(t, http.StatusBadRequest, put("a/./b.pcap", small), "a literal dot segment")
		res, err := http.DefaultClient.Do(mustRequest(t, http.MethodPut, ts.base+"/Files/x.pcap", bytes.NewReader(small)))
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "no credentials")
		res, err = http.Get(ts.URL() + "/metrics")
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var uploads []string
		for line := range strings.Lines(string(body)) {
			if strings.HasPrefix(line, "callrec_uploads_total{") {
				uploads = append(uploads, strings.TrimSpace(line))
			}
		}
		assert.ElementsMatch(t, []string{`callrec_uploads_total{code="201"} 1`, `callrec_uploads_total{code="400"} 2`,
			`callrec_uploads_total{code="401"} 1`, `callrec_uploads_total{code="413"} 1`}, uploads)
	})

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
