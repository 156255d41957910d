package recordings_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func callName(i int, reg string) string {
	return fmt.Sprintf("%032x-009033302ab1-%d--%s.pcap", i, i, reg)
}

func TestIngestStoresAndConverts(t *testing.T) {
	e := newEnv(t)
	data := pcap(t, 50)
	r := e.ingest(t, callName(1, "alice-phone"), data)

	assert.Equal(t, recordings.StatusReady, r.Status)
	assert.False(t, r.Partial)
	assert.True(t, r.Pending(), "no CDR yet")
	assert.Equal(t, "", r.Owner)
	assert.Equal(t, "alice-phone", r.Name.RegName)
	assert.Equal(t, fmt.Sprintf("%032x", 1), r.Name.GUID)
	sum := sha256.Sum256(data)
	assert.Equal(t, hex.EncodeToString(sum[:]), r.PCAP.SHA256)
	assert.Equal(t, int64(len(data)), r.PCAP.Size)
	assert.Equal(t, time.Second, r.Media.Duration)
	assert.Equal(t, []string{"PCMA"}, r.Media.Codecs)
	assert.True(t, r.Start.Equal(t0.Add(-time.Hour)), "start is the capture time of the first packet, got %v", r.Start)

	wav, err := e.svc.Open(context.Background(), admin, r.ID, recordings.MediaListen)
	require.NoError(t, err)
	defer wav.Close()
	assert.Equal(t, int64(44+50*320), wav.Size())
	head := make([]byte, 4)
	_, err = io.ReadFull(wav, head)
	require.NoError(t, err)
	assert.Equal(t, "RIFF", string(head))
	assert.Equal(t, "audio/wav", wav.ContentType)
	assert.Equal(t, `"`+r.WAV.SHA256+`"`, wav.ETag, "the content's hash: a WAV converted again has a new tag")

	raw, err := e.svc.Open(context.Background(), admin, r.ID, recordings.MediaPCAP)
	require.NoError(t, err)
	defer raw.Close()
	got, err := io.ReadAll(raw)
	require.NoError(t, err)
	assert.Equal(t, data, got, "the original pcap is kept as uploaded")
}

func TestIngestNotAPcapFailsAndKeepsIt(t *testing.T) {
	e := newEnv(t)
	r := e.ingest(t, "notes.txt", []byte("this is not a capture"))
	assert.Equal(t, recordings.StatusFailed, r.Status)
	assert.Contains(t, r.Failure, "not a pcap")
	assert.False(t, r.Name.Valid, "a name off the grammar is still stored")
	assert.True(t, r.NoCDR(), "a name without a conference GUID can never match a CDR: NoCDR at once")
	f, err := e.svc.Open(context.Background(), admin, r.ID, recordings.MediaPCAP)
	require.NoError(t, err)
	defer f.Close()
	got, _ := io.ReadAll(f)
	assert.Equal(t, "this is not a capture", string(got))
	_, err = e.svc.Open(context.Background(), admin, r.ID, recordings.MediaListen)
	assert.Equal(t, recordings.Conflict, code(err))
}

