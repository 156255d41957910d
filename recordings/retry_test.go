package recordings_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/recordings"
)

// flakyBlobs fails the creation of, or the first write to, WAV blobs as
// many times as asked, as a full disk does.
type flakyBlobs struct {
	recordings.BlobStore
	createFails, writeFails atomic.Int32
}

func (f *flakyBlobs) Create(ctx context.Context, key string) (recordings.BlobWriter, error) {
	if !strings.HasPrefix(key, "wav/") {
		return f.BlobStore.Create(ctx, key)
	}
	if f.createFails.Add(-1) >= 0 {
		return nil, fmt.Errorf("create %s: %w", key, syscall.ENOSPC)
	}
	w, err := f.BlobStore.Create(ctx, key)
	if err != nil {
		return nil, err
	}
	return &flakyWriter{BlobWriter: w, fail: f.writeFails.Add(-1) >= 0}, nil
}

type flakyWriter struct {
	recordings.BlobWriter
	fail bool
}

func (w *flakyWriter) Write(p []byte) (int, error) {
	if w.fail {
		return 0, fmt.Errorf("write: %w", syscall.ENOSPC)
	}
	return w.BlobWriter.Write(p)
}

func (w *flakyWriter) Seek(off int64, whence int) (int64, error) {
	return w.BlobWriter.(io.Seeker).Seek(off, whence)
}

// flakyStore fails as many Updates as asked, as a database that cannot
// commit does.
type flakyStore struct {
	recordings.Store
	updateFails atomic.Int32
}

func (s *flakyStore) Update(ctx context.Context, fn func(recordings.Tx) error) error {
	if s.updateFails.Add(-1) >= 0 {
		return fmt.Errorf("commit: %w", syscall.EIO)
	}
	return s.Store.Update(ctx, fn)
}

// TestConversionRetriedAfterStorageErrors: a storage failure while a job
// runs (the WAV cannot be created or written, the result cannot be
// recorded) is no conversion failure: the job is retried with backoff
// until it works, the recording ends ready, and no WAV is left behind.
func TestConversionRetriedAfterStorageErrors(t *testing.T) {
	cases := []struct {
		name  string
		setup func(b *flakyBlobs, s *flakyStore, conv *atomic.Bool)
	}{
		{"WAVCannotBeCreated", func(b *flakyBlobs, _ *flakyStore, _ *atomic.Bool) { b.createFails.Store(3) }},
		{"WAVWriteDiskFull", func(b *flakyBlobs, _ *flakyStore, _ *atomic.Bool) { b.writeFails.Store(2) }},
		{"ResultNotRecorded", func(_ *flakyBlobs, _ *flakyStore, failAfterConvert *atomic.Bool) { failAfterConvert.Store(true) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			var blobs *flakyBlobs
			var store *flakyStore
			e := newEnv(t, func(cfg *recordings.Config) {
				blobs = &flakyBlobs{BlobStore: cfg.Blobs}
				store = &flakyStore{Store: cfg.Store}
				cfg.Blobs, cfg.Store = blobs, store
				cfg.RetryBackoff = time.Millisecond
			})
			var failAfterConvert atomic.Bool
			e.conv.Before = func(context.Context) error {
				if failAfterConvert.CompareAndSwap(true, false) {
					store.updateFails.Store(2) // the result, then the retry's start
				}
				return nil
			}
			c.setup(blobs, store, &failAfterConvert)

			r := e.ingest(t, callName(50, "alice-phone"), pcap(t, 25))
			assert.Equal(t, recordings.StatusReady, r.Status, "failure: %s", r.Failure)
			assert.Empty(t, r.Failure)
			assert.Equal(t, 500*time.Millisecond, r.Media.Duration)
			st := e.svc.Stats()
			assert.Zero(t, st.Failures, "a storage error is no conversion failure")
			assert.Equal(t, int64(1), st.Conversions)
			for _, left := range []int32{blobs.createFails.Load(), blobs.writeFails.Load(), store.updateFails.Load()} {
				assert.LessOrEqual(t, left, int32(0), "every injected error was met")
			}

			wavs, err := os.ReadDir(filepath.Join(e.dir, "files", "blobs", "wav"))
			require.NoError(t, err)
			assert.Len(t, wavs, 1, "the WAVs of failed attempts are not left behind")
			require.NoError(t, e.db.View(ctx, func(tx recordings.Tx) error {
				jobs, err := tx.Jobs()
				assert.Empty(t, jobs)
				return err
			}))
		})
	}
}

// TestConversionFailureIsNotRetried: a capture the converter cannot read
// fails the recording at once, with the reason.
func TestConversionFailureIsNotRetried(t *testing.T) {
	var runs atomic.Int32
	e := newEnv(t, func(cfg *recordings.Config) { cfg.RetryBackoff = time.Millisecond })
	e.conv.Before = func(context.Context) error { runs.Add(1); return nil }
	r := e.ingest(t, callName(51, "x"), []byte("not a capture at all"))
	assert.Equal(t, recordings.StatusFailed, r.Status)
	assert.NotEmpty(t, r.Failure)
	assert.Equal(t, int32(1), runs.Load())
}
