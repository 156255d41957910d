package recordings

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"
)

// Ingest stores one upload of the pcap called name (as sent on the wire,
// still URL-encoded), read from body until EOF. size is the declared length
// (Content-Length), or -1 when unknown (chunked).
//
// The body streams into a staged blob; only when it is complete, fsynced and
// committed does the recording become stored, in the same transaction that
// queues its conversion job, so the job is durable before Ingest returns. An
// upload cut short (the client went away, fewer bytes than declared) is kept
// with the Partial flag and converted as far as readable; Ingest then
// returns the recording and an error wrapping the read error. A repeated
// upload of the same name replaces the earlier one (same ID) only once it is
// complete; a cut-short repeat never replaces a complete recording.
//
// An empty upload (complete, zero bytes) is a placeholder: WebDAV clients
// create an empty file before they upload the real one. It is acknowledged
// and audited (ActionUploadEmpty) but creates and changes no recording, so
// it never shows as a failed call and the next upload of the name is the
// recording; Ingest returns a nil recording and no error.
//
// Errors: Invalid for a refused name, TooLarge over the size limit (nothing
// kept), InsufficientStorage when the disk is full (nothing half-written
// kept). Different names upload in parallel.
func (s *Service) Ingest(ctx context.Context, name string, body io.Reader, size int64) (*Recording, error) {
	rec, err := s.ingest(ctx, name, body, size)
	switch {
	case rec != nil:
		s.stats.uploads.Add(1)
		s.stats.bytes.Add(rec.PCAP.Size)
		if err != nil {
			s.stats.partial.Add(1)
		}
	case err != nil:
		s.stats.refused.Add(1)
	}
	return rec, err
}

func (s *Service) ingest(ctx context.Context, name string, body io.Reader, size int64) (*Recording, error) {
	if err := CheckFileName(name); err != nil {
		return nil, err
	}
	if size > s.maxUpload {
		return nil, Errorf(TooLarge, "upload of %d bytes over the limit of %d", size, s.maxUpload)
	}
	log := s.logRec.With("file", name)
	// Bookkeeping must survive the client going away: only the body read
	// sees ctx's cancellation.
	bg := context.WithoutCancel(ctx)
	up, err := s.beginUpload(bg, name)
	if err != nil {
		return nil, internal(err, "starting the upload")
	}
	log = log.With("recording", up.RecordingID, "upload", up.ID)
	log.Debug("upload started", "declared_size", size)

	w, err := s.blobs.Create(bg, up.BlobKey)
	if err != nil {
		s.forgetUpload(bg, up)
		log.Error("creating the upload blob", "err", err)
		return nil, internal(err, "storing the upload")
	}
	n, readErr, writeErr := s.copyLimited(w, body)
	switch {
	case writeErr != nil:
		_ = w.Abort()
		s.forgetUpload(bg, up)
		log.Error("upload failed while storing", "bytes", n, "err", writeErr)
		return nil, internal(writeErr, "storing the upload")
	case n > s.maxUpload:
		_ = w.Abort()
		s.forgetUpload(bg, up)
		log.Warn("upload over the size limit", "limit", s.maxUpload)
		return nil, Errorf(TooLarge, "upload over the limit of %d bytes", s.maxUpload)
	}
	if readErr == nil && size >= 0 && n != size {
		readErr = fmt.Errorf("received %d of %d declared bytes", n, size)
	}
	if readErr == nil && ctx.Err() != nil {
		readErr = ctx.Err()
	}
	if n == 0 {
		_ = w.Abort()
		s.forgetUpload(bg, up)
		if readErr != nil {
			log.Warn("upload aborted before any data", "err", readErr)
			return nil, Wrap(readErr, Invalid, "upload aborted before any data")
		}
		if err := s.auditPlaceholder(bg, name); err != nil {
			log.Error("auditing an empty upload", "err", err)
			return nil, internal(err, "recording the upload")
		}
		log.Info("empty upload: a placeholder, no recording made or changed")
		return nil, nil
	}
	info, err := w.Commit()
	if err != nil {
		s.forgetUpload(bg, up)
		log.Error("committing the upload blob", "err", err)
		return nil, internal(err, "storing the upload")
	}
	rec, err := s.commitUpload(bg, up, info, readErr != nil)
	if err != nil {
		log.Error("recording the upload; it is recovered at the next start", "err", err)
		return nil, internal(err, "recording the upload")
	}
	if readErr != nil {
		log.Warn("upload cut short; kept as partial", "bytes", n, "err", readErr)
		return rec, Wrap(readErr, Invalid, "upload incomplete; kept as partial")
	}
	log.Info("upload stored", "bytes", n)
	return rec, nil
}

