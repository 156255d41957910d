package recordings_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/f0fce437/callrec/recordings"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// owned ingests a recording and attaches call info naming owner.
func (e *env) owned(t *testing.T, i int, owner string) *recordings.Recording {
	t.Helper()
	r := e.ingest(t, callName(i, owner+"-phone"), pcap(t, 10))
	require.NoError(t, e.svc.AttachCallInfo(context.Background(), r.ID, recordings.CallInfo{
		Owner: owner, RemoteName: "Remote " + owner, RemoteNumber: fmt.Sprint(100 + i),
		Direction: recordings.DirectionIn, Start: t0.Add(time.Duration(i) * time.Minute), CDRRef: "cdr",
	}))
	got, err := e.svc.Get(context.Background(), admin, r.ID)
	require.NoError(t, err)
	return got
}

func TestVisibility(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	pending := e.ingest(t, callName(1, "x"), pcap(t, 10))
	mine := e.owned(t, 2, "alice")
	theirs := e.owned(t, 3, "bob")

	t.Run("PendingOnlyForAdmins", func(t *testing.T) {
		_, err := e.svc.Get(ctx, alice, pending.ID)
		assert.Equal(t, recordings.NotFound, code(err))
		r, err := e.svc.Get(ctx, admin, pending.ID)
		require.NoError(t, err)
		assert.True(t, r.Pending())
	})
	t.Run("UserListsOwnOnly", func(t *testing.T) {
		page, err := e.svc.List(ctx, alice, recordings.Filter{})
		require.NoError(t, err)
		require.Len(t, page.Recordings, 1)
		assert.Equal(t, mine.ID, page.Recordings[0].ID)
		other := "bob"
		page, err = e.svc.List(ctx, alice, recordings.Filter{Owner: &other})
		require.NoError(t, err)
		assert.Empty(t, page.Recordings)
	})
	t.Run("AdminListsAll", func(t *testing.T) {
		page, err := e.svc.List(ctx, admin, recordings.Filter{})
		require.NoError(t, err)
		assert.Len(t, page.Recordings, 3)
	})
	t.Run("OtherUsersRecordingIsNotFound", func(t *testing.T) {
		_, err := e.svc.Get(ctx, alice, theirs.ID)
		assert.Equal(t, recordings.NotFound, code(err))
		for _, k := range []recordings.MediaKind{recordings.MediaListen, recordings.MediaDownload, recordings.MediaPCAP} {
			_, err = e.svc.Open(ctx, alice, theirs.ID, k)
			assert.Equal(t, recordings.NotFound, code(err))
		}
		_, err = e.svc.Protect(ctx, alice, theirs.ID)
		assert.Equal(t, recordings.NotFound, code(err))
		assert.Equal(t, recordings.NotFound, code(e.svc.Delete(ctx, alice, theirs.ID)))
		_, err = e.svc.AddNote(ctx, alice, theirs.ID, "hi")
		assert.Equal(t, recordings.NotFound, code(err))
		_, err = e.svc.Notes(ctx, alice, theirs.ID)
		assert.Equal(t, recordings.NotFound, code(err))
		_, err = e.svc.Get(ctx, alice, "no-such-id")
		assert.Equal(t, recordings.NotFound, code(err), "missing and foreign look the same")
	})
	t.Run("OwnerPlaysButNoPCAP", func(t *testing.T) {
		f, err := e.svc.Open(ctx, alice, mine.ID, recordings.MediaListen)
		require.NoError(t, err)
		f.Close()
		_, err = e.svc.Open(ctx, alice, mine.ID, recordings.MediaPCAP)
		assert.Equal(t, recordings.Forbidden, code(err))
	})
	t.Run("NoActor", func(t *testing.T) {
		_, err := e.svc.List(ctx, recordings.Actor{}, recordings.Filter{})
		assert.Equal(t, recordings.Unauthorized, code(err))
		_, err = e.svc.Get(ctx, recordings.Actor{Name: "x", Role: "root"}, mine.ID)
		assert.Equal(t, recordings.Unauthorized, code(err))
	})
}

