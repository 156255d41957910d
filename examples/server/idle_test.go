package main

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUploadIdleTimeout: a phone streams a call's pcap for longer than the
// body idle timeout, never pausing that long, and it is stored whole; a
// phone that stops sending is cut off after the idle timeout, and what it
// sent is kept as a partial recording.
func TestUploadIdleTimeout(t *testing.T) {
	const idle = 400 * time.Millisecond
	dir := t.TempDir()
	ts := startServerWith(t, dir, func(m *Main) { m.BodyIdleTimeout = idle },
		"-users", writeUsers(t, dir), "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass)
	pcap := fixturePCAP(t, 3*time.Second)

	put := func(name string, body io.Reader) (int, error) {
		req := mustRequest(t, http.MethodPut, ts.base+"/Files/"+name, body)
		req.SetBasicAuth(testWebDAVUser, testWebDAVPass)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}

	t.Run("streaming longer than the idle timeout", func(t *testing.T) {
		pr, pw := io.Pipe()
		go func() {
			const chunks = 10 // 10 × idle/4 = 2.5 × idle in all
			step := (len(pcap) + chunks - 1) / chunks
			for off := 0; off < len(pcap); off += step {
				pw.Write(pcap[off:min(off+step, len(pcap))])
				time.Sleep(idle / 4)
			}
			pw.Close()
		}()
		code, err := put(testConf+"-009033302ab1-41--alice-phone.pcap", pr)
		require.NoError(t, err)
		assert.Equal(t, http.StatusCreated, code)
	})
	t.Run("a stalled upload is cut off and kept as partial", func(t *testing.T) {
		pr, pw := io.Pipe()
		resumed := make(chan struct{})
		go func() {
			pw.Write(pcap[:len(pcap)/2])
			time.Sleep(10 * idle) // stalls
			close(resumed)
			pw.CloseWithError(io.ErrUnexpectedEOF)
		}()
		code, err := put(testConf+"-009033302ab1-42--alice-phone.pcap", pr)
		if err == nil {
			assert.NotEqual(t, http.StatusCreated, code)
		}
		select {
		case <-resumed:
			t.Error("the server waited for the stalled client instead of cutting it off")
		default:
		}
	})

	admin := newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	waitFor(t, "both recordings, one partial", 30*time.Second, func() bool {
		recs := admin.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)
		partial := map[string]bool{}
		for _, r := range recs {
			r := r.(map[string]any)
			partial[r["file_name"].(string)] = r["partial"].(bool)
		}
		return len(recs) == 2 && !partial[testConf+"-009033302ab1-41--alice-phone.pcap"] && partial[testConf+"-009033302ab1-42--alice-phone.pcap"]
	})
}
