package licensegate

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/f0fce437/callrec/licensing"
	"github.com/f0fce437/callrec/recordings"
)

// Gate is a recordings.Licenser on a licensing.Engine. It serialises every
// use of the engine, so it is safe for concurrent use.
type Gate struct {
	mu       sync.Mutex
	e        *licensing.Engine // nil until first needed or restored
	restored bool              // e holds the persisted history (Restore ran)
	dirty    bool              // the snapshot changed since Snapshot last returned it
	// due holds the decisions of time passing that the engine took in a
	// call that could not hand them out (Status), for the next one that
	// can: the engine has forgotten those recordings, the store not yet.
	due []licensing.Decision
}

var (
	_ recordings.Licenser          = (*Gate)(nil)
	_ recordings.LicenseRestorer   = (*Gate)(nil)
	_ recordings.LicenseConfigurer = (*Gate)(nil)
	_ recordings.LicenseVerdicts   = (*Gate)(nil)
)

// New returns a Gate; the service's Start restores its engine.
func New() *Gate { return &Gate{} }

// engine returns the engine advanced to now (never backwards: a wall clock
// that steps back is taken as the engine's time), creating an empty one
// when none was restored yet. Such a stand-in (used, for example, by
// settings seeded before the service starts) is replaced by Restore and
// its snapshot never persisted: it would overwrite the history.
func (g *Gate) engine(now time.Time) (*licensing.Engine, []licensing.Decision, error) {
	if g.e == nil {
		g.e = licensing.New(now)
		g.dirty = true
	}
	if now.Before(g.e.Now()) {
		now = g.e.Now()
	}
	ds, err := g.e.Advance(now)
	ds = append(g.due, ds...)
	g.due = nil
	return g.e, ds, err
}

// Restore rebuilds the engine from snapshot (nil: a fresh engine, open
// mode, no licences) and loads recs, then lets time pass to now.
func (g *Gate) Restore(now time.Time, snapshot []byte, recs iter.Seq[recordings.LicenseEvent]) (recordings.LicenseDecisions, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	e := licensing.New(now)
	if len(snapshot) > 0 {
		var s licensing.Snapshot
		if err := json.Unmarshal(snapshot, &s); err != nil {
			return recordings.LicenseDecisions{}, fmt.Errorf("licensegate: snapshot: %w", err)
		}
		var err error
		if e, err = licensing.Restore(s); err != nil {
			return recordings.LicenseDecisions{}, err
		}
	}
	loaded, err := e.Load(func(yield func(licensing.Recording) bool) {
		for ev := range recs {
			if !yield(licensing.Recording{ID: ev.RecordingID, Owner: ev.Owner, Created: ev.Created, Owned: ev.OwnerSet, Protected: ev.Protected}) {
				return
			}
		}
	})
	if err != nil {
		return recordings.LicenseDecisions{}, err
	}
	g.e, g.dirty, g.restored, g.due = e, len(snapshot) == 0, true, nil
	_, due, err := g.engine(now)
	if err != nil {
		return recordings.LicenseDecisions{}, err
	}
	return g.convert(append(loaded, due...)), nil
}

// Observe feeds one recording event.
func (g *Gate) Observe(now time.Time, ev recordings.LicenseEvent) (recordings.LicenseDecisions, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	e, ds, err := g.engine(now)
	if err != nil {
		return recordings.LicenseDecisions{}, err
	}
	var more []licensing.Decision
	switch ev.Kind {
	case recordings.LicenseRecordingCreated, recordings.LicenseOwnerSet, recordings.LicenseProtected:
		more, err = upsert(e, ev)
	case recordings.LicenseDeleted:
		more, err = e.DeleteRecording(ev.RecordingID)
		if errors.Is(err, licensing.ErrUnknown) {
			err = nil // already forgotten (deleted by licensing itself)
		}
	default:
		err = fmt.Errorf("licensegate: unknown event %q", ev.Kind)
	}
	return g.convert(append(ds, more...)), err
}

