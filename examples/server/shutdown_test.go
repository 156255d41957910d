package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/auth"
)

// TestGracefulShutdown stops the server while a phone is still streaming an
// upload: the upload finishes and is answered 201, and after a restart the
// recording is there and converts.
func TestGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-users", writeUsers(t, dir), "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass}
	ts := startServer(t, dir, args...)
	url := ts.base + "/Files/" + testConf + "-009033302ab1-21--alice-phone.pcap"
	pcap := fixturePCAP(t, 3*time.Second)

	// Authenticate with Basic, then stream half the body.
	pr, pw := io.Pipe()
	req := mustRequest(t, http.MethodPut, url, pr)
	req.SetBasicAuth(testWebDAVUser, testWebDAVPass)
	answer := make(chan int, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			answer <- 0
			return
		}
		res.Body.Close()
		answer <- res.StatusCode
	}()
	half := len(pcap) / 2
	_, err := pw.Write(pcap[:half])
	require.NoError(t, err)
	waitInFlight(t, ts)

	stopped := make(chan struct{})
	go func() { ts.stop(); close(stopped) }()
	time.Sleep(200 * time.Millisecond) // shutdown has begun: new connections are refused
	_, err = http.Get(ts.URL() + "/healthz")
	assert.Error(t, err, "no new connections while shutting down")
	_, err = pw.Write(pcap[half:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	assert.Equal(t, http.StatusCreated, <-answer, "the upload in flight finished")
	<-stopped

	ts2 := startServer(t, dir, args...)
	admin := newClient(t, ts2.URL())
	admin.login("admin", "admin-pw")
	waitFor(t, "the recording after the restart", 30*time.Second, func() bool {
		recs := admin.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)
		return len(recs) == 1 && recs[0].(map[string]any)["status"] == "ready" && recs[0].(map[string]any)["partial"] == false
	})
}

// TestShutdownKeepsCutOffUploads stops the server while a phone's upload
// stalls past the shutdown timeout: the server stops anyway, and what the
// phone sent is kept as a partial recording that converts after the
// restart.
func TestShutdownKeepsCutOffUploads(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-users", writeUsers(t, dir), "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass}
	ts := startServerWith(t, dir, func(m *Main) { m.ShutdownTimeout = time.Second }, args...)
	pcap := fixturePCAP(t, 3*time.Second)
	pr, pw := io.Pipe()
	defer pw.Close()
	url := ts.base + "/Files/" + testConf + "-009033302ab1-22--alice-phone.pcap"
	authz, err := digestAuth(url, auth.SHA256, testWebDAVUser, testWebDAVPass) // no bcrypt: the upload starts at once
	require.NoError(t, err)
	req := mustRequest(t, http.MethodPut, url, pr)
	req.Header.Set("Authorization", authz)
	go func() {
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	_, err = pw.Write(pcap[:len(pcap)/2])
	require.NoError(t, err)
	waitInFlight(t, ts)
	ts.stop() // returns once the shutdown timeout cut the upload off

	ts2 := startServer(t, dir, args...)
	admin := newClient(t, ts2.URL())
	admin.login("admin", "admin-pw")
	waitFor(t, "the partial recording after the restart", 30*time.Second, func() bool {
		recs := admin.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)
		return len(recs) == 1 && recs[0].(map[string]any)["partial"] == true && recs[0].(map[string]any)["status"] == "ready"
	})
}

// waitInFlight waits until the server's metrics show one upload streaming.
func waitInFlight(t *testing.T, ts *testServer) {
	t.Helper()
	waitFor(t, "the upload to be in flight", 10*time.Second, func() bool {
		res, err := http.Get(ts.URL() + "/metrics")
		if err != nil {
			return false
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return strings.Contains(string(body), "callrec_uploads_in_flight 1")
	})
}
