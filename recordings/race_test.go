package recordings_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/recordings"
)

// streaming is an upload in flight: Ingest reads from a pipe that the test
// feeds, so the test acts while the body streams.
type streaming struct {
	pw   *io.PipeWriter
	done chan ingestResult
}

type ingestResult struct {
	rec *recordings.Recording
	err error
}

// startUpload begins uploading name and returns once Ingest has read the
// first part of data (so the upload is recorded and its body streams).
func (e *env) startUpload(t *testing.T, name string, data []byte) *streaming {
	t.Helper()
	pr, pw := io.Pipe()
	s := &streaming{pw: pw, done: make(chan ingestResult, 1)}
	go func() {
		r, err := e.svc.Ingest(context.Background(), name, pr, -1)
		s.done <- ingestResult{r, err}
	}()
	_, err := pw.Write(data[:len(data)/2])
	require.NoError(t, err)
	return s
}

// finish sends the rest of data (or, with cut, breaks the connection
// instead) and waits for Ingest.
func (s *streaming) finish(t *testing.T, data []byte, cut bool) ingestResult {
	t.Helper()
	if cut {
		s.pw.CloseWithError(io.ErrUnexpectedEOF)
	} else {
		_, err := s.pw.Write(data[len(data)/2:])
		require.NoError(t, err)
		require.NoError(t, s.pw.Close())
	}
	return <-s.done
}

// TestDeletionRacingRepeatedUpload: a user deletion or a retention sweep
// that deletes a recording while a repeated upload of its name streams
// cannot lose that upload: it completes into a recording (same id), whole
// or partial, and the service still starts afterwards.
func TestDeletionRacingRepeatedUpload(t *testing.T) {
	ctx := context.Background()
	deleters := []struct {
		name string
		del  func(e *env, id string) error
	}{
		{"UserDelete", func(e *env, id string) error { return e.svc.Delete(ctx, admin, id) }},
		{"RetentionSweep", func(e *env, id string) error {
			days := 1
			if _, err := e.svc.UpdateSettings(ctx, admin, recordings.SettingsUpdate{RetentionDays: &days}); err != nil {
				return err
			}
			e.clock.Advance(48 * time.Hour)
			n, err := e.svc.SweepRetention(ctx)
			if err == nil && n != 1 {
				t.Errorf("retention deleted %d recordings, want 1", n)
			}
			return err
		}},
	}
	for _, d := range deleters {
		for _, cut := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/cut=%v", d.name, cut), func(t *testing.T) {
				e := newEnv(t)
				name := callName(40, "alice-phone")
				first := e.ingest(t, name, pcap(t, 10))
				second := pcap(t, 60)

				up := e.startUpload(t, name, second)
				require.NoError(t, d.del(e, first.ID))
				_, err := e.svc.Get(ctx, admin, first.ID)
				require.Equal(t, recordings.NotFound, code(err), "deleted while the repeat streams")

				res := up.finish(t, second, cut)
				require.NotNil(t, res.rec, "the repeated upload is kept: %v", res.err)
				assert.Equal(t, first.ID, res.rec.ID)
				e.idle(t)
				got, err := e.svc.Get(ctx, admin, first.ID)
				require.NoError(t, err)
				assert.Equal(t, cut, got.Partial)
				want := int64(len(second))
				if cut {
					want = int64(len(second) / 2)
				}
				assert.Equal(t, want, got.PCAP.Size)
				assert.Equal(t, recordings.StatusReady, got.Status)

				require.NoError(t, e.svc.Close())
				e.start(t)
				_, err = e.svc.Get(ctx, admin, first.ID)
				require.NoError(t, err)
			})
		}
	}
}

// TestDeletionRacingTwoUploadsOfAName: the recording is deleted while a
// repeated upload A streams, a new upload B of the same name begins (it
// makes a new recording), then A completes: A joins B's recording instead
// of clashing with it, B's completion replaces A as a later complete
// upload does, nothing is left half-recorded and the service restarts.
func TestDeletionRacingTwoUploadsOfAName(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	name := callName(41, "bob-phone")
	first := e.ingest(t, name, pcap(t, 10))
	dataA, dataB := pcap(t, 30), pcap(t, 40)

	a := e.startUpload(t, name, dataA)
	require.NoError(t, e.svc.Delete(ctx, admin, first.ID))
	b := e.startUpload(t, name, dataB)

	resA := a.finish(t, dataA, false)
	require.NoError(t, resA.err)
	require.NotNil(t, resA.rec)
	assert.NotEqual(t, first.ID, resA.rec.ID, "A joined the recording B started")
	assert.Equal(t, int64(len(dataA)), resA.rec.PCAP.Size)

	resB := b.finish(t, dataB, false)
	require.NoError(t, resB.err)
	assert.Equal(t, resA.rec.ID, resB.rec.ID)
	e.idle(t)
	got, err := e.svc.Get(ctx, admin, resB.rec.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(len(dataB)), got.PCAP.Size)
	assert.Equal(t, recordings.StatusReady, got.Status)

	require.NoError(t, e.db.View(ctx, func(tx recordings.Tx) error {
		ups, err := tx.Uploads()
		assert.Empty(t, ups, "no upload left in flight")
		return err
	}))
	require.NoError(t, e.svc.Close())
	e.start(t)
	page, err := e.svc.List(ctx, admin, recordings.Filter{})
	require.NoError(t, err)
	assert.Len(t, page.Recordings, 1)
}
