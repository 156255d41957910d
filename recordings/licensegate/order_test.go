package licensegate_test

import (
	"context"
	"testing"

	"github.com/f0fce437/callrec/licensing"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// licensed is what the engine or the store says about one recording.
type licensed struct {
	Owner      string
	Protected  bool
	Accessible bool
}

// engineAgrees asserts that the engine knows exactly the recordings of the
// store, with their owner, protection and accessibility.
func (e *env) engineAgrees() {
	e.t.Helper()
	inEngine := map[string]licensed{}
	e.do(func(en *licensing.Engine) ([]licensing.Decision, error) {
		for r := range en.Recordings() {
			st, _ := en.State(r.ID)
			inEngine[r.ID] = licensed{Owner: r.Owner, Protected: r.Protected, Accessible: st != licensing.Unlicensed}
		}
		return nil, nil
	})
	inStore := map[string]licensed{}
	require.NoError(e.t, e.svc.EachRecording(context.Background(), func(r *recordings.Recording) error {
		inStore[r.ID] = licensed{Owner: r.Owner, Protected: r.Protected, Accessible: r.Accessible()}
		return nil
	}))
	assert.Equal(e.t, inStore, inEngine, "the engine saw the latest state of every recording last")
}

// TestLicenceEventsReachTheEngineInOrder: a change of a recording is
// committed but its licence event is slow to follow (the store holds it);
// meanwhile a second change of the same recording commits and reaches the
// engine. The engine must end with the recording as stored, not as the
// slow event saw it.
func TestLicenceEventsReachTheEngineInOrder(t *testing.T) {
	attach := func(e *env, id, owner string) error {
		return e.svc.AttachCallInfo(context.Background(), id, recordings.CallInfo{Owner: owner, Direction: recordings.DirectionIn})
	}
	protect := func(on bool) func(e *env, id string) error {
		return func(e *env, id string) error {
			var err error
			if on {
				_, err = e.svc.Protect(context.Background(), admin, id)
			} else {
				_, err = e.svc.Unprotect(context.Background(), admin, id)
			}
			return err
		}
	}
	for _, tc := range []struct {
		name          string
		first, second func(e *env, id string) error
	}{
		{"two owner changes",
			func(e *env, id string) error { return attach(e, id, "bob") },
			func(e *env, id string) error { return attach(e, id, "alice") }},
		{"owner change and delete",
			func(e *env, id string) error { return attach(e, id, "bob") },
			func(e *env, id string) error { return e.svc.Delete(context.Background(), admin, id) }},
		{"protect and unprotect", protect(true), protect(false)},
		{"owner change and protect",
			func(e *env, id string) error { return attach(e, id, "bob") },
			protect(true)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hs *recordingstest.HoldingStore // holds a change once committed
			e := newEnv(t, func(s recordings.Store) recordings.Store {
				hs = recordingstest.NewHoldingStore(s, true)
				return hs
			})
			e.addUsers("alice", "bob")
			e.settings(recordings.SettingsUpdate{Licenses: ptr(1)})
			e.record(0, "alice") // alice holds the licence
			id := e.record(1, "alice")
			require.True(t, e.accessible(id))

			hs.Arm()
			first := make(chan error, 1)
			go func() { first <- tc.first(e, id) }()
			<-hs.Held()
			require.NoError(t, tc.second(e, id))
			hs.Release()
			require.NoError(t, <-first)
			e.engineAgrees()
		})
	}
}

// TestNewOwnerSeesNothingBeforeTheEngineDecides: a CDR makes a user the
// owner of a recording. Between the commit of the new owner and the
// engine's verdict, the owner must not see it (it is stored closed); once
// the engine has decided, it stays closed for bob, who holds no licence,
// and opens for alice, who holds the only one.
func TestNewOwnerSeesNothingBeforeTheEngineDecides(t *testing.T) {
	for _, tc := range []struct {
		owner string
		after bool // whether the owner sees it once the engine decided
	}{{"bob", false}, {"alice", true}} {
		t.Run(tc.owner, func(t *testing.T) {
			var hs *recordingstest.HoldingStore
			e := newEnv(t, func(s recordings.Store) recordings.Store {
				hs = recordingstest.NewHoldingStore(s, true)
				return hs
			})
			e.addUsers("alice", "bob")
			e.settings(recordings.SettingsUpdate{Licenses: ptr(1)})
			e.record(0, "alice") // alice holds the only licence
			id := e.record(1, "")
			ctx := context.Background()
			sees := func() bool {
				page, err := e.svc.List(ctx, recordings.Actor{Name: tc.owner, Role: recordings.RoleUser}, recordings.Filter{})
				require.NoError(t, err)
				for _, r := range page.Recordings {
					if r.ID == id {
						return true
					}
				}
				return false
			}
			hs.Arm()
			done := make(chan error, 1)
			go func() {
				done <- e.svc.AttachCallInfo(ctx, id, recordings.CallInfo{Owner: tc.owner, Direction: recordings.DirectionIn})
			}()
			<-hs.Held() // the new owner is stored; the engine is not told yet
			assert.False(t, sees(), "%s sees the recording before the licence engine decided", tc.owner)
			hs.Release()
			require.NoError(t, <-done)
			assert.Equal(t, tc.after, sees())
			e.engineAgrees()
		})
	}
}