// copyLimited copies body into w, reading at most one byte more than the
// limit, and tells read errors (the client) from write errors (storage).
func (s *Service) copyLimited(w io.Writer, body io.Reader) (n int64, readErr, writeErr error) {
	buf := make([]byte, 64<<10)
	lr := io.LimitReader(body, s.maxUpload+1)
	for {
		m, rerr := lr.Read(buf)
		if m > 0 {
			wm, werr := w.Write(buf[:m])
			n += int64(wm)
			if werr == nil && wm != m {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				return n, nil, werr
			}
		}
		if rerr == io.EOF {
			return n, nil, nil
		}
		if rerr != nil {
			return n, rerr, nil
		}
	}
}

// beginUpload durably records the upload (and, for a new name, a receiving
// recording), so that a crash while it streams loses nothing.
func (s *Service) beginUpload(ctx context.Context, name string) (Upload, error) {
	s.nameMu.Lock()
	defer s.nameMu.Unlock()
	now := s.clock.Now().UTC()
	up := Upload{ID: newID(), FileName: name, Started: now}
	err := s.store.Update(ctx, func(tx Tx) error {
		r, err := tx.RecordingByFileName(name)
		switch {
		case ErrorCode(err) == NotFound:
			r = s.newRecording(name, now)
			if err := tx.PutRecording(r); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		up.RecordingID = r.ID
		up.BlobKey = "pcap/" + r.ID + "." + up.ID + ".pcap" // flat: no directory to create and fsync per upload
		return tx.PutUpload(up)
	})
	return up, err
}

// newRecording returns a recording of a new name. A name off the grammar
// carries no conference GUID, so no CDR can ever match it: it is NoCDR at
// once instead of waiting for one.
func (s *Service) newRecording(name string, now time.Time) *Recording {
	r := &Recording{
		ID: newID(), FileName: name, Name: ParseFileName(name),
		UploadStarted: now, Status: StatusReceiving, CallState: CallPending, Start: now,
	}
	if !r.Name.Valid {
		r.CallState = CallNoCDR
	}
	return r
}

// auditPlaceholder records an empty upload of name, about the recording of
// that name if there is one.
func (s *Service) auditPlaceholder(ctx context.Context, name string) error {
	return s.store.Update(ctx, func(tx Tx) error {
		r, err := tx.RecordingByFileName(name)
		switch {
		case ErrorCode(err) == NotFound:
			r = nil
		case err != nil:
			return err
		}
		return s.audit(tx, SystemActor(), ActionUploadEmpty, r, fmt.Sprintf("empty upload of %q: a placeholder, nothing stored", name))
	})
}

// forgetUpload undoes beginUpload after a failed upload: the upload row
// goes, and so does a recording that never got any pcap.
func (s *Service) forgetUpload(ctx context.Context, up Upload) {
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := tx.DeleteUpload(up.ID); err != nil {
			return err
		}
		r, err := tx.Recording(up.RecordingID)
		if ErrorCode(err) == NotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if r.Status == StatusReceiving && r.PCAP.Key == "" && !s.otherUploads(tx, up) {
			return tx.DeleteRecording(r.ID)
		}
		return nil
	})
	if err != nil {
		s.logRec.Error("forgetting a failed upload", "upload", up.ID, "err", err)
	}
}

// otherUploads reports whether another upload of up's recording is in
// flight.
func (s *Service) otherUploads(tx Tx, up Upload) bool {
	ups, err := tx.Uploads()
	if err != nil {
		return true // keep the row when unsure
	}
	for _, u := range ups {
		if u.RecordingID == up.RecordingID && u.ID != up.ID {
			return true
		}
	}
	return false
}