func TestIngestCutShortIsKeptAsPartial(t *testing.T) {
	cases := []struct {
		name string
		body func(data []byte) io.Reader
		size func(data []byte) int64
	}{
		{"ClientGone", func(d []byte) io.Reader {
			return &brokenReader{r: bytes.NewReader(d[:len(d)/2]), err: io.ErrUnexpectedEOF}
		}, func([]byte) int64 { return -1 }},
		{"LengthMismatch", func(d []byte) io.Reader { return bytes.NewReader(d[:len(d)/2]) },
			func(d []byte) int64 { return int64(len(d)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			data := pcap(t, 100)
			r, err := e.svc.Ingest(context.Background(), callName(2, "x"), c.body(data), c.size(data))
			require.Error(t, err)
			require.NotNil(t, r, "a cut-short upload is kept")
			assert.True(t, r.Partial)
			e.idle(t)
			got, err := e.svc.Get(context.Background(), admin, r.ID)
			require.NoError(t, err)
			assert.Equal(t, recordings.StatusReady, got.Status, "converted as far as readable")
			assert.True(t, got.Partial)
			assert.Contains(t, got.Media.Warnings, "capture cut short")
			assert.Equal(t, int64(len(data)/2), got.PCAP.Size)
		})
	}
}

func TestIngestRepeatedName(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	name := callName(3, "bob")
	first := e.ingest(t, name, pcap(t, 10))

	t.Run("CompleteRepeatReplacesWithSameID", func(t *testing.T) {
		second := e.ingest(t, name, pcap(t, 20))
		assert.Equal(t, first.ID, second.ID)
		assert.Equal(t, 400*time.Millisecond, second.Media.Duration)
		assert.NotEqual(t, first.PCAP.Key, second.PCAP.Key)
		_, err := e.blobs.Open(ctx, first.PCAP.Key)
		assert.ErrorContains(t, err, "no such file", "the replaced pcap is deleted")
		_, err = e.blobs.Open(ctx, first.WAV.Key)
		assert.Error(t, err, "the replaced WAV is deleted")
	})
	t.Run("AbortedRepeatNeverReplacesComplete", func(t *testing.T) {
		before, err := e.svc.Get(ctx, admin, first.ID)
		require.NoError(t, err)
		big := pcap(t, 500)
		r, err := e.svc.Ingest(ctx, name, &brokenReader{r: bytes.NewReader(big[:len(big)-10]), err: io.ErrUnexpectedEOF}, -1)
		require.Error(t, err)
		assert.Equal(t, first.ID, r.ID)
		e.idle(t)
		after, err := e.svc.Get(ctx, admin, first.ID)
		require.NoError(t, err)
		assert.Equal(t, before.PCAP, after.PCAP)
		assert.False(t, after.Partial)
		log, err := e.svc.AuditLog(ctx, admin, recordings.AuditFilter{RecordingID: first.ID})
		require.NoError(t, err)
		assert.Equal(t, recordings.ActionUploadDiscarded, log.Entries[0].Action)
	})
	t.Run("LongerRepeatReplacesPartial", func(t *testing.T) {
		name := callName(4, "carol")
		data := pcap(t, 100)
		p, err := e.svc.Ingest(ctx, name, &brokenReader{r: bytes.NewReader(data[:1000]), err: io.ErrUnexpectedEOF}, -1)
		require.Error(t, err)
		q, err := e.svc.Ingest(ctx, name, &brokenReader{r: bytes.NewReader(data[:3000]), err: io.ErrUnexpectedEOF}, -1)
		require.Error(t, err)
		assert.Equal(t, p.ID, q.ID)
		assert.Equal(t, int64(3000), q.PCAP.Size)
		full := e.ingest(t, name, data)
		assert.False(t, full.Partial)
		assert.Equal(t, int64(len(data)), full.PCAP.Size)
	})
}

// TestIngestEmptyUploadIsAPlaceholder: WebDAV clients PUT an empty file
// before the real one. The empty upload is acknowledged and audited, but it
// makes no recording (so no failed call), never replaces one, and the real
// upload that follows is the recording even when it is cut short.
func TestIngestEmptyUploadIsAPlaceholder(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	name := callName(9, "alice-phone")
	for _, size := range []int64{0, -1} { // Content-Length: 0, and chunked with no data
		r, err := e.svc.Ingest(ctx, name, bytes.NewReader(nil), size)
		require.NoError(t, err)
		assert.Nil(t, r)
	}
	page, err := e.svc.List(ctx, admin, recordings.Filter{})
	require.NoError(t, err)
	assert.Empty(t, page.Recordings, "no recording, so no failed call")
	log, err := e.svc.AuditLog(ctx, admin, recordings.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, log.Entries, 2)
	assert.Equal(t, recordings.ActionUploadEmpty, log.Entries[0].Action)
	assert.Contains(t, log.Entries[0].Detail, name)
	assert.Empty(t, log.Entries[0].RecordingID)

	data := pcap(t, 100)
	r, err := e.svc.Ingest(ctx, name, &brokenReader{r: bytes.NewReader(data[:3000]), err: io.ErrUnexpectedEOF}, -1)
	require.Error(t, err)
	require.NotNil(t, r, "the real upload after the placeholder is kept, even cut short")
	assert.True(t, r.Partial)
	assert.Equal(t, int64(3000), r.PCAP.Size)

	full := e.ingest(t, name, data)
	_, err = e.svc.Ingest(ctx, name, bytes.NewReader(nil), 0)
	require.NoError(t, err)
	e.idle(t)
	got, err := e.svc.Get(ctx, admin, full.ID)
	require.NoError(t, err)
	assert.Equal(t, full.PCAP, got.PCAP, "an empty repeat replaces nothing")
	assert.Equal(t, recordings.StatusReady, got.Status)
	log, err = e.svc.AuditLog(ctx, admin, recordings.AuditFilter{RecordingID: full.ID, Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, recordings.ActionUploadEmpty, log.Entries[0].Action)
}

func TestIngestRefusals(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, func(c *recordings.Config) { c.MaxUploadSize = 4096 })
	cases := []struct {
		name string
		file string
		body []byte
		size int64
		want recordings.Code
	}{
		{"Traversal", "../../etc/passwd", []byte("x"), 1, recordings.Invalid},
		{"EncodedTraversal", "%2e%2e%2fx.pcap", []byte("x"), 1, recordings.Invalid},
		{"NUL", "a\x00.pcap", []byte("x"), 1, recordings.Invalid},
		{"DeclaredTooLarge", "big1.pcap", []byte("x"), 5000, recordings.TooLarge},
		{"StreamedTooLarge", "big2.pcap", make([]byte, 5000), -1, recordings.TooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.svc.Ingest(ctx, c.file, bytes.NewReader(c.body), c.size)
			assert.Equal(t, c.want, code(err), "%v", err)
			assert.Nil(t, r)
		})
	}
	page, err := e.svc.List(ctx, admin, recordings.Filter{})
	require.NoError(t, err)
	assert.Empty(t, page.Recordings, "nothing of a refused upload is kept")
}

