package recordings

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"time"
)

// jobQueue is the in-memory order of the durable jobs: each recording at
// most once queued and once running; a job pushed while its recording is
// being converted runs again afterwards (its pcap was replaced). A job that
// met a storage error waits (delayed) and is queued again when its backoff
// ends; it counts as work for waitIdle.
type jobQueue struct {
	mu       sync.Mutex
	cond     *sync.Cond
	order    []string
	queued   map[string]bool
	running  map[string]bool
	again    map[string]bool
	delayed  map[string]*time.Timer
	attempts map[string]int // storage errors in a row, per recording
	closed   bool
	idle     chan struct{} // closed while idle; replaced when work arrives
}

func newJobQueue() *jobQueue {
	q := &jobQueue{queued: map[string]bool{}, running: map[string]bool{}, again: map[string]bool{},
		delayed: map[string]*time.Timer{}, attempts: map[string]int{}, idle: make(chan struct{})}
	close(q.idle)
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *jobQueue) busy() {
	select {
	case <-q.idle:
		q.idle = make(chan struct{})
	default:
	}
}

func (q *jobQueue) push(id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pushLocked(id)
}

func (q *jobQueue) pushLocked(id string) {
	if t, ok := q.delayed[id]; ok { // new work: no need to wait any longer
		t.Stop()
		delete(q.delayed, id)
	}
	if q.running[id] {
		q.again[id] = true
		return
	}
	if q.queued[id] {
		return
	}
	q.busy()
	q.queued[id] = true
	q.order = append(q.order, id)
	q.cond.Signal()
}

// pop waits for a job; ok is false once the queue is closed.
func (q *jobQueue) pop() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.order) == 0 && !q.closed {
		q.cond.Wait()
	}
	if q.closed {
		return "", false
	}
	id := q.order[0]
	q.order = q.order[1:]
	delete(q.queued, id)
	q.running[id] = true
	return id, true
}

func (q *jobQueue) done(id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.running, id)
	if q.again[id] {
		delete(q.again, id)
		q.queued[id] = true
		q.order = append(q.order, id)
		q.cond.Signal()
	}
	if len(q.order) == 0 && len(q.running) == 0 && len(q.delayed) == 0 {
		close(q.idle)
	}
}

// retry queues the job of id again once its backoff ends: base doubled for
// each storage error in a row, at most limit. It returns the wait.
func (q *jobQueue) retry(id string, base, limit time.Duration) time.Duration {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0
	}
	n := q.attempts[id]
	q.attempts[id] = n + 1
	d := limit
	if n < 30 && base<<n < limit {
		d = base << n
	}
	if t, ok := q.delayed[id]; ok {
		t.Stop()
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		if q.delayed[id] != t || q.closed {
			return // pushed meanwhile, or shutting down
		}
		delete(q.delayed, id)
		q.pushLocked(id)
	})
	q.delayed[id] = t
	return d
}

// succeeded forgets the storage errors of id's job.
func (q *jobQueue) succeeded(id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.attempts, id)
}

func (q *jobQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	for id, t := range q.delayed { // their durable jobs resume at the next Start
		t.Stop()
		delete(q.delayed, id)
	}
	q.cond.Broadcast()
}

func (q *jobQueue) waitIdle(ctx context.Context) error {
	q.mu.Lock()
	idle := q.idle
	q.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) work(ctx context.Context) {
	for {
		id, ok := s.queue.pop()
		if !ok {
			return
		}
		s.convert(ctx, id)
		s.queue.done(id)
	}
}

// errStorage marks a conversion that failed because storage did (the blob
// store or the database), not because of the capture: the job is retried
// with backoff instead of failing the recording.
var errStorage = errors.New("storage error")

