package recordings

import (
	"context"
	"sync"
	"time"
)

// CallInfoScope says which recordings a re-correlation pass reads again.
type CallInfoScope int

// Scopes of RecorrelateCallInfo; a wider one includes the narrower.
const (
	// ScopeOwnerless: recordings without an owner (pending ones, NoCDR
	// ones whose device is nobody's, and those whose CDRs named no user
	// the directory knew then): a user who becomes known later (an
	// AppLogin, a CDR of their user object) may own some.
	ScopeOwnerless CallInfoScope = iota + 1
	// ScopeUnattached: the ownerless ones and every pending and NoCDR
	// recording, whose CDR may have been stored without reaching them (a
	// crash between the two), or whose owner became known while the
	// service was down.
	ScopeUnattached
	// ScopeAll: every recording of a call, also those with call
	// information attached (the PBX name changed, so other CDRs count).
	ScopeAll
)

// recorrelator runs re-correlation passes on one goroutine of the
// Service: requests made while a pass runs coalesce into one more pass of
// the widest scope asked, so the work stays bounded however often the PBX
// name changes.
type recorrelator struct {
	mu    sync.Mutex
	scope CallInfoScope // requested and not started yet; 0: none
	idle  chan struct{} // nil when no pass is requested or running, else closed when that ends
	wake  chan struct{} // capacity 1
}

func (r *recorrelator) request(sc CallInfoScope) {
	r.mu.Lock()
	r.scope = max(r.scope, sc)
	if r.idle == nil {
		r.idle = make(chan struct{})
	}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// next takes the requested scope, or marks the recorrelator idle and
// returns 0.
func (r *recorrelator) next() CallInfoScope {
	r.mu.Lock()
	defer r.mu.Unlock()
	sc := r.scope
	r.scope = 0
	if sc == 0 && r.idle != nil {
		close(r.idle)
		r.idle = nil
	}
	return sc
}

// RequestRecorrelation asks for a background pass of RecorrelateCallInfo
// over scope and returns at once; it never blocks, so it may be called
// from any callback. Requests made while a pass runs coalesce into one
// more pass of the widest scope asked. Start asks for ScopeUnattached;
// UpdateSettings for ScopeAll when the PBX name changes; the server for
// ScopeOwnerless when its directory of users learns a new user.
func (s *Service) RequestRecorrelation(scope CallInfoScope) { s.recorr.request(scope) }

// WaitRecorrelation blocks until no re-correlation pass is requested or
// running, or ctx ends.
func (s *Service) WaitRecorrelation(ctx context.Context) error {
	s.recorr.mu.Lock()
	ch := s.recorr.idle
	s.recorr.mu.Unlock()
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// recorrelateLoop runs the requested passes until ctx ends.
func (s *Service) recorrelateLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.recorr.wake:
		}
		for sc := s.recorr.next(); sc != 0; sc = s.recorr.next() {
			if _, err := s.RecorrelateCallInfo(ctx, sc); err != nil && ctx.Err() == nil {
				s.logCall.Error("re-correlating call info", "scope", sc, "err", err)
			}
		}
	}
}

// RecorrelateCallInfo correlates the recordings of scope with the stored
// CDRs again, reading them in pages of 100, and returns how many changed.
// A recording whose CDRs no longer count (they came from another PBX than
// the one now named) loses its call information: it is pending again
// within the CDR wait, NoCDR after it. Each pass is traced under CallInfo.
func (s *Service) RecorrelateCallInfo(ctx context.Context, scope CallInfoScope) (int, error) {
	if s.resolver == nil {
		return 0, nil
	}
	s.logCall.Info("re-correlating call info", "scope", scope.String())
	checked, changed := 0, 0
	for _, q := range scope.queries() {
		q.Limit = 100
		err := s.eachPage(ctx, q, "reading recordings to correlate", func(recs []*Recording) error {
			for _, r := range recs {
				if err := ctx.Err(); err != nil {
					return err
				}
				if !r.Name.Valid || r.Name.GUID == "" || r.Status == StatusReceiving {
					continue
				}
				checked++
				ok, err := s.recheckCallInfo(ctx, r)
				if err != nil {
					return err
				}
				if ok {
					changed++
				}
			}
			return nil
		})
		if err != nil {
			return changed, err
		}
	}
	s.logCall.Info("re-correlated call info", "scope", scope.String(), "checked", checked, "changed", changed)
	return changed, nil
}