func TestLicenceGate(t *testing.T) {
	ctx := context.Background()
	lic := &licenser{licensed: map[string]bool{"alice": true}}
	e := newEnv(t, func(c *recordings.Config) { c.Licenser = lic })
	ok := e.owned(t, 1, "alice")
	closed := e.owned(t, 2, "bob")
	assert.False(t, ok.Unlicensed)
	assert.True(t, closed.Unlicensed)

	_, err := e.svc.Get(ctx, bob, closed.ID)
	assert.Equal(t, recordings.NotFound, code(err), "users get not found for their own unlicensed recording")
	page, err := e.svc.List(ctx, bob, recordings.Filter{})
	require.NoError(t, err)
	assert.Empty(t, page.Recordings, "not listed for its owner")

	r, err := e.svc.Get(ctx, admin, closed.ID)
	require.NoError(t, err)
	assert.False(t, r.Accessible(), "admins see it, marked")
	for _, k := range []recordings.MediaKind{recordings.MediaListen, recordings.MediaDownload, recordings.MediaPCAP} {
		_, err = e.svc.Open(ctx, admin, closed.ID, k)
		assert.Equal(t, recordings.Unlicensed, code(err))
	}

	// The engine grants bob a licence: the server passes its decisions on.
	require.NoError(t, e.svc.UpdateLicensing(ctx, func(time.Time) (recordings.LicenseDecisions, error) {
		return recordings.LicenseDecisions{Access: []recordings.AccessChange{{RecordingID: closed.ID, Accessible: true}}}, nil
	}))
	_, err = e.svc.Get(ctx, bob, closed.ID)
	require.NoError(t, err)

	// Snapshot persisted.
	require.NoError(t, e.db.View(ctx, func(tx recordings.Tx) error {
		v, found, err := tx.Setting(recordings.LicenseSnapshotKey)
		assert.True(t, found)
		assert.JSONEq(t, `{"alice":true}`, v)
		return err
	}))

	// Licence deletions run with the retention sweep; protected ones stay.
	_, err = e.svc.Protect(ctx, admin, ok.ID)
	require.NoError(t, err)
	lic.mu.Lock()
	lic.due = []string{ok.ID, closed.ID}
	lic.mu.Unlock()
	_, err = e.svc.SweepRetention(ctx)
	require.NoError(t, err)
	_, err = e.svc.Get(ctx, admin, ok.ID)
	require.NoError(t, err, "protected: never deleted by licensing")
	_, err = e.svc.Get(ctx, admin, closed.ID)
	assert.Equal(t, recordings.NotFound, code(err))
	log, err := e.svc.AuditLog(ctx, admin, recordings.AuditFilter{RecordingID: closed.ID, Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, recordings.ActionLicenseDelete, log.Entries[0].Action)

	var kinds []recordings.LicenseEventKind
	for _, ev := range lic.events {
		kinds = append(kinds, ev.Kind)
	}
	assert.Contains(t, kinds, recordings.LicenseOwnerSet)
	assert.Contains(t, kinds, recordings.LicenseProtected)
	assert.Contains(t, kinds, recordings.LicenseDeleted)
}

func TestProtectAndDelete(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	r := e.owned(t, 1, "alice")
	p, err := e.svc.Protect(ctx, alice, r.ID)
	require.NoError(t, err)
	assert.True(t, p.Protected)
	assert.Equal(t, recordings.Protected, code(e.svc.Delete(ctx, alice, r.ID)))
	assert.Equal(t, recordings.Protected, code(e.svc.Delete(ctx, admin, r.ID)))
	_, err = e.svc.Unprotect(ctx, alice, r.ID)
	require.NoError(t, err)
	require.NoError(t, e.svc.Delete(ctx, alice, r.ID))
	_, err = e.svc.Get(ctx, admin, r.ID)
	assert.Equal(t, recordings.NotFound, code(err))
	for _, key := range []string{r.PCAP.Key, r.WAV.Key} {
		_, err := e.blobs.Open(ctx, key)
		assert.Error(t, err, "blob %s deleted", key)
	}
	log, err := e.svc.AuditLog(ctx, alice, recordings.AuditFilter{RecordingID: r.ID})
	require.NoError(t, err)
	var actions []recordings.Action
	for _, en := range log.Entries {
		actions = append(actions, en.Action)
	}
	assert.Equal(t, []recordings.Action{recordings.ActionDelete, recordings.ActionUnprotect, recordings.ActionProtect, recordings.ActionUpload}, actions,
		"the audit entries outlive the recording (the upload entry followed the owner the CDR named)")
}

func TestRetention(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	old := e.owned(t, 1, "alice")
	oldProtected := e.owned(t, 2, "alice")
	_, err := e.svc.Protect(ctx, admin, oldProtected.ID)
	require.NoError(t, err)
	e.clock.Advance(20 * 24 * time.Hour)
	fresh := e.owned(t, 3, "alice")
	require.NoError(t, e.svc.AttachCallInfo(ctx, fresh.ID, recordings.CallInfo{Owner: "alice", Start: e.clock.Now()}))

	n, err := e.svc.SweepRetention(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "retention 0 keeps for ever")

	days := 10
	_, err = e.svc.UpdateSettings(ctx, admin, recordings.SettingsUpdate{RetentionDays: &days})
	require.NoError(t, err)
	n, err = e.svc.SweepRetention(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = e.svc.Get(ctx, admin, old.ID)
	assert.Equal(t, recordings.NotFound, code(err))
	_, err = e.svc.Get(ctx, admin, oldProtected.ID)
	assert.NoError(t, err, "protected recordings are never deleted")
	_, err = e.svc.Get(ctx, admin, fresh.ID)
	assert.NoError(t, err)
	log, err := e.svc.AuditLog(ctx, admin, recordings.AuditFilter{RecordingID: old.ID, Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, recordings.ActionRetentionDelete, log.Entries[0].Action)
	assert.Equal(t, "system", log.Entries[0].Actor)
}

func TestCallInfoAndNoCDR(t *testing.T) {
	ctx := context.Background()
	res := &resolver{}
	e := newEnv(t, func(c *recordings.Config) {
		c.Resolver = res
		c.Devices = devices{"alice-phone": "alice"}
	})
	early := fmt.Sprintf("%032x", 1)
	res.set(early, recordings.CallInfo{Owner: "bob", Direction: recordings.DirectionOut, External: true, RemoteNumber: "0049301234",
		Start: t0, TalkTime: 42 * time.Second, CDRRef: "c1"})
	cdrFirst := e.ingest(t, callName(1, "bob-phone"), pcap(t, 10))
	assert.Equal(t, recordings.CallCDR, cdrFirst.CallState, "a CDR that came first attaches at upload")
	assert.Equal(t, "bob", cdrFirst.Owner)
	assert.True(t, cdrFirst.Start.Equal(t0), "start is the CDR's utc, not the capture time")
	assert.Equal(t, recordings.DirectionOut, cdrFirst.Direction)
	assert.True(t, cdrFirst.External)
	assert.Equal(t, "0049301234", cdrFirst.RemoteNumber)
	assert.Equal(t, 42*time.Second, cdrFirst.TalkTime)

	late := e.ingest(t, callName(2, "alice-phone"), pcap(t, 10))
	orphan := e.ingest(t, callName(3, "unknown-phone"), pcap(t, 10))
	assert.True(t, late.Pending())

	e.clock.Advance(9 * time.Minute)
	n, err := e.svc.SweepCallInfo(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "still within the wait")

	e.clock.Advance(2 * time.Minute)
	n, err = e.svc.SweepCallInfo(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	r, err := e.svc.Get(ctx, alice, late.ID)
	require.NoError(t, err, "NoCDR falls back to the user of the registration name")
	assert.True(t, r.NoCDR())
	r, err = e.svc.Get(ctx, admin, orphan.ID)
	require.NoError(t, err)
	assert.True(t, r.NoCDR())
	assert.Equal(t, "", r.Owner)

	res.set(fmt.Sprintf("%032x", 2), recordings.CallInfo{Owner: "carol", Direction: recordings.DirectionInternal, Start: t0})
	require.NoError(t, e.svc.CallInfoArrived(ctx, fmt.Sprintf("%032X", 2)))
	r, err = e.svc.Get(ctx, admin, late.ID)
	require.NoError(t, err)
	assert.Equal(t, recordings.CallCDR, r.CallState, "a late CDR still attaches")
	assert.Equal(t, "carol", r.Owner)
	_, err = e.svc.Get(ctx, alice, late.ID)
	assert.Equal(t, recordings.NotFound, code(err))
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	tr := recordings.NewTracing(slog.DiscardHandler)
	e := newEnv(t, func(c *recordings.Config) { c.Tracer = tr })

	_, err := e.svc.Settings(ctx, alice)
	assert.Equal(t, recordings.Forbidden, code(err))

	set, err := e.svc.Settings(ctx, admin)
	require.NoError(t, err)
	assert.True(t, set.PBXNameMissing())
	assert.Equal(t, slog.LevelInfo, set.TraceLevels[recordings.TraceConverting])

	days, pbx, user, pw := 30, "pbx-a", "phones", "s3cret"
	require.NoError(t, e.svc.SeedSettings(ctx, recordings.SettingsUpdate{RetentionDays: &days, PBXName: &pbx, WebDAVUser: &user, WebDAVPassword: &pw}))
	days2, pbx2 := 90, "pbx-b"
	require.NoError(t, e.svc.SeedSettings(ctx, recordings.SettingsUpdate{RetentionDays: &days2, PBXName: &pbx2}))
	set, err = e.svc.Settings(ctx, admin)
	require.NoError(t, err)
	assert.Equal(t, 30, set.RetentionDays, "flags seed only unset settings")
	assert.Equal(t, "pbx-a", set.PBXName)
	assert.True(t, set.WebDAVPasswordSet)

	okCreds, err := e.svc.CheckWebDAVCredentials(ctx, "phones", "s3cret")
	require.NoError(t, err)
	assert.True(t, okCreds)
	okCreds, err = e.svc.CheckWebDAVCredentials(ctx, "phones", "wrong")
	require.NoError(t, err)
	assert.False(t, okCreds)
	require.NoError(t, e.db.View(ctx, func(tx recordings.Tx) error {
		v, _, err := tx.Setting("webdav_password_bcrypt")
		assert.NotContains(t, v, "s3cret")
		assert.Contains(t, v, "$2a$")
		return err
	}))

	invalid := []struct {
		name string
		u    recordings.SettingsUpdate
	}{
		{"RetentionTooLong", recordings.SettingsUpdate{RetentionDays: ptr(11001)}},
		{"RetentionNegative", recordings.SettingsUpdate{RetentionDays: ptr(-1)}},
		{"LicencesNegative", recordings.SettingsUpdate{Licenses: ptr(-1)}},
		{"PBXNameTwoLines", recordings.SettingsUpdate{PBXName: ptr("a\nb")}},
		{"UnknownCategory", recordings.SettingsUpdate{TraceLevels: map[recordings.Category]slog.Level{"Nope": slog.LevelDebug}}},
		{"EmptyPassword", recordings.SettingsUpdate{WebDAVPassword: ptr("")}},
	}
	for _, c := range invalid {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.svc.UpdateSettings(ctx, admin, c.u)
			assert.Equal(t, recordings.Invalid, code(err))
		})
	}

	set, err = e.svc.UpdateSettings(ctx, admin, recordings.SettingsUpdate{
		RetentionDays: ptr(11000), GroupName: ptr("recorded"),
		TraceLevels: map[recordings.Category]slog.Level{recordings.TraceConverting: slog.LevelDebug},
	})
	require.NoError(t, err)
	assert.Equal(t, 11000, set.RetentionDays)
	assert.Equal(t, slog.LevelDebug, tr.Level(recordings.TraceConverting), "applied at run time")

	// Persisted: a restarted service applies the levels at Start.
	require.NoError(t, e.svc.Close())
	tr2 := recordings.NewTracing(slog.DiscardHandler)
	e.cfg.Tracer = tr2
	e.start(t)
	assert.Equal(t, slog.LevelDebug, tr2.Level(recordings.TraceConverting))
	assert.Equal(t, slog.LevelInfo, tr2.Level(recordings.TraceUI))

	log, err := e.svc.AuditLog(ctx, admin, recordings.AuditFilter{})
	require.NoError(t, err)
	for _, en := range log.Entries {
		assert.Equal(t, recordings.ActionSetting, en.Action)
		assert.NotContains(t, en.Detail, "s3cret")
	}
}

func ptr[T any](v T) *T { return &v }

func TestNotesAndAuditLog(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	a := e.owned(t, 1, "alice")
	b := e.owned(t, 2, "bob")
	_, err := e.svc.AddNote(ctx, alice, a.ID, "  call back tomorrow  ")
	require.NoError(t, err)
	_, err = e.svc.AddNote(ctx, admin, a.ID, "<script>alert(1)</script>")
	require.NoError(t, err)
	_, err = e.svc.AddNote(ctx, alice, a.ID, "   ")
	assert.Equal(t, recordings.Invalid, code(err))
	notes, err := e.svc.Notes(ctx, alice, a.ID)
	require.NoError(t, err)
	require.Len(t, notes, 2)
	assert.Equal(t, "call back tomorrow", notes[0].Text)
	assert.Equal(t, "root", notes[1].Author)

	f, err := e.svc.Open(ctx, bob, b.ID, recordings.MediaDownload)
	require.NoError(t, err)
	f.Close()

	mine, err := e.svc.AuditLog(ctx, alice, recordings.AuditFilter{})
	require.NoError(t, err)
	require.NotEmpty(t, mine.Entries)
	for _, en := range mine.Entries {
		assert.Equal(t, a.ID, en.RecordingID, "a user sees entries about their own recordings only")
	}
	theirs, err := e.svc.AuditLog(ctx, alice, recordings.AuditFilter{RecordingID: b.ID})
	require.NoError(t, err)
	assert.Empty(t, theirs.Entries)

	var all []recordings.AuditEntry
	cursor := ""
	for {
		page, err := e.svc.AuditLog(ctx, admin, recordings.AuditFilter{Cursor: cursor, Limit: 2})
		require.NoError(t, err)
		all = append(all, page.Entries...)
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	assert.Equal(t, recordings.ActionDownload, all[0].Action)
	assert.Equal(t, "bob", all[0].Actor)
	_, err = e.svc.AuditLog(ctx, admin, recordings.AuditFilter{Cursor: "x"})
	assert.Equal(t, recordings.Invalid, code(err))
}

func TestListFiltersAndPaging(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for i := range 7 {
		e.owned(t, i, "alice")
	}
	var ids []string
	cursor := ""
	for {
		page, err := e.svc.List(ctx, alice, recordings.Filter{Cursor: cursor, Limit: 3})
		require.NoError(t, err)
		for _, r := range page.Recordings {
			ids = append(ids, r.ID)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	assert.Len(t, ids, 7)
	page, err := e.svc.List(ctx, alice, recordings.Filter{From: t0.Add(2 * time.Minute), To: t0.Add(4 * time.Minute)})
	require.NoError(t, err)
	assert.Len(t, page.Recordings, 2)
	page, err = e.svc.List(ctx, alice, recordings.Filter{Text: "104"})
	require.NoError(t, err)
	assert.Len(t, page.Recordings, 1, "free text over numbers")

	bad := []recordings.Filter{{Limit: 501}, {Limit: -1}, {Cursor: "!!"}, {Direction: "sideways"}, {Status: "done"}}
	for i, f := range bad {
		t.Run(fmt.Sprint("Bad", i), func(t *testing.T) {
			_, err := e.svc.List(ctx, alice, f)
			assert.Equal(t, recordings.Invalid, code(err))
		})
	}
}

func TestReconvert(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	r := e.owned(t, 1, "alice")
	assert.Equal(t, recordings.Forbidden, code(e.svc.Reconvert(ctx, alice, r.ID)))
	require.NoError(t, e.svc.Reconvert(ctx, admin, r.ID))
	e.idle(t)
	got, err := e.svc.Get(ctx, admin, r.ID)
	require.NoError(t, err)
	assert.Equal(t, recordings.StatusReady, got.Status)
	assert.NotEqual(t, r.WAV.Key, got.WAV.Key, "a new WAV")
	_, err = e.blobs.Open(ctx, r.WAV.Key)
	assert.Error(t, err, "the old WAV is deleted")
}

func TestEachRecording(t *testing.T) {
	e := newEnv(t)
	want := map[string]bool{}
	for i := range 5 {
		want[e.owned(t, i, "alice").ID] = true
	}
	got := map[string]bool{}
	require.NoError(t, e.svc.EachRecording(context.Background(), func(r *recordings.Recording) error {
		got[r.ID] = true
		return nil
	}))
	assert.Equal(t, want, got)
	stop := errors.New("stop")
	n := 0
	err := e.svc.EachRecording(context.Background(), func(*recordings.Recording) error { n++; return stop })
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, n)
}

// TestOneListenPerPlayback: the range requests of one playback are one
// audited listen; a listen after a pause longer than the session, another
// actor's listen, and every download are audited on their own.
func TestOneListenPerPlayback(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	r := e.owned(t, 1, "alice")
	open := func(a recordings.Actor, kind recordings.MediaKind) {
		t.Helper()
		f, err := e.svc.Open(ctx, a, r.ID, kind)
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	actions := func() []string {
		t.Helper()
		page, err := e.svc.AuditLog(ctx, admin, recordings.AuditFilter{RecordingID: r.ID})
		require.NoError(t, err)
		var out []string
		for i := len(page.Entries) - 1; i >= 0; i-- {
			if en := page.Entries[i]; en.Action == recordings.ActionListen || en.Action == recordings.ActionDownload {
				out = append(out, en.Actor+" "+string(en.Action))
			}
		}
		return out
	}

	for range 5 { // the player's first request, buffering, seeking
		open(alice, recordings.MediaListen)
		e.clock.Advance(2 * time.Minute)
	}
	assert.Equal(t, []string{"alice listen"}, actions(), "one playback, one entry (the session slides with each request)")

	open(admin, recordings.MediaListen)
	open(alice, recordings.MediaDownload)
	open(alice, recordings.MediaDownload)
	open(admin, recordings.MediaPCAP)
	assert.Equal(t, []string{"alice listen", "root listen", "alice download", "alice download", "root download"}, actions(),
		"each actor's playback is its own; every download is audited")

	e.clock.Advance(recordings.DefaultListenSession)
	open(alice, recordings.MediaListen)
	assert.Equal(t, "alice listen", actions()[5], "a listen after a pause as long as the session is a new playback")

	_, err := e.svc.Open(ctx, bob, r.ID, recordings.MediaListen)
	assert.Equal(t, recordings.NotFound, code(err), "a request within someone else's playback is still authorised")
	assert.Len(t, actions(), 6)
}
