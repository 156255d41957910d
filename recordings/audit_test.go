package recordings_test

import (
	"context"
	"testing"

	"github.com/f0fce437/callrec/recordings"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// auditOf returns every entry actor may read, newest first.
func (e *env) auditOf(t *testing.T, a recordings.Actor, recordingID string) []recordings.AuditEntry {
	t.Helper()
	var all []recordings.AuditEntry
	cursor := ""
	for {
		page, err := e.svc.AuditLog(context.Background(), a, recordings.AuditFilter{RecordingID: recordingID, Cursor: cursor})
		require.NoError(t, err)
		all = append(all, page.Entries...)
		if page.Next == "" {
			return all
		}
		cursor = page.Next
	}
}

func actions(es []recordings.AuditEntry) []recordings.Action {
	out := make([]recordings.Action, len(es))
	for i, en := range es {
		out[i] = en.Action
	}
	return out
}

// The audit log follows a recording's current owner: when a late CDR
// changes the owner, the previous owner no longer reads anything about it
// (file names, notes) and the new owner reads all of it, the upload entry
// included.
func TestAuditLogFollowsTheCurrentOwner(t *testing.T) {
	ctx := context.Background()
	res := &resolver{}
	e := newEnv(t, func(c *recordings.Config) {
		c.Resolver = res
		c.Devices = devices{"alice-phone": "alice"}
	})
	r := e.ingest(t, callName(1, "alice-phone"), pcap(t, 10))
	e.clock.Advance(recordings.DefaultCDRWait + 1)
	_, err := e.svc.SweepCallInfo(ctx)
	require.NoError(t, err)
	r, err = e.svc.Get(ctx, alice, r.ID)
	require.NoError(t, err, "NoCDR: alice owns it by her device")
	_, err = e.svc.AddNote(ctx, alice, r.ID, "call back")
	require.NoError(t, err)
	f, err := e.svc.Open(ctx, alice, r.ID, recordings.MediaDownload)
	require.NoError(t, err)
	f.Close()
	require.ElementsMatch(t, []recordings.Action{recordings.ActionUpload, recordings.ActionNote, recordings.ActionDownload},
		actions(e.auditOf(t, alice, "")))

	res.set(r.Name.GUID, recordings.CallInfo{Owner: "bob", Direction: recordings.DirectionIn, Start: t0})
	require.NoError(t, e.svc.CallInfoArrived(ctx, r.Name.GUID))

	t.Run("PreviousOwnerReadsNothing", func(t *testing.T) {
		assert.Empty(t, e.auditOf(t, alice, ""))
		assert.Empty(t, e.auditOf(t, alice, r.ID))
	})
	t.Run("NewOwnerReadsEverything", func(t *testing.T) {
		got := e.auditOf(t, bob, "")
		assert.ElementsMatch(t, []recordings.Action{recordings.ActionUpload, recordings.ActionNote, recordings.ActionDownload}, actions(got))
		for _, en := range got {
			assert.Equal(t, r.ID, en.RecordingID)
			assert.Equal(t, "bob", en.Owner)
		}
		assert.Len(t, e.auditOf(t, bob, r.ID), 3)
	})
	t.Run("AdminReadsEverything", func(t *testing.T) {
		assert.Len(t, e.auditOf(t, admin, r.ID), 3)
	})
	t.Run("DeletionKeepsTheLastOwner", func(t *testing.T) {
		require.NoError(t, e.svc.Delete(ctx, bob, r.ID))
		assert.Equal(t, []recordings.Action{recordings.ActionDelete, recordings.ActionDownload, recordings.ActionNote, recordings.ActionUpload},
			actions(e.auditOf(t, bob, "")))
		assert.Empty(t, e.auditOf(t, alice, ""))
	})
}

// A pending recording's entries (its upload) reach the owner its CDR names.
func TestAuditLogOfAPendingRecordingReachesItsOwner(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	r := e.ingest(t, callName(1, "x"), pcap(t, 10))
	assert.Empty(t, e.auditOf(t, alice, ""))
	require.NoError(t, e.svc.AttachCallInfo(ctx, r.ID, recordings.CallInfo{Owner: "alice", Direction: recordings.DirectionOut}))
	assert.Equal(t, []recordings.Action{recordings.ActionUpload}, actions(e.auditOf(t, alice, "")))
}
