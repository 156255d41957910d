package main

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/auth"
)

// TestLoad streams 200 uploads at once over loopback (each a 10 s call sent
// in chunks, as a phone streams during the call) while users list and play
// recordings, and checks that every upload is stored. It logs the listing
// latencies (p50, p99) recorded in docs/performance.md. Bounded: 200
// uploads, loopback only, stops by itself.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	const uploads, chunks = 200, 20
	dir := t.TempDir()
	ts := startServer(t, dir, "-users", writeUsers(t, dir), "-webdav-user", testWebDAVUser, "-webdav-password", testWebDAVPass,
		"-cdr-user", testCDRUser, "-cdr-password", testCDRPass, "-licenses", "5")
	uploadCall(t, ts, testConf, "alice", "alice-phone", 1)
	alice := newClient(t, ts.URL())
	alice.login("alice", "alice-pw")
	var playID string
	waitFor(t, "alice's recording", 60*time.Second, func() bool {
		recs := alice.json(http.MethodGet, "/api/v1/recordings", nil, http.StatusOK)["recordings"].([]any)
		if len(recs) == 1 && recs[0].(map[string]any)["status"] == "ready" {
			playID = recs[0].(map[string]any)["id"].(string)
			return true
		}
		return false
	})

	pcap := fixturePCAP(t, 10*time.Second)
	stop := make(chan struct{})
	var mu sync.Mutex
	var listTimes []time.Duration
	var plays int
	var readers sync.WaitGroup
	for i := range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			c := newClient(t, ts.URL())
			if i%2 == 0 {
				c.login("admin", "admin-pw")
			} else {
				c.login("alice", "alice-pw")
			}
			for {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				res, _ := c.do(http.MethodGet, "/api/v1/recordings?limit=50", nil)
				d := time.Since(start)
				if res.StatusCode != http.StatusOK {
					t.Errorf("list: %d", res.StatusCode)
					return
				}
				res, body := c.do(http.MethodGet, "/api/v1/recordings/"+playID+"/audio", nil, "Range", "bytes=0-65535")
				if i%2 == 1 && (res.StatusCode != http.StatusPartialContent || len(body) != 65536) {
					t.Errorf("play: %d, %d bytes", res.StatusCode, len(body))
					return
				}
				mu.Lock()
				listTimes = append(listTimes, d)
				plays++
				mu.Unlock()
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}

	start := time.Now()
	var wg sync.WaitGroup
	codes := make([]int, uploads)
	for i := range uploads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("%032x-009033302ab1-%d--load-%d.pcap", 0xabc000+i, 100+i, i)
			codes[i] = streamUpload(t, ts.base+"/Files/"+name, pcap, chunks)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	readers.Wait()

	for i, c := range codes {
		require.Equal(t, http.StatusCreated, c, "upload %d", i)
	}
	admin := newClient(t, ts.URL())
	admin.login("admin", "admin-pw")
	count := func() (stored, ready int) {
		for cursor := ""; ; {
			page := admin.json(http.MethodGet, "/api/v1/recordings?limit=500&cursor="+cursor, nil, http.StatusOK)
			for _, r := range page["recordings"].([]any) {
				r := r.(map[string]any)
				if strings.Contains(r["file_name"].(string), "--load-") {
					stored++
					if r["status"] == "ready" {
						ready++
					}
				}
			}
			if cursor = page["next"].(string); cursor == "" {
				return stored, ready
			}
		}
	}
	stored, _ := count()
	assert.Equal(t, uploads, stored, "every upload is stored")
	waitFor(t, "every upload converted", 3*time.Minute, func() bool { _, ready := count(); return ready == uploads })
	converted := time.Since(start)

	slices.Sort(listTimes)
	require.NotEmpty(t, listTimes)
	q := func(p float64) time.Duration { return listTimes[min(len(listTimes)-1, int(p*float64(len(listTimes))))] }
	t.Logf("%d streaming uploads of %d bytes in %d chunks: all stored in %v, all converted in %v; %d listings (p50 %v, p99 %v, max %v), %d plays",
		uploads, len(pcap), chunks, elapsed.Round(time.Millisecond), converted.Round(time.Millisecond), len(listTimes),
		q(0.50).Round(time.Microsecond), q(0.99).Round(time.Microsecond), listTimes[len(listTimes)-1].Round(time.Microsecond), plays)
}

// streamUpload PUTs body in chunks with pauses (chunked transfer encoding),
// answering the Digest challenge first, and returns the status.
func streamUpload(t *testing.T, url string, body []byte, chunks int) int {
	authz, err := digestAuth(url, auth.SHA256, testWebDAVUser, testWebDAVPass)
	if err != nil {
		t.Error(err)
		return 0
	}
	pr, pw := io.Pipe()
	go func() {
		step := (len(body) + chunks - 1) / chunks
		for off := 0; off < len(body); off += step {
			if _, err := pw.Write(body[off:min(off+step, len(body))]); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		pw.Close()
	}()
	req := mustRequest(t, http.MethodPut, url, pr)
	req.Header.Set("Authorization", authz)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}