// convert runs the job of recording id. On shutdown it leaves the job
// queued (it resumes at the next Start); after a storage error it retries
// the job with backoff; any other outcome ends the job: ready, or failed
// with the reason.
func (s *Service) convert(ctx context.Context, id string) {
	var rec *Recording
	err := s.store.Update(ctx, func(tx Tx) error {
		r, err := tx.Recording(id)
		if ErrorCode(err) == NotFound {
			rec = nil
			return tx.DeleteJob(id)
		}
		if err != nil {
			return err
		}
		r.Status = StatusConverting
		rec = r
		return tx.PutRecording(r)
	})
	if err != nil {
		s.retryJob(ctx, id, "starting conversion", err)
		return
	}
	if rec == nil {
		s.queue.succeeded(id)
		return
	}
	log := s.logConv.With("recording", id, "file", rec.FileName)
	log.Debug("converting", "pcap", rec.PCAP.Key, "size", rec.PCAP.Size)
	wavKey := "wav/" + id + "." + newID() + ".wav"
	began := time.Now()
	media, info, convErr := s.convertBlob(ctx, rec.PCAP.Key, wavKey)
	took := time.Since(began)
	if ctx.Err() != nil {
		log.Info("conversion interrupted; it resumes at the next start")
		return
	}
	if errors.Is(convErr, errStorage) {
		s.retryJob(ctx, id, "converting", convErr)
		return
	}
	var oldWAV string
	keepWAV := false
	err = s.store.Update(context.WithoutCancel(ctx), func(tx Tx) error {
		oldWAV, keepWAV = "", false
		r, err := tx.Recording(id)
		if ErrorCode(err) == NotFound {
			return tx.DeleteJob(id) // deleted meanwhile
		}
		if err != nil {
			return err
		}
		if r.PCAP.Key != rec.PCAP.Key {
			return nil // a newer upload replaced the pcap; its job runs next
		}
		if convErr != nil {
			r.Status, r.Failure = StatusFailed, convErr.Error()
		} else {
			oldWAV, keepWAV = r.WAV.Key, true
			r.Status, r.Failure = StatusReady, ""
			r.WAV = BlobRef{Key: wavKey, Size: info.Size, SHA256: info.SHA256}
			r.Media = media
			r.SetStart()
		}
		if err := tx.DeleteJob(id); err != nil {
			return err
		}
		return tx.PutRecording(r)
	})
	if (err != nil || !keepWAV) && convErr == nil {
		s.deleteBlob(ctx, wavKey)
	}
	if err != nil {
		s.retryJob(ctx, id, "recording the conversion result", err)
		return
	}
	s.queue.succeeded(id)
	if oldWAV != "" && oldWAV != wavKey {
		s.deleteBlob(ctx, oldWAV) // replaced by the new WAV, durably
	}
	s.stats.convNanos.Add(int64(took))
	if convErr != nil {
		s.stats.failures.Add(1)
		log.Warn("conversion failed", "err", convErr)
		return
	}
	if !keepWAV {
		log.Debug("conversion discarded: the recording was deleted or its pcap replaced meanwhile")
		return
	}
	s.stats.conversions.Add(1)
	log.Info("converted", "codecs", media.Codecs, "duration", media.Duration, "warnings", len(media.Warnings))
	s.resolveCallInfo(context.WithoutCancel(ctx), id)
}

// retryJob queues the job of id again after a backoff, because storage
// failed while it ran; its durable job row stays, so a restart resumes it
// too.
func (s *Service) retryJob(ctx context.Context, id, step string, err error) {
	if ctx.Err() != nil {
		return // shutting down: the job resumes at the next Start
	}
	d := s.queue.retry(id, s.retryBackoff, s.maxRetryBackoff)
	s.logConv.Error(step+" failed on storage; the job is retried", "recording", id, "in", d, "err", err)
}

