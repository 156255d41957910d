package recordingstest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
	"testing"

	"github.com/f0fce437/callrec/recordings"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBlobStore runs the conformance suite of recordings.BlobStore against
// the stores newStore returns (a fresh, empty one per call).
func TestBlobStore(t *testing.T, newStore func(t *testing.T) recordings.BlobStore) {
	ctx := context.Background()
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		data := bytes.Repeat([]byte("callrec "), 20000)
		info := putBlob(t, s, "pcap/abc/1.pcap", data)
		sum := sha256.Sum256(data)
		assert.Equal(t, int64(len(data)), info.Size)
		assert.Equal(t, hex.EncodeToString(sum[:]), info.SHA256)
		assert.Equal(t, data, readBlob(t, s, "pcap/abc/1.pcap"))
	})
	t.Run("EmptyBlob", func(t *testing.T) {
		s := newStore(t)
		info := putBlob(t, s, "empty", nil)
		assert.Equal(t, int64(0), info.Size)
		assert.Empty(t, readBlob(t, s, "empty"))
	})
	t.Run("MissingIsErrNotExist", func(t *testing.T) {
		s := newStore(t)
		_, err := s.Open(ctx, "no/such/blob")
		require.Error(t, err)
		assert.True(t, errors.Is(err, fs.ErrNotExist), "Open of a missing blob: %v", err)
		require.NoError(t, s.Delete(ctx, "no/such/blob"), "Delete of a missing blob is no error")
	})
	t.Run("InvisibleUntilCommit", func(t *testing.T) {
		s := newStore(t)
		w, err := s.Create(ctx, "a/b")
		require.NoError(t, err)
		_, err = w.Write([]byte("half"))
		require.NoError(t, err)
		_, err = s.Open(ctx, "a/b")
		assert.True(t, errors.Is(err, fs.ErrNotExist), "uncommitted blob visible: %v", err)
		_, err = w.Commit()
		require.NoError(t, err)
		assert.Equal(t, []byte("half"), readBlob(t, s, "a/b"))
	})
	t.Run("AbortLeavesNothing", func(t *testing.T) {
		s := newStore(t)
		w, err := s.Create(ctx, "a/b")
		require.NoError(t, err)
		_, err = w.Write([]byte("gone"))
		require.NoError(t, err)
		require.NoError(t, w.Abort())
		_, err = s.Open(ctx, "a/b")
		assert.True(t, errors.Is(err, fs.ErrNotExist), "aborted blob visible: %v", err)
	})
	t.Run("ReplaceIsAtomic", func(t *testing.T) {
		s := newStore(t)
		putBlob(t, s, "k", []byte("old"))
		w, err := s.Create(ctx, "k")
		require.NoError(t, err)
		_, err = w.Write([]byte("new content"))
		require.NoError(t, err)
		assert.Equal(t, []byte("old"), readBlob(t, s, "k"), "old blob must stay readable until Commit")
		_, err = w.Commit()
		require.NoError(t, err)
		assert.Equal(t, []byte("new content"), readBlob(t, s, "k"))
	})
	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		putBlob(t, s, "x/y/z", []byte("1"))
		putBlob(t, s, "x/y/w", []byte("2"))
		require.NoError(t, s.Delete(ctx, "x/y/z"))
		_, err := s.Open(ctx, "x/y/z")
		assert.True(t, errors.Is(err, fs.ErrNotExist), "deleted blob still there: %v", err)
		assert.Equal(t, []byte("2"), readBlob(t, s, "x/y/w"), "Delete touched a sibling")
		require.NoError(t, s.Delete(ctx, "x/y/w"))
		putBlob(t, s, "x/y/v", []byte("3")) // the emptied prefix is usable again
		assert.Equal(t, []byte("3"), readBlob(t, s, "x/y/v"))
	})
	t.Run("BadKeys", func(t *testing.T) {
		s := newStore(t)
		for _, key := range []string{"", "/abs", "../up", "a/../b", "a//b", "a/./b", "UPPER", "sp ace", "a\x00b", "a\\b", "trailing/"} {
			t.Run(fmt.Sprintf("%q", key), func(t *testing.T) {
				_, err := s.Create(ctx, key)
				assert.Equal(t, recordings.Invalid, recordings.ErrorCode(err), "Create(%q): %v", key, err)
				_, err = s.Open(ctx, key)
				assert.Equal(t, recordings.Invalid, recordings.ErrorCode(err), "Open(%q): %v", key, err)
			})
		}
	})
	t.Run("SeekableReads", func(t *testing.T) {
		s := newStore(t)
		putBlob(t, s, "r", []byte("0123456789"))
		b, err := s.Open(ctx, "r")
		require.NoError(t, err)
		defer b.Close()
		assert.Equal(t, int64(10), b.Size())
		_, err = b.Seek(6, io.SeekStart)
		require.NoError(t, err)
		got := make([]byte, 3)
		_, err = io.ReadFull(b, got)
		require.NoError(t, err)
		assert.Equal(t, "678", string(got))
		end, err := b.Seek(0, io.SeekEnd)
		require.NoError(t, err)
		assert.Equal(t, int64(10), end)
	})
	t.Run("SeekingWriterHashesFinalContent", func(t *testing.T) {
		s := newStore(t)
		w, err := s.Create(ctx, "wav")
		require.NoError(t, err)
		ws, ok := w.(io.WriteSeeker)
		if !ok {
			_ = w.Abort()
			t.Skip("writer cannot seek; the service spools through a temporary file")
		}
		_, err = ws.Write([]byte("XXXXbody"))
		require.NoError(t, err)
		_, err = ws.Seek(0, io.SeekStart)
		require.NoError(t, err)
		_, err = ws.Write([]byte("HEAD"))
		require.NoError(t, err)
		info, err := w.Commit()
		require.NoError(t, err)
		sum := sha256.Sum256([]byte("HEADbody"))
		assert.Equal(t, hex.EncodeToString(sum[:]), info.SHA256)
		assert.Equal(t, int64(8), info.Size)
		assert.Equal(t, []byte("HEADbody"), readBlob(t, s, "wav"))
	})
	t.Run("RecoverStaged", func(t *testing.T) {
		s := newStore(t)
		rc, ok := s.(recordings.BlobRecoverer)
		if !ok {
			t.Skip("no BlobRecoverer: an interrupted upload is lost with the process")
		}
		_, err := rc.Recover(ctx, "nothing/staged")
		assert.True(t, errors.Is(err, fs.ErrNotExist), "Recover with nothing staged: %v", err)
		w, err := s.Create(ctx, "up/1")
		require.NoError(t, err)
		_, err = w.Write([]byte("streamed before the crash"))
		require.NoError(t, err)
		// The process "dies" here: w is neither committed nor aborted.
		info, err := rc.Recover(ctx, "up/1")
		require.NoError(t, err)
		assert.Equal(t, int64(25), info.Size)
		assert.Equal(t, []byte("streamed before the crash"), readBlob(t, s, "up/1"))
		_, err = rc.Recover(ctx, "up/1")
		assert.True(t, errors.Is(err, fs.ErrNotExist), "second Recover: %v", err)
	})
	t.Run("ConcurrentWriters", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 16 {
			wg.Go(func() {
				w, err := s.Create(ctx, fmt.Sprintf("c/%d", i))
				if err != nil {
					errs <- err
					return
				}
				for range 50 {
					if _, err := w.Write(bytes.Repeat([]byte{byte(i)}, 1000)); err != nil {
						errs <- err
						return
					}
				}
				_, err = w.Commit()
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		for i := range 16 {
			assert.Equal(t, bytes.Repeat([]byte{byte(i)}, 50000), readBlob(t, s, fmt.Sprintf("c/%d", i)))
		}
	})
}

func putBlob(t *testing.T, s recordings.BlobStore, key string, data []byte) recordings.BlobInfo {
	t.Helper()
	w, err := s.Create(context.Background(), key)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	info, err := w.Commit()
	require.NoError(t, err)
	return info
}

func readBlob(t *testing.T, s recordings.BlobStore, key string) []byte {
	t.Helper()
	b, err := s.Open(context.Background(), key)
	require.NoError(t, err)
	defer b.Close()
	data, err := io.ReadAll(b)
	require.NoError(t, err)
	if len(data) == 0 {
		return []byte{}
	}
	return data
}
