package recordings

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// LicenseSnapshotKey is the setting key under which the licence engine's
// snapshot is persisted.
const LicenseSnapshotKey = "licensing.snapshot"

// observe feeds the licence engine an event of the given kind about r and
// applies what it decided. The event is built from r as stored when the
// engine takes it (read under UpdateLicensing's lock), not from the copy
// the caller committed: two changes of one recording racing each other
// could otherwise reach the engine in the wrong order and leave it with
// the older state. A recording gone by then is reported deleted; one that
// is there again after a deletion (a repeated upload that outlived it),
// created. Pending recordings (owner not known yet) are fed only once
// their owner is known, as the licensing rules ask.
func (s *Service) observe(ctx context.Context, kind LicenseEventKind, r *Recording) {
	err := s.UpdateLicensing(ctx, func(now time.Time) (LicenseDecisions, error) {
		ev, ok, err := s.latestLicenseEvent(ctx, kind, r)
		if !ok {
			return LicenseDecisions{}, err
		}
		d, err := s.lic.Observe(now, ev)
		// The store takes the engine's verdict on this recording whatever
		// the engine reported as changed: a recording stored closed when
		// its owner changed (putRecordingOwner) is opened here even when,
		// to the engine, its accessibility did not change.
		if lv, ok := s.lic.(LicenseVerdicts); ok {
			if acc, known := lv.Accessible(r.ID); known {
				d.Access = append(d.Access, AccessChange{RecordingID: r.ID, Accessible: acc})
			}
		}
		return d, err
	})
	if err != nil {
		s.logLic.Error("licence event", "event", kind, "recording", r.ID, "err", err)
	}
}

// latestLicenseEvent builds the event of observe from the stored recording;
// ok is false when there is nothing to tell the engine (an upload still
// streaming: its completion creates it).
func (s *Service) latestLicenseEvent(ctx context.Context, kind LicenseEventKind, r *Recording) (ev LicenseEvent, ok bool, err error) {
	cur := r
	err = s.store.View(ctx, func(tx Tx) error {
		var err error
		cur, err = tx.Recording(r.ID)
		return err
	})
	switch {
	case ErrorCode(err) == NotFound:
		return licenseEvent(LicenseDeleted, r), true, nil
	case err != nil:
		return LicenseEvent{}, false, internal(err, "reading the recording for licensing")
	case cur.Status == StatusReceiving:
		return LicenseEvent{}, false, nil
	case kind == LicenseDeleted:
		kind = LicenseRecordingCreated
	}
	return licenseEvent(kind, cur), true, nil
}

// UpdateLicensing runs fn, one call of the licence engine at time now, and
// applies what the engine decided: it marks recordings accessible or
// unlicensed, persists the engine's snapshot, and then deletes the
// recordings due (never protected ones; audited). The server passes the
// inputs it owns (users, group members) through it.
//
// Decisions reach the store in the order the engine took them: fn, the
// accessibility changes and the snapshot run under one lock, so a decision
// taken later is never overwritten by an earlier one that was slower to
// reach the store. Deletions run after the lock is released (they feed the
// engine themselves; a deletion is final, so its order does not matter).
// Decisions fn returns along with an error are applied all the same (the
// engine took them) and the error returned.
func (s *Service) UpdateLicensing(ctx context.Context, fn func(now time.Time) (LicenseDecisions, error)) error {
	if s.lic == nil {
		return nil
	}
	s.licMu.Lock()
	d, fnErr := fn(s.clock.Now())
	err := s.storeLicenseDecisions(ctx, d)
	s.licMu.Unlock()
	if err != nil {
		return errors.Join(fnErr, err)
	}
	for _, c := range d.Access {
		s.logLic.Debug("access changed", "recording", c.RecordingID, "accessible", c.Accessible)
	}
	var errs []error
	for _, id := range d.Delete {
		err := s.deleteRecording(ctx, SystemActor(), id, ActionLicenseDelete, "unlicensed for 24 h in group mode")
		switch ErrorCode(err) {
		case "", NotFound:
		case Protected:
			s.logLic.Warn("licence engine asked to delete a protected recording; kept", "recording", id)
		default:
			errs = append(errs, err)
		}
	}
	return errors.Join(fnErr, errors.Join(errs...))
}

// storeLicenseDecisions writes the accessibility changes of d and the
// engine's snapshot in one transaction. The caller holds licMu.
func (s *Service) storeLicenseDecisions(ctx context.Context, d LicenseDecisions) error {
	snap, err := s.lic.Snapshot()
	if err != nil {
		return fmt.Errorf("licence engine snapshot: %w", err)
	}
	if len(d.Access) == 0 && snap == nil {
		return nil
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		for _, c := range d.Access {
			r, err := tx.Recording(c.RecordingID)
			if ErrorCode(err) == NotFound {
				continue
			}
			if err != nil {
				return err
			}
			if r.Unlicensed == !c.Accessible {
				continue
			}
			r.Unlicensed = !c.Accessible
			if err := tx.PutRecording(r); err != nil {
				return err
			}
		}
		if snap == nil {
			return nil
		}
		return tx.PutSetting(LicenseSnapshotKey, string(snap))
	})
	return internal(err, "applying licence decisions")
}

