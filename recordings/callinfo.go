package recordings

import (
	"context"
	"strings"
)

// CallInfoArrived tells the service that CDRs of these conference GUIDs
// arrived: the recordings of those calls are correlated again, so a late
// CDR still attaches (and clears NoCDR).
func (s *Service) CallInfoArrived(ctx context.Context, guids ...string) error {
	for _, g := range guids {
		g = strings.ToLower(g)
		if !isHex(g) || len(g) != 32 {
			continue
		}
		var ids []string
		err := s.store.View(ctx, func(tx Tx) error {
			recs, err := tx.Recordings(Query{GUID: g, Limit: MaxPageSize})
			ids = ids[:0]
			for _, r := range recs {
				ids = append(ids, r.ID)
			}
			return err
		})
		if err != nil {
			return internal(err, "finding recordings of a call")
		}
		for _, id := range ids {
			s.resolveCallInfo(ctx, id)
		}
	}
	return nil
}

// resolveCallInfo asks the resolver for the call information of recording
// id and attaches it. Failures are traced, never returned: correlation is
// retried by CallInfoArrived and the NoCDR sweep.
func (s *Service) resolveCallInfo(ctx context.Context, id string) {
	if s.resolver == nil {
		return
	}
	var facts RecordingFacts
	err := s.store.View(ctx, func(tx Tx) error {
		r, err := tx.Recording(id)
		if err != nil {
			return err
		}
		facts = factsOf(r)
		return nil
	})
	if err != nil {
		if ErrorCode(err) != NotFound {
			s.logCall.Error("reading recording for correlation", "recording", id, "err", err)
		}
		return
	}
	info, ok, err := s.resolver.Resolve(ctx, facts)
	if err != nil {
		s.logCall.Error("resolving call info", "recording", id, "err", err)
		return
	}
	if !ok {
		s.logCall.Debug("no CDR yet", "recording", id, "guid", facts.Name.GUID)
		return
	}
	if err := s.AttachCallInfo(ctx, id, info); err != nil {
		s.logCall.Error("attaching call info", "recording", id, "err", err)
	}
}

func factsOf(r *Recording) RecordingFacts {
	return RecordingFacts{ID: r.ID, FileName: r.FileName, Name: r.Name, UploadCompleted: r.UploadCompleted, CaptureStart: r.Media.CaptureStart}
}

// AttachCallInfo sets a recording's call information from its CDRs: owner,
// remote party, direction, external, start and talk time. It clears Pending
// and NoCDR.
func (s *Service) AttachCallInfo(ctx context.Context, id string, info CallInfo) error {
	if !info.Direction.Valid() {
		return Errorf(Invalid, "unknown direction %q", info.Direction)
	}
	var r *Recording
	var oldOwner string
	var wasPending bool
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if r, err = tx.Recording(id); err != nil {
			return err
		}
		oldOwner, wasPending = r.Owner, r.Pending()
		if wasPending || r.Owner != info.Owner {
			r.OwnerSet = s.clock.Now().UTC()
		}
		r.CallState = CallCDR
		r.Owner, r.RemoteName, r.RemoteNumber = info.Owner, info.RemoteName, info.RemoteNumber
		r.Direction, r.External, r.TalkTime, r.CDRRef = info.Direction, info.External, info.TalkTime, info.CDRRef
		r.CDRStart = info.Start.UTC()
		r.SetStart()
		return s.putRecordingOwner(tx, r, oldOwner)
	})
	if err != nil {
		return internal(err, "attaching call info")
	}
	s.logCall.Info("call info attached", "recording", id, "owner", info.Owner, "direction", info.Direction)
	s.ownerKnown(ctx, r, oldOwner, wasPending)
	return nil
}