// upsert brings the engine's view of a recording to ev. The service builds
// every event from the recording as stored when the engine takes it, so
// whatever its kind, ev is the latest state: a recording the engine does
// not know (a creation lost to a crash, or one taken again after its
// deletion) is added, a known one takes ev's owner and protection (both
// no-ops when unchanged).
func upsert(e *licensing.Engine, ev recordings.LicenseEvent) ([]licensing.Decision, error) {
	if _, known := e.State(ev.RecordingID); known {
		ds, err := e.SetOwner(ev.RecordingID, ev.Owner)
		if err != nil {
			return ds, err
		}
		more, err := e.SetProtected(ev.RecordingID, ev.Protected)
		return append(ds, more...), err
	}
	r := licensing.Recording{ID: ev.RecordingID, Created: ev.Created, Protected: ev.Protected}
	if ev.OwnerSet.IsZero() {
		r.Owner = ev.Owner
	}
	ds, err := e.AddRecording(r)
	if err != nil || r.Owner == ev.Owner {
		return ds, err
	}
	// The owner was set after the creation: ownerless until then, its
	// group mode grace counts from now at the earliest.
	more, err := e.SetOwner(ev.RecordingID, ev.Owner)
	return append(ds, more...), err
}

// Due lets time pass to now.
func (g *Gate) Due(now time.Time) recordings.LicenseDecisions {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ds, _ := g.engine(now) // Advance fails only for a clock going backwards, which engine prevents
	return g.convert(ds)
}

// Configure sets the licence count and the recordings group name.
func (g *Gate) Configure(now time.Time, licenses int, group string) (recordings.LicenseDecisions, error) {
	return g.Do(now, func(e *licensing.Engine) ([]licensing.Decision, error) {
		ds, err := e.SetLicenses(licenses)
		if err != nil {
			return ds, err
		}
		more, err := e.SetGroup(group)
		return append(ds, more...), err
	})
}

// Do runs fn on the engine, advanced to now, under the gate's lock, for the
// inputs the server owns (users, group members: AddUser, RemoveUser,
// AddMember, RemoveMember). Call it from
// recordings.Service.UpdateLicensing, which stores its decisions in order:
//
//	svc.UpdateLicensing(ctx, func(now time.Time) (recordings.LicenseDecisions, error) {
//		return gate.Do(now, fn)
//	})
func (g *Gate) Do(now time.Time, fn func(e *licensing.Engine) ([]licensing.Decision, error)) (recordings.LicenseDecisions, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	e, ds, err := g.engine(now)
	if err != nil {
		return recordings.LicenseDecisions{}, err
	}
	more, err := fn(e)
	g.dirty = true // the inputs changed
	return g.convert(append(ds, more...)), err
}

// Accessible reports whether the engine holds recording id accessible
// (owner holds a licence, or no owner); known is false for a recording it
// does not hold, or before the engine was restored.
func (g *Gate) Accessible(id string) (accessible, known bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.e == nil || !g.restored {
		return false, false
	}
	st, known := g.e.State(id)
	return st != licensing.Unlicensed, known
}

// Status returns the admin's licence view (lists cut to limit entries;
// limit ≤ 0 means 100).
func (g *Gate) Status(now time.Time, limit int) (licensing.Status, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	e, ds, err := g.engine(now)
	g.due = ds // handed out by the next Observe, Due, Do or Configure
	if err != nil {
		return licensing.Status{}, err
	}
	return e.Status(limit), nil
}

// Snapshot returns the engine's snapshot as JSON when a claim, a release or
// an input change made it worth persisting, else nil (always nil before
// Restore).
func (g *Gate) Snapshot() ([]byte, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.dirty || g.e == nil || !g.restored {
		return nil, nil
	}
	b, err := json.Marshal(g.e.Snapshot())
	if err != nil {
		return nil, fmt.Errorf("licensegate: %w", err)
	}
	g.dirty = false
	return b, nil
}

// convert turns engine decisions into the service's, noting whether the
// snapshot changed.
func (g *Gate) convert(ds []licensing.Decision) recordings.LicenseDecisions {
	var out recordings.LicenseDecisions
	for _, d := range ds {
		switch d.Kind {
		case licensing.KindClaim, licensing.KindRelease:
			g.dirty = true
		case licensing.KindState:
			out.Access = append(out.Access, recordings.AccessChange{RecordingID: d.Recording, Accessible: d.State != licensing.Unlicensed})
		case licensing.KindDelete:
			out.Delete = append(out.Delete, d.Recording)
		}
	}
	return out
}
