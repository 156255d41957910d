package recordings_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/f0fce437/callrec/adapters/fsblob"
	"github.com/f0fce437/callrec/adapters/pcapconv"
	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/adapters/webdav"
	"github.com/f0fce437/callrec/recordings"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The crash test runs the service, with the real conversion pipeline, in a
// child process (this test binary, re-executed) so that it can be killed
// with SIGKILL: no deferred code, no Close, what an OOM kill leaves.
const (
	envCrashDir  = "CALLREC_CRASH_CHILD_DIR"
	envCrashMode = "CALLREC_CRASH_CHILD_MODE" // "serve" or "drain"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(envCrashDir); dir != "" {
		os.Exit(crashChild(dir, os.Getenv(envCrashMode)))
	}
	os.Exit(m.Run())
}

// crashResult is what the child reports after draining its jobs.
type crashResult struct {
	FileName string
	Status   recordings.Status
	Partial  bool
	Size     int64
	SHA256   string
	Warnings []string
	Codecs   []string
	Duration time.Duration
}

// crashChild serves WebDAV ingest until killed ("serve"), or restarts,
// finishes every job and reports the recordings ("drain"). While the file
// "block" exists in dir, conversions hang (after creating "converting").
func crashChild(dir, mode string) int {
	ctx := context.Background()
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "crash child:", err); return 3 }
	db, err := sqlite.Open(ctx, filepath.Join(dir, "callrec.db"), sqlite.Options{})
	if err != nil {
		return fail(err)
	}
	blobs, err := fsblob.New(filepath.Join(dir, "files"))
	if err != nil {
		return fail(err)
	}
	conv := &blockingConverter{Converter: pcapconv.New(pcapconv.Options{}), dir: dir}
	svc, err := recordings.New(recordings.Config{Store: db, Blobs: blobs, Converter: conv, Workers: 1,
		Tracer: recordings.NewTracing(slog.DiscardHandler)})
	if err != nil {
		return fail(err)
	}
	if err := svc.Start(ctx); err != nil {
		return fail(err)
	}
	if mode == "drain" {
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := svc.WaitIdle(wctx); err != nil {
			return fail(err)
		}
		page, err := svc.List(ctx, recordings.Actor{Name: "root", Role: recordings.RoleAdmin}, recordings.Filter{Limit: 500})
		if err != nil {
			return fail(err)
		}
		var out []crashResult
		for _, r := range page.Recordings {
			out = append(out, crashResult{r.FileName, r.Status, r.Partial, r.PCAP.Size, r.PCAP.SHA256, r.Media.Warnings, r.Media.Codecs, r.Media.Duration})
		}
		b, _ := json.Marshal(out)
		if err := os.WriteFile(filepath.Join(dir, "result.json"), b, 0o644); err != nil {
			return fail(err)
		}
		svc.Close()
		db.Close()
		return 0
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	tmp := filepath.Join(dir, "addr.tmp")
	if err := os.WriteFile(tmp, []byte(ln.Addr().String()), 0o644); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "addr")); err != nil {
		return fail(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/Files/", http.StripPrefix("/Files", webdav.New(svc, webdav.Options{})))
	return fail(http.Serve(ln, mux))
}

// blockingConverter is the real pipeline, except that while the file
// "block" exists in dir a conversion announces itself (the file
// "converting") and hangs until the process dies.
type blockingConverter struct {
	recordings.Converter
	dir string
}

func (c *blockingConverter) Convert(ctx context.Context, src io.ReadSeeker, dst io.WriteSeeker) (recordings.Media, error) {
	if _, err := os.Stat(filepath.Join(c.dir, "block")); err == nil {
		_ = os.WriteFile(filepath.Join(c.dir, "converting"), nil, 0o644)
		<-ctx.Done()
		return recordings.Media{}, ctx.Err()
	}
	return c.Converter.Convert(ctx, src, dst)
}

func startChild(t *testing.T, dir, mode string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envCrashDir+"="+dir, envCrashMode+"="+mode)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	return cmd
}

