package licensing_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/licensing"
)

func TestErrors(t *testing.T) {
	setup := func(t *testing.T) *licensing.Engine {
		e := licensing.New(t0)
		m := must(t)
		m(e.AddRecording(licensing.Recording{ID: "r1", Owner: "ann", Created: t0}))
		m(e.AddRecording(licensing.Recording{ID: "p1", Owner: "ann", Created: t0, Protected: true}))
		return e
	}
	tests := []struct {
		name string
		do   func(e *licensing.Engine) ([]licensing.Decision, error)
		want error
	}{
		{"negative licences", func(e *licensing.Engine) ([]licensing.Decision, error) { return e.SetLicenses(-1) }, licensing.ErrInvalid},
		{"empty user", func(e *licensing.Engine) ([]licensing.Decision, error) { return e.AddUser("") }, licensing.ErrInvalid},
		{"remove empty user", func(e *licensing.Engine) ([]licensing.Decision, error) { return e.RemoveUser("") }, licensing.ErrInvalid},
		{"empty group of member", func(e *licensing.Engine) ([]licensing.Decision, error) { return e.AddMember("", "ann") }, licensing.ErrInvalid},
		{"empty member", func(e *licensing.Engine) ([]licensing.Decision, error) { return e.RemoveMember("g", "") }, licensing.ErrInvalid},
		{"empty recording ID", func(e *licensing.Engine) ([]licensing.Decision, error) {
			return e.AddRecording(licensing.Recording{Owner: "ann", Created: t0})
		}, licensing.ErrInvalid},
		{"duplicate recording", func(e *licensing.Engine) ([]licensing.Decision, error) {
			return e.AddRecording(licensing.Recording{ID: "r1", Created: t0})
		}, licensing.ErrDuplicate},
		{"owner of unknown", func(e *licensing.Engine) ([]licensing.Decision, error) { return e.SetOwner("nope", "ann") }, licensing.ErrUnknown},
		{"delete unknown", func(e *licensing.Engine) ([]licensing.Decision, error) { return e.DeleteRecording("nope") }, licensing.ErrUnknown},
		{"protect unknown", func(e *licensing.Engine) ([]licensing.Decision, error) { return e.SetProtected("nope", true) }, licensing.ErrUnknown},
		{"delete protected", func(e *licensing.Engine) ([]licensing.Decision, error) { return e.DeleteRecording("p1") }, licensing.ErrProtected},
		{"clock backwards", func(e *licensing.Engine) ([]licensing.Decision, error) { return e.Advance(t0.Add(-time.Nanosecond)) }, licensing.ErrClockBackwards},
		{"duplicate in load", func(e *licensing.Engine) ([]licensing.Decision, error) {
			return e.Load(func(yield func(licensing.Recording) bool) { yield(licensing.Recording{ID: "r1"}) })
		}, licensing.ErrDuplicate},
		{"empty ID in load", func(e *licensing.Engine) ([]licensing.Decision, error) {
			return e.Load(func(yield func(licensing.Recording) bool) { yield(licensing.Recording{}) })
		}, licensing.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t)
			before := e.Snapshot()
			d, err := tc.do(e)
			require.ErrorIs(t, err, tc.want)
			assert.Empty(t, d)
			assert.Equal(t, before, e.Snapshot(), "an error changes nothing")
		})
	}
}

func TestRestoreRejects(t *testing.T) {
	good := licensing.Snapshot{
		Version: licensing.SnapshotVersion, Now: t0, Licenses: 1, Group: "g", GroupSince: t0,
		Users: []string{"ann"}, Members: map[string][]string{"g": {"ann"}},
		Holders: []licensing.Holder{{User: "ann", ClaimedAt: t0}},
	}
	_, err := licensing.Restore(good)
	require.NoError(t, err)
	tests := []struct {
		name   string
		change func(s *licensing.Snapshot)
		want   error
	}{
		{"future version", func(s *licensing.Snapshot) { s.Version = 2 }, licensing.ErrVersion},
		{"no version", func(s *licensing.Snapshot) { s.Version = 0 }, licensing.ErrVersion},
		{"negative licences", func(s *licensing.Snapshot) { s.Licenses = -1 }, licensing.ErrInvalid},
		{"more holders than licences", func(s *licensing.Snapshot) { s.Licenses = 0 }, licensing.ErrInvalid},
		{"group without since", func(s *licensing.Snapshot) { s.GroupSince = time.Time{} }, licensing.ErrInvalid},
		{"since without group", func(s *licensing.Snapshot) { s.Group, s.Members = "", nil }, licensing.ErrInvalid},
		{"holder not a member", func(s *licensing.Snapshot) { s.Members = nil }, licensing.ErrInvalid},
		{"holder not a user", func(s *licensing.Snapshot) { s.Users = nil }, licensing.ErrInvalid},
		{"holder twice", func(s *licensing.Snapshot) {
			s.Licenses = 2
			s.Holders = append(s.Holders, s.Holders[0])
		}, licensing.ErrInvalid},
		{"empty user", func(s *licensing.Snapshot) { s.Users = append(s.Users, "") }, licensing.ErrInvalid},
		{"empty member", func(s *licensing.Snapshot) { s.Members = map[string][]string{"g": {"ann", ""}} }, licensing.ErrInvalid},
		{"empty lost user", func(s *licensing.Snapshot) { s.LostAt = map[string]time.Time{"": t0} }, licensing.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := good
			s.Users = append([]string(nil), good.Users...)
			s.Holders = append([]licensing.Holder(nil), good.Holders...)
			tc.change(&s)
			e, err := licensing.Restore(s)
			require.ErrorIs(t, err, tc.want)
			assert.Nil(t, e)
		})
	}
}