// queries returns the queries that select the recordings of sc, each once.
func (sc CallInfoScope) queries() []Query {
	none := ""
	switch sc {
	case ScopeOwnerless:
		return []Query{{Owner: &none}}
	case ScopeUnattached:
		return []Query{{CallState: CallPending}, {CallState: CallNoCDR}, {CallState: CallCDR, Owner: &none}}
	case ScopeAll:
		return []Query{{}}
	}
	return nil
}

func (sc CallInfoScope) String() string {
	switch sc {
	case ScopeOwnerless:
		return "ownerless"
	case ScopeUnattached:
		return "unattached"
	case ScopeAll:
		return "all"
	}
	return "none"
}

// recheckCallInfo correlates r again and applies the result when it
// differs from what r holds; a NoCDR recording without owner takes the
// user its device names now, if any. It reports whether r changed.
func (s *Service) recheckCallInfo(ctx context.Context, r *Recording) (bool, error) {
	info, ok, err := s.resolver.Resolve(ctx, factsOf(r))
	if err != nil {
		s.logCall.Error("resolving call info", "recording", r.ID, "err", err)
		return false, nil // traced; the next pass or CDR tries again
	}
	switch {
	case ok && !sameCallInfo(r, info):
		return true, s.AttachCallInfo(ctx, r.ID, info)
	case !ok && r.CallState == CallCDR:
		return true, s.detachCallInfo(ctx, r.ID)
	case !ok && r.NoCDR() && r.Owner == "":
		return s.markNoCDR(ctx, r.ID) // its device may be a user's now
	}
	return false, nil
}

// sameCallInfo reports whether r holds info already.
func sameCallInfo(r *Recording, info CallInfo) bool {
	return r.CallState == CallCDR && r.Owner == info.Owner && r.RemoteName == info.RemoteName &&
		r.RemoteNumber == info.RemoteNumber && r.Direction == info.Direction && r.External == info.External &&
		r.TalkTime == info.TalkTime && r.CDRRef == info.CDRRef && r.CDRStart.Equal(info.Start)
}

// detachCallInfo removes the call information of recording id, whose CDRs
// no longer count: it is pending again, and NoCDR at once when the CDR
// wait is over.
func (s *Service) detachCallInfo(ctx context.Context, id string) error {
	var r *Recording
	var oldOwner string
	detached := false
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		detached = false
		if r, err = tx.Recording(id); err != nil {
			return err
		}
		if r.CallState != CallCDR {
			return nil
		}
		oldOwner = r.Owner
		r.CallState, r.Owner, r.OwnerSet = CallPending, "", s.clock.Now().UTC()
		r.RemoteName, r.RemoteNumber, r.Direction, r.External, r.TalkTime, r.CDRRef = "", "", DirectionUnknown, false, 0, ""
		r.CDRStart = time.Time{}
		r.SetStart()
		detached = true
		return s.putRecordingOwner(tx, r, oldOwner)
	})
	if ErrorCode(err) == NotFound {
		return nil
	}
	if err != nil {
		return internal(err, "detaching call info")
	}
	if !detached {
		return nil
	}
	s.logCall.Info("call info detached: its CDRs no longer count", "recording", id, "previous_owner", oldOwner)
	if s.clock.Now().Sub(r.UploadCompleted) >= s.cdrWait {
		_, err := s.markNoCDR(ctx, id) // feeds the licence engine the fallback owner
		return err
	}
	s.ownerKnown(ctx, r, oldOwner, false)
	return nil
}