// applyLicenseDue applies the deletions due as time passed.
func (s *Service) applyLicenseDue(ctx context.Context) (int, error) {
	n := 0
	err := s.UpdateLicensing(ctx, func(now time.Time) (LicenseDecisions, error) {
		d := s.lic.Due(now)
		n = len(d.Delete)
		return d, nil
	})
	return n, err
}

// EachRecording calls fn for every recording whose upload completed (not
// the ones still receiving), newest first, in pages read from the Store:
// the server uses it to re-feed the licence engine (licensing.Engine.Load)
// when no snapshot was persisted. fn must not call the Service; an error
// from it stops the walk and is returned.
func (s *Service) EachRecording(ctx context.Context, fn func(*Recording) error) error {
	return s.eachPage(ctx, Query{Limit: MaxPageSize}, "reading recordings", func(recs []*Recording) error {
		for _, r := range recs {
			if r.Status == StatusReceiving {
				continue
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// errStopWalk ends EachRecording early without an error.
var errStopWalk = errors.New("stop")

// startLicensing rebuilds the licence engine's state (LicenseRestorer) and
// gives it the persisted licence count and group (LicenseConfigurer).
func (s *Service) startLicensing(ctx context.Context) error {
	if s.lic == nil {
		return nil
	}
	if lr, ok := s.lic.(LicenseRestorer); ok {
		var snap []byte
		err := s.store.View(ctx, func(tx Tx) error {
			v, found, err := tx.Setting(LicenseSnapshotKey)
			if found {
				snap = []byte(v)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("recordings: reading the licence snapshot: %w", err)
		}
		var walkErr error
		recs := func(yield func(LicenseEvent) bool) {
			walkErr = s.EachRecording(ctx, func(r *Recording) error {
				if !yield(licenseEvent(LicenseRecordingCreated, r)) {
					return errStopWalk
				}
				return nil
			})
			if errors.Is(walkErr, errStopWalk) {
				walkErr = nil
			}
		}
		var changes, deletions int
		err = s.UpdateLicensing(ctx, func(now time.Time) (LicenseDecisions, error) {
			d, err := lr.Restore(now, snap, recs)
			if err == nil {
				err = walkErr
			}
			if err != nil {
				return LicenseDecisions{}, fmt.Errorf("recordings: restoring the licence engine: %w", err)
			}
			changes, deletions = len(d.Access), len(d.Delete)
			return d, nil
		})
		if err != nil {
			return err
		}
		s.logLic.Info("licence engine restored", "snapshot", snap != nil, "changes", changes, "deletions", deletions)
	}
	if err := s.configureLicensing(ctx); err != nil {
		return err
	}
	return s.reconcileLicensing(ctx)
}

// reconcileLicensing corrects every recording whose stored accessibility
// differs from the verdict of the rebuilt engine (LicenseVerdicts): a
// store left behind by an older release or changed by hand would otherwise
// stay wrong, since restoring decides nothing per recording. It reads and
// writes a page at a time under the licensing lock, writing only the rows
// that differ. The audit model has no action for a licence state change,
// so corrections are traced under License only.
func (s *Service) reconcileLicensing(ctx context.Context) error {
	lv, ok := s.lic.(LicenseVerdicts)
	if !ok {
		return nil
	}
	var after *Cursor
	corrected := 0
	for {
		var page []*Recording
		err := s.UpdateLicensing(ctx, func(time.Time) (LicenseDecisions, error) {
			err := s.store.View(ctx, func(tx Tx) error {
				var err error
				page, err = tx.Recordings(Query{After: after, Limit: MaxPageSize})
				return err
			})
			if err != nil {
				return LicenseDecisions{}, internal(err, "reading recordings to reconcile")
			}
			var d LicenseDecisions
			for _, r := range page {
				acc, known := lv.Accessible(r.ID)
				if !known || r.Status == StatusReceiving || acc == r.Accessible() {
					continue
				}
				s.logLic.Warn("stored accessibility disagreed with the licence engine; corrected", "recording", r.ID, "owner", r.Owner, "accessible", acc)
				d.Access = append(d.Access, AccessChange{RecordingID: r.ID, Accessible: acc})
			}
			corrected += len(d.Access)
			return d, nil
		})
		if err != nil {
			return fmt.Errorf("recordings: reconciling licence states: %w", err)
		}
		if len(page) < MaxPageSize {
			break
		}
		last := page[len(page)-1]
		after = &Cursor{Start: last.Start, ID: last.ID}
	}
	s.logLic.Info("licence states reconciled", "corrected", corrected)
	return nil
}

// configureLicensing passes the licence count and group name of the
// settings to the engine.
func (s *Service) configureLicensing(ctx context.Context) error {
	lc, ok := s.lic.(LicenseConfigurer)
	if !ok {
		return nil
	}
	set, err := s.loadSettings(ctx)
	if err != nil {
		return err
	}
	return s.UpdateLicensing(ctx, func(now time.Time) (LicenseDecisions, error) {
		d, err := lc.Configure(now, set.Licenses, set.GroupName)
		if err != nil {
			err = fmt.Errorf("recordings: configuring the licence engine: %w", err)
		}
		return d, err
	})
}
