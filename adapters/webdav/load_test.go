package webdav_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/f0fce437/callrec/adapters/webdav"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// onePCAP is the capture of a 43.5 s two-way G.711 call: about 1 MB.
func onePCAP(t testing.TB) []byte { return callBytes(t, 43500*time.Millisecond) }

func uploadName(i int) string {
	return fmt.Sprintf("%032x-009033302ab1-%d--load.pcap", i+1, i)
}

func loadClient(n int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}}
}

// TestConcurrentChunkedUploads sends 200 chunked uploads of 1 MB at once
// over loopback: every one must be stored, intact, and converted.
func TestConcurrentChunkedUploads(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 20
	}
	s := newStack(t, 0, webdav.Options{})
	data := onePCAP(t)
	sum := sha256.Sum256(data)
	c := loadClient(n)
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Go(func() {
			statuses[i] = put(t, c, s.srv.URL+"/recordings/Files/"+uploadName(i), data, true).StatusCode
		})
	}
	wg.Wait()
	for i, st := range statuses {
		assert.Equal(t, http.StatusCreated, st, "upload %d", i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	require.NoError(t, s.svc.WaitIdle(ctx))
	seen := map[string]bool{}
	cursor := ""
	for {
		page, err := s.svc.List(ctx, admin, recordings.Filter{Cursor: cursor, Limit: 500})
		require.NoError(t, err)
		for _, r := range page.Recordings {
			seen[r.FileName] = true
			assert.Equal(t, recordings.StatusReady, r.Status, r.FileName)
			assert.False(t, r.Partial)
			assert.Equal(t, hex.EncodeToString(sum[:]), r.PCAP.SHA256, r.FileName)
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	assert.Len(t, seen, n, "none lost")
}

// TestClientGoneMidUpload drops the connection in the middle of a chunked
// PUT: the bytes received are kept as a partial recording.
func TestClientGoneMidUpload(t *testing.T) {
	s := newStack(t, 0, webdav.Options{})
	data := callBytes(t, 4*time.Second)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.srv.URL, "http://"))
	require.NoError(t, err)
	w := bufio.NewWriter(conn)
	fmt.Fprintf(w, "PUT /recordings/Files/%s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", name)
	half := data[:len(data)/2]
	fmt.Fprintf(w, "%x\r\n", len(half))
	w.Write(half)
	w.WriteString("\r\n")
	require.NoError(t, w.Flush())
	time.Sleep(100 * time.Millisecond) // let the server read it before the drop
	require.NoError(t, conn.Close())

	ctx := context.Background()
	var page recordings.Page
	require.Eventually(t, func() bool {
		page, err = s.svc.List(ctx, admin, recordings.Filter{})
		return err == nil && len(page.Recordings) == 1 && page.Recordings[0].Status == recordings.StatusReady
	}, 10*time.Second, 20*time.Millisecond)
	r := page.Recordings[0]
	assert.True(t, r.Partial)
	assert.Equal(t, int64(len(half)), r.PCAP.Size)
}

// BenchmarkConcurrentChunkedUploads measures 1 MB chunked uploads, 200 in
// flight, through the handler and the service on SQLite and files, against
// a peer handler that only streams each body to a file and fsyncs it.
func BenchmarkConcurrentChunkedUploads(b *testing.B) {
	data := onePCAP(b)
	run := func(b *testing.B, url func(i int) string) {
		c := loadClient(200)
		sem := make(chan struct{}, 200)
		var wg sync.WaitGroup
		var failed atomic.Int64
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				if put(b, c, url(i), data, true).StatusCode != http.StatusCreated {
					failed.Add(1)
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		if failed.Load() > 0 {
			b.Fatalf("%d uploads failed", failed.Load())
		}
	}
	b.Run("callrec", func(b *testing.B) {
		s := newStack(b, 0, webdav.Options{})
		run(b, func(i int) string { return s.srv.URL + "/recordings/Files/" + uploadName(i) })
	})
	// Ingest alone: the conversions wait until the uploads are done.
	b.Run("callrec/ingest-only", func(b *testing.B) {
		hold := &recordingstest.Converter{Before: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }} // never converts
		s := newStackAt(b, filepath.Join(b.TempDir(), "files"), 0, webdav.Options{}, hold)
		run(b, func(i int) string { return s.srv.URL + "/recordings/Files/" + uploadName(i) })
	})
	b.Run("peer=fsync-file", func(b *testing.B) {
		dir := b.TempDir()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f, err := os.CreateTemp(dir, "up-*")
			if err == nil {
				_, err = io.Copy(f, r.Body)
			}
			if err == nil {
				err = f.Sync()
			}
			if f != nil {
				f.Close()
			}
			if err == nil {
				err = os.Rename(f.Name(), filepath.Join(dir, strings.TrimPrefix(r.URL.Path, "/")))
			}
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			w.WriteHeader(http.StatusCreated)
		}))
		defer srv.Close()
		run(b, func(i int) string { return fmt.Sprintf("%s/u%d", srv.URL, i) })
	})
}