func TestIngestDiskFull(t *testing.T) {
	ctx := context.Background()
	var disk *recordingstest.FullDisk
	e := newEnv(t, func(c *recordings.Config) {
		disk = recordingstest.NewFullDisk(c.Blobs, 3000)
		c.Blobs = disk
	})
	data := pcap(t, 100)
	r, err := e.svc.Ingest(ctx, callName(5, "x"), bytes.NewReader(data), -1)
	assert.Equal(t, recordings.InsufficientStorage, code(err), "%v", err)
	assert.Nil(t, r)
	assert.Equal(t, "storage full", recordings.ErrorMessage(err))
	page, err := e.svc.List(ctx, admin, recordings.Filter{})
	require.NoError(t, err)
	assert.Empty(t, page.Recordings, "nothing half-written is visible")

	disk.SetBudget(1 << 30)
	got := e.ingest(t, callName(5, "x"), data)
	assert.Equal(t, recordings.StatusReady, got.Status, "the phone's retry succeeds once there is space")
}

func TestIngestParallelNames(t *testing.T) {
	e := newEnv(t)
	const n = 20
	data := pcap(t, 20)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := e.svc.Ingest(context.Background(), callName(100+i, "p"), bytes.NewReader(data), int64(len(data)))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	e.idle(t)
	page, err := e.svc.List(context.Background(), admin, recordings.Filter{Status: recordings.StatusReady, Limit: 100})
	require.NoError(t, err)
	assert.Len(t, page.Recordings, n)
}

