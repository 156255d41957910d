package webdav_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/f0fce437/callrec/adapters/webdav"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRealDiskFull fills a real 1 MB tmpfs: the upload answers 507 and
// leaves nothing behind, neither a recording nor a staged file, and the
// next upload that fits succeeds.
func TestRealDiskFull(t *testing.T) {
	mnt := recordingstest.SmallDisk(t, "1m")

	s := newStackAt(t, filepath.Join(mnt, "files"), 0, webdav.Options{}, nil)
	resp := put(t, s.srv.Client(), s.srv.URL+"/recordings/Files/"+name, callBytes(t, 80*time.Second), true) // ~1.8 MB
	assert.Equal(t, http.StatusInsufficientStorage, resp.StatusCode)

	ctx := context.Background()
	require.NoError(t, s.svc.WaitIdle(ctx))
	page, err := s.svc.List(ctx, admin, recordings.Filter{})
	require.NoError(t, err)
	assert.Empty(t, page.Recordings, "nothing half-written is visible")
	staged, err := os.ReadDir(filepath.Join(mnt, "files", "staging"))
	require.NoError(t, err)
	assert.Empty(t, staged, "the partial blob is removed")

	resp = put(t, s.srv.Client(), s.srv.URL+"/recordings/Files/"+name, callBytes(t, 2*time.Second), true)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
}