// putRecordingOwner stores r whose owner was oldOwner; when the owner
// changed, the audit entries about r follow it in the same transaction, so
// a user reads exactly the entries about the recordings they own now.
//
// With a licence engine, a recording that gets a new owner is stored
// closed (unlicensed) and opened by the engine's verdict when it is told
// next (ownerKnown): the new owner never sees it in between, whether or
// not they hold a licence.
func (s *Service) putRecordingOwner(tx Tx, r *Recording, oldOwner string) error {
	if s.lic != nil && r.Owner != oldOwner && r.Owner != "" {
		r.Unlicensed = true
	}
	if err := tx.PutRecording(r); err != nil {
		return err
	}
	if r.Owner == oldOwner {
		return nil
	}
	return tx.SetAuditOwner(r.ID, r.Owner)
}

// ownerKnown feeds the licence engine when a recording's owner changed.
func (s *Service) ownerKnown(ctx context.Context, r *Recording, oldOwner string, wasPending bool) {
	if r.Status == StatusReceiving || (!wasPending && oldOwner == r.Owner) {
		return
	}
	s.observe(ctx, LicenseOwnerSet, r)
}

// SweepCallInfo turns the recordings that waited longer than the CDR wait
// since their upload completed into NoCDR ones (after one last correlation
// attempt), with the owner their registration name maps to, if any. It
// runs periodically; it returns how many it changed.
func (s *Service) SweepCallInfo(ctx context.Context) (int, error) {
	deadline := s.clock.Now().Add(-s.cdrWait)
	changed := 0
	for {
		var recs []*Recording
		err := s.store.View(ctx, func(tx Tx) error {
			var err error
			recs, err = tx.Recordings(Query{CallState: CallPending, CompletedBefore: deadline, Limit: 100})
			return err
		})
		if err != nil {
			return changed, internal(err, "sweeping pending recordings")
		}
		if len(recs) == 0 {
			return changed, nil
		}
		for _, r := range recs {
			if err := ctx.Err(); err != nil {
				return changed, err
			}
			s.resolveCallInfo(ctx, r.ID)
			if _, err := s.markNoCDR(ctx, r.ID); err != nil {
				return changed, err
			}
			changed++
		}
	}
}

// markNoCDR makes pending recording id NoCDR, owned by the user whose
// devices include its registration name, if any. A NoCDR recording without
// owner takes that user when one is known now (the directory learned the
// device since). It reports whether the recording changed.
func (s *Service) markNoCDR(ctx context.Context, id string) (bool, error) {
	owner := ""
	var regName string
	err := s.store.View(ctx, func(tx Tx) error {
		r, err := tx.Recording(id)
		if err != nil {
			return err
		}
		regName = r.Name.RegName
		return nil
	})
	if ErrorCode(err) == NotFound {
		return false, nil
	}
	if err != nil {
		return false, internal(err, "reading a pending recording")
	}
	if s.devices != nil && regName != "" {
		u, ok, err := s.devices.UserByDevice(ctx, regName)
		if err != nil {
			return false, internal(err, "looking up the device's user")
		}
		if ok {
			owner = u
		}
	}
	var r *Recording
	updated, wasPending := false, false
	err = s.store.Update(ctx, func(tx Tx) error {
		var err error
		updated = false
		if r, err = tx.Recording(id); err != nil {
			return err
		}
		wasPending = r.Pending()
		if !wasPending && !(r.NoCDR() && r.Owner == "" && owner != "") {
			return nil // the CDR came just now, or nothing is new
		}
		oldOwner := r.Owner
		r.CallState, r.Owner, r.OwnerSet = CallNoCDR, owner, s.clock.Now().UTC()
		updated = true
		return s.putRecordingOwner(tx, r, oldOwner)
	})
	if ErrorCode(err) == NotFound {
		return false, nil
	}
	if err != nil {
		return false, internal(err, "marking NoCDR")
	}
	if updated {
		if wasPending {
			s.logCall.Info("no CDR within the wait", "recording", id, "fallback_owner", owner)
		} else {
			s.logCall.Info("the device of a NoCDR recording is a user's now", "recording", id, "fallback_owner", owner)
		}
		s.ownerKnown(ctx, r, "", true)
	}
	return updated, nil
}