// commitUpload makes a committed upload blob the recording's pcap (or
// discards it when it is a cut-short repeat of a complete upload) and
// queues the conversion, in one transaction.
func (s *Service) commitUpload(ctx context.Context, up Upload, info BlobInfo, partial bool) (*Recording, error) {
	var (
		rec      *Recording
		obsolete string // blob to delete after the commit
		created  bool
	)
	now := s.clock.Now().UTC()
	err := s.store.Update(ctx, func(tx Tx) error {
		rec, obsolete, created = nil, "", false
		r, err := s.uploadTarget(tx, up)
		if err != nil {
			return err
		}
		if err := tx.DeleteUpload(up.ID); err != nil {
			return err
		}
		replace := r.PCAP.Key == "" || !partial || (r.Partial && info.Size > r.PCAP.Size)
		if !replace {
			obsolete, rec = up.BlobKey, r
			return s.audit(tx, SystemActor(), ActionUploadDiscarded, r,
				fmt.Sprintf("a repeated upload of %d bytes was cut short; the complete one is kept", info.Size))
		}
		created = r.PCAP.Key == ""
		obsolete = r.PCAP.Key
		r.PCAP = BlobRef{Key: up.BlobKey, Size: info.Size, SHA256: info.SHA256}
		r.Partial = partial
		r.UploadCompleted = now
		if r.Created.IsZero() {
			r.Created = now // the first completion; repeats keep it
		}
		r.Status, r.Failure = StatusStored, ""
		if err := tx.PutRecording(r); err != nil {
			return err
		}
		if err := tx.PutJob(Job{RecordingID: r.ID, Created: now}); err != nil {
			return err
		}
		rec = r
		detail := fmt.Sprintf("%d bytes", info.Size)
		if partial {
			detail += ", partial"
		}
		return s.audit(tx, SystemActor(), ActionUpload, r, detail)
	})
	if err != nil {
		return nil, err
	}
	s.deleteBlob(ctx, obsolete)
	if obsolete == up.BlobKey {
		s.logRec.Warn("cut-short repeat upload discarded; the complete recording is kept", "recording", rec.ID)
		return rec, nil
	}
	s.queue.push(rec.ID)
	if created {
		s.observe(ctx, LicenseRecordingCreated, rec)
	}
	s.resolveCallInfo(ctx, rec.ID)
	return rec, nil
}

// uploadTarget returns the recording an upload completes. When its
// recording was deleted while it streamed (a user or retention deletion
// racing a repeated upload), what the phone sent is still kept: as an
// upload of the recording that took the name meanwhile, if another upload
// of the name began since, else as a new recording under the old id.
func (s *Service) uploadTarget(tx Tx, up Upload) (*Recording, error) {
	r, err := tx.Recording(up.RecordingID)
	if ErrorCode(err) != NotFound {
		return r, err
	}
	r, err = tx.RecordingByFileName(up.FileName)
	if ErrorCode(err) != NotFound {
		return r, err
	}
	r = s.newRecording(up.FileName, up.Started)
	r.ID = up.RecordingID
	return r, nil
}

// recoverUploads turns every upload a crash interrupted into a partial
// recording: what the phone sent before the crash is kept.
func (s *Service) recoverUploads(ctx context.Context) error {
	var ups []Upload
	if err := s.store.View(ctx, func(tx Tx) error {
		var err error
		ups, err = tx.Uploads()
		return err
	}); err != nil {
		return fmt.Errorf("recordings: loading uploads in flight: %w", err)
	}
	for _, up := range ups {
		info, err := s.recoverBlob(ctx, up.BlobKey)
		if errors.Is(err, fs.ErrNotExist) || (err == nil && info.Size == 0) {
			s.deleteBlob(ctx, up.BlobKey)
			s.forgetUpload(ctx, up)
			s.logRec.Info("interrupted upload had no data", "upload", up.ID)
			continue
		}
		var rec *Recording
		if err == nil {
			rec, err = s.commitUpload(ctx, up, info, true)
		}
		if err != nil {
			// One upload that cannot be recovered now must not keep the
			// service from starting: its row and blob stay for the next
			// start.
			s.logRec.Error("recovering an interrupted upload; retried at the next start", "upload", up.ID, "file", up.FileName, "err", err)
			continue
		}
		s.logRec.Warn("interrupted upload recovered as partial", "recording", rec.ID, "file", rec.FileName, "bytes", info.Size)
	}
	return nil
}

// recoverBlob commits the staged data of key, or describes the blob when it
// was already committed (the crash came between the blob's commit and the
// database's).
func (s *Service) recoverBlob(ctx context.Context, key string) (BlobInfo, error) {
	if rc, ok := s.blobs.(BlobRecoverer); ok {
		info, err := rc.Recover(ctx, key)
		if !errors.Is(err, fs.ErrNotExist) {
			return info, err
		}
	}
	b, err := s.blobs.Open(ctx, key)
	if err != nil {
		return BlobInfo{}, err
	}
	defer b.Close()
	return hashBlob(b)
}