func TestJobIsDurableBeforeIngestReturnsAndResumes(t *testing.T) {
	ctx := context.Background()
	block := make(chan struct{})
	e := newEnv(t)
	e.conv.Before = func(ctx context.Context) error {
		select {
		case <-block:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r, err := e.svc.Ingest(ctx, callName(6, "x"), bytes.NewReader(pcap(t, 5)), -1)
	require.NoError(t, err)
	require.NoError(t, e.db.View(ctx, func(tx recordings.Tx) error {
		jobs, err := tx.Jobs()
		require.Len(t, jobs, 1)
		assert.Equal(t, r.ID, jobs[0].RecordingID)
		return err
	}))
	require.NoError(t, e.svc.Close()) // shutdown mid-conversion: the job stays
	close(block)
	e.start(t)
	e.idle(t)
	got, err := e.svc.Get(ctx, admin, r.ID)
	require.NoError(t, err)
	assert.Equal(t, recordings.StatusReady, got.Status)
	require.NoError(t, e.db.View(ctx, func(tx recordings.Tx) error {
		jobs, err := tx.Jobs()
		assert.Empty(t, jobs)
		return err
	}))
}

func TestStartRecoversInterruptedUpload(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	require.NoError(t, e.svc.Close())
	// What a crash mid-upload leaves: the upload row, a receiving
	// recording, and the staged bytes.
	name := callName(7, "x")
	data := pcap(t, 40)
	rec := &recordings.Recording{ID: "r7", FileName: name, Name: recordings.ParseFileName(name), UploadStarted: t0,
		Status: recordings.StatusReceiving, CallState: recordings.CallPending, Start: t0}
	up := recordings.Upload{ID: "u7", RecordingID: "r7", FileName: name, BlobKey: "pcap/r7/u7.pcap", Started: t0}
	require.NoError(t, e.db.Update(ctx, func(tx recordings.Tx) error {
		require.NoError(t, tx.PutRecording(rec))
		return tx.PutUpload(up)
	}))
	w, err := e.blobs.Create(ctx, up.BlobKey)
	require.NoError(t, err)
	_, err = w.Write(data[:2000])
	require.NoError(t, err)

	e.start(t)
	e.idle(t)
	got, err := e.svc.Get(ctx, admin, "r7")
	require.NoError(t, err)
	assert.True(t, got.Partial)
	assert.Equal(t, int64(2000), got.PCAP.Size)
	assert.Equal(t, recordings.StatusReady, got.Status)
}

func TestDeleteDuringConversion(t *testing.T) {
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	e := newEnv(t)
	e.conv.Before = func(context.Context) error {
		close(started)
		<-release
		return nil
	}
	r, err := e.svc.Ingest(ctx, callName(8, "x"), bytes.NewReader(pcap(t, 5)), -1)
	require.NoError(t, err)
	<-started
	require.NoError(t, e.svc.Delete(ctx, admin, r.ID))
	close(release)
	e.idle(t)
	_, err = e.svc.Get(ctx, admin, r.ID)
	assert.Equal(t, recordings.NotFound, code(err), "a deleted recording does not come back")
}

func TestStats(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	good := pcap(t, 10)
	e.ingest(t, callName(1, "a"), good)
	e.ingest(t, callName(2, "b"), good)
	e.ingest(t, "junk.bin", []byte("junk"))
	_, err := e.svc.Ingest(ctx, "../x", bytes.NewReader(good), -1)
	require.Error(t, err)
	_, err = e.svc.Ingest(ctx, callName(3, "c"), &brokenReader{r: bytes.NewReader(good[:500]), err: io.ErrUnexpectedEOF}, -1)
	require.Error(t, err)
	e.idle(t)
	st := e.svc.Stats()
	assert.Equal(t, int64(4), st.Uploads)
	assert.Equal(t, int64(1), st.PartialUploads)
	assert.Equal(t, int64(2*len(good)+4+500), st.UploadBytes)
	assert.Equal(t, int64(1), st.UploadsRefused)
	assert.Equal(t, int64(3), st.Conversions)
	assert.Equal(t, int64(1), st.Failures)
	assert.Positive(t, st.ConversionTime)
	assert.Zero(t, st.Queued)
	assert.Zero(t, st.Running)
}

// TestRepeatedUploadKeepsCreated: a complete repeated upload moves
// UploadCompleted, never Created (the creation for licensing).
func TestRepeatedUploadKeepsCreated(t *testing.T) {
	e := newEnv(t)
	name := callName(1, "alice-phone")
	first := e.ingest(t, name, pcap(t, 10))
	require.True(t, first.Created.Equal(first.UploadCompleted))
	e.clock.Advance(time.Hour)
	again := e.ingest(t, name, pcap(t, 12))
	require.Equal(t, first.ID, again.ID)
	assert.True(t, again.UploadCompleted.After(first.UploadCompleted), "the repeat completed later")
	assert.True(t, again.Created.Equal(first.Created), "created stays the first completion")
}