// TestStatusGolden pins the admin view's JSON (served at GET /api/v1/license).
func TestStatusGolden(t *testing.T) {
	e := licensing.New(t0)
	m := must(t)
	m(e.SetLicenses(1))
	for _, u := range []string{"ann", "bea", "cid"} {
		m(e.AddUser(u))
		m(e.AddMember("sales", u))
	}
	m(e.SetGroup("sales"))
	m(e.AddRecording(licensing.Recording{ID: "a1", Owner: "ann", Created: t0}))
	m(e.AddRecording(licensing.Recording{ID: "n1", Created: t0}))
	m(e.Advance(t0.Add(time.Hour)))
	m(e.AddRecording(licensing.Recording{ID: "b1", Owner: "bea", Created: t0.Add(time.Hour)}))
	m(e.AddRecording(licensing.Recording{ID: "c1", Owner: "cid", Created: t0.Add(time.Hour)}))
	m(e.AddRecording(licensing.Recording{ID: "c2", Owner: "cid", Created: t0.Add(time.Hour), Protected: true}))
	m(e.AddRecording(licensing.Recording{ID: "z1", Owner: "zed", Created: t0.Add(time.Hour)}))
	m(e.Advance(t0.Add(2 * time.Hour)))
	m(e.RemoveMember("sales", "bea"))

	st := e.Status(0)
	assert.Equal(t, 1, st.Claimed)
	assert.Equal(t, 4, st.UnlicensedCount)
	assert.Equal(t, 1, st.WaitingCount, "cid waits; bea left the group, zed is not a user")
	blob, err := json.MarshalIndent(st, "", "  ")
	require.NoError(t, err)
	golden(t, "status.json", blob)

	t.Run("limit", func(t *testing.T) {
		st := e.Status(2)
		assert.Len(t, st.Unlicensed, 2)
		assert.Equal(t, "b1", st.Unlicensed[0].ID, "earliest created first, ties by ID")
		assert.Len(t, st.NextDeletions, 2)
		assert.Equal(t, 4, st.UnlicensedCount, "counts stay complete")
	})
	t.Run("open mode", func(t *testing.T) {
		m(e.SetGroup(""))
		st := e.Status(0)
		assert.Equal(t, licensing.ModeOpen, st.Mode)
		assert.Empty(t, st.NextDeletions)
		assert.True(t, st.GroupSince.IsZero())
		for _, u := range st.Unlicensed {
			assert.True(t, u.DeleteAt.IsZero(), u.ID)
		}
	})
}

// TestOverdueAfterUnprotect: a protected recording past its 24 h goes at the
// next Advance once unprotected, not at the unprotect itself.
func TestOverdueAfterUnprotect(t *testing.T) {
	e := licensing.New(t0)
	m := must(t)
	m(e.SetGroup("g"))
	m(e.AddRecording(licensing.Recording{ID: "r", Owner: "ann", Created: t0, Protected: true}))
	assert.Empty(t, m(e.Advance(t0.Add(48*time.Hour))))
	assert.Empty(t, m(e.SetProtected("r", false)))
	s, ok := e.State("r")
	require.True(t, ok)
	assert.Equal(t, licensing.Unlicensed, s)
	d := m(e.Advance(e.Now()))
	require.Len(t, d, 1)
	assert.Equal(t, licensing.KindDelete, d[0].Kind)
	assert.Equal(t, "r", d[0].Recording)
	assert.Equal(t, "ann", d[0].User)
	_, ok = e.State("r")
	assert.False(t, ok)
}