func waitFile(t *testing.T, path string, ok func(os.FileInfo) bool) {
	t.Helper()
	require.Eventually(t, func() bool {
		st, err := os.Stat(path)
		return err == nil && ok(st)
	}, 30*time.Second, 10*time.Millisecond, "waiting for %s", path)
}

func TestCrashMidUploadAndMidConversion(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "block"), nil, 0o644))
	child := startChild(t, dir, "serve")
	waitFile(t, filepath.Join(dir, "addr"), func(os.FileInfo) bool { return true })
	addr, err := os.ReadFile(filepath.Join(dir, "addr"))
	require.NoError(t, err)
	base := "http://" + string(addr) + "/Files/"

	// B uploads completely; its conversion hangs, and the child dies in it.
	nameB, dataB := callName(1, "b"), callPCAP(t, 10*time.Second)
	req, err := http.NewRequest(http.MethodPut, base+nameB, bytes.NewReader(dataB))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	waitFile(t, filepath.Join(dir, "converting"), func(os.FileInfo) bool { return true })

	// A streams (chunked) and the child dies in the middle of it.
	nameA, dataA := callName(2, "a"), callPCAP(t, 10*time.Second)
	half := len(dataA) / 2
	pr, pw := io.Pipe()
	go func() {
		req, _ := http.NewRequest(http.MethodPut, base+nameA, pr)
		req.ContentLength = -1
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	_, err = pw.Write(dataA[:half])
	require.NoError(t, err)
	staging := filepath.Join(dir, "files", "staging")
	require.Eventually(t, func() bool {
		es, _ := os.ReadDir(staging)
		for _, e := range es {
			if st, err := e.Info(); err == nil && st.Size() == int64(half) {
				return true
			}
		}
		return false
	}, 30*time.Second, 10*time.Millisecond, "the first half of A reaches the disk")

	require.NoError(t, child.Process.Kill())
	_, _ = child.Process.Wait()
	pw.CloseWithError(io.ErrUnexpectedEOF)

	// Restart: the interrupted upload is recovered and B's job resumes.
	require.NoError(t, os.Remove(filepath.Join(dir, "block")))
	drain := startChild(t, dir, "drain")
	done := make(chan error, 1)
	go func() { done <- drain.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "the restarted child failed")
	case <-time.After(2 * time.Minute):
		t.Fatal("the restarted child did not finish")
	}
	b, err := os.ReadFile(filepath.Join(dir, "result.json"))
	require.NoError(t, err)
	var got []crashResult
	require.NoError(t, json.Unmarshal(b, &got))
	byName := map[string]crashResult{}
	for _, r := range got {
		byName[r.FileName] = r
	}
	require.Len(t, byName, 2, "nothing lost: %+v", got)

	sumB := sha256.Sum256(dataB)
	rb := byName[nameB]
	assert.Equal(t, recordings.StatusReady, rb.Status, "B's conversion resumed")
	assert.False(t, rb.Partial)
	assert.Equal(t, hex.EncodeToString(sumB[:]), rb.SHA256)

	sumA := sha256.Sum256(dataA[:half])
	ra := byName[nameA]
	assert.Equal(t, recordings.StatusReady, ra.Status, "A converted as far as it goes")
	assert.True(t, ra.Partial)
	assert.Equal(t, int64(half), ra.Size)
	assert.Equal(t, hex.EncodeToString(sumA[:]), ra.SHA256, "exactly the bytes received before the crash")
	assert.NotEmpty(t, ra.Warnings, "the pipeline says the capture was cut short")
	assert.Equal(t, []string{"PCMA"}, ra.Codecs)
	assert.Equal(t, []string{"PCMA"}, rb.Codecs)
	assert.InDelta(t, 10.02, rb.Duration.Seconds(), 0.05)
	assert.Greater(t, ra.Duration, 2*time.Second)
}