// convertBlob converts the pcap blob into a new WAV blob. The WAV is
// committed only when the conversion succeeded. A failure of the storage
// (not of the capture) wraps errStorage.
func (s *Service) convertBlob(ctx context.Context, pcapKey, wavKey string) (Media, BlobInfo, error) {
	src, err := s.blobs.Open(ctx, pcapKey)
	if errors.Is(err, fs.ErrNotExist) {
		return Media{}, BlobInfo{}, fmt.Errorf("the pcap is missing: %w", err)
	}
	if err != nil {
		return Media{}, BlobInfo{}, fmt.Errorf("%w: opening the pcap: %w", errStorage, err)
	}
	defer src.Close()
	w, err := s.blobs.Create(ctx, wavKey)
	if err != nil {
		return Media{}, BlobInfo{}, fmt.Errorf("%w: creating the WAV: %w", errStorage, err)
	}
	media, err := s.convertTo(ctx, src, w)
	if err != nil {
		_ = w.Abort()
		return Media{}, BlobInfo{}, err
	}
	info, err := w.Commit()
	if err != nil {
		return Media{}, BlobInfo{}, fmt.Errorf("%w: storing the WAV: %w", errStorage, err)
	}
	return media, info, nil
}

// convertTo runs the converter into w directly when w can seek (the WAV
// header is patched at the end), else through a temporary file. A
// converter error caused by a failing write or seek wraps errStorage.
func (s *Service) convertTo(ctx context.Context, src io.ReadSeeker, w BlobWriter) (Media, error) {
	if ws, ok := w.(io.WriteSeeker); ok {
		return s.convertWatched(ctx, src, ws)
	}
	tmp, err := os.CreateTemp("", "callrec-wav-*")
	if err != nil {
		return Media{}, fmt.Errorf("%w: %w", errStorage, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	media, err := s.convertWatched(ctx, src, tmp)
	if err != nil {
		return Media{}, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return Media{}, fmt.Errorf("%w: %w", errStorage, err)
	}
	if _, err := io.Copy(w, tmp); err != nil {
		return Media{}, fmt.Errorf("%w: %w", errStorage, err)
	}
	return media, nil
}

// convertWatched converts into dst and tells a failure of dst from one of
// the capture.
func (s *Service) convertWatched(ctx context.Context, src io.ReadSeeker, dst io.WriteSeeker) (Media, error) {
	w := &watchedWriter{w: dst}
	media, err := s.conv.Convert(ctx, src, w)
	if err != nil && (w.err != nil || ErrorCode(err) == InsufficientStorage) {
		return Media{}, fmt.Errorf("%w: writing the WAV: %w", errStorage, err)
	}
	return media, err
}

// watchedWriter remembers the first error of the writer it wraps.
type watchedWriter struct {
	w   io.WriteSeeker
	err error
}

func (w *watchedWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

func (w *watchedWriter) Seek(off int64, whence int) (int64, error) {
	n, err := w.w.Seek(off, whence)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

func (s *Service) deleteBlob(ctx context.Context, key string) {
	if key == "" {
		return
	}
	if err := s.blobs.Delete(context.WithoutCancel(ctx), key); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.logRec.Error("deleting blob", "key", key, "err", err)
	}
}

// Reconvert queues a new conversion of a recording (admins), for example
// after a decoder improved. The pcap is the source of truth; the current WAV
// stays until the new one is ready.
func (s *Service) Reconvert(ctx context.Context, a Actor, id string) error {
	if err := checkActor(a); err != nil {
		return err
	}
	if !a.admin() {
		return Errorf(Forbidden, "only admins reconvert recordings")
	}
	err := s.store.Update(ctx, func(tx Tx) error {
		r, err := tx.Recording(id)
		if err != nil {
			return err
		}
		if r.Status == StatusReceiving || r.PCAP.Key == "" {
			return Errorf(Conflict, "recording %q is still being received", id)
		}
		r.Status, r.Failure = StatusStored, ""
		if err := tx.PutJob(Job{RecordingID: id, Created: s.clock.Now().UTC()}); err != nil {
			return err
		}
		if err := tx.PutRecording(r); err != nil {
			return err
		}
		return s.audit(tx, a, ActionReconvert, r, "")
	})
	if err != nil {
		return internal(err, "queueing the conversion")
	}
	s.queue.push(id)
	return nil
}
