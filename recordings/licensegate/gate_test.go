package licensegate_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/f0fce437/callrec/adapters/fsblob"
	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/licensing"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/licensegate"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var admin = recordings.Actor{Name: "root", Role: recordings.RoleAdmin}

type env struct {
	t     *testing.T
	store recordings.Store // the store the service uses: db, or a wrapper of it
	db    *sqlite.DB
	blobs *fsblob.Store
	clock *recordingstest.Clock
	gate  *licensegate.Gate
	svc   *recordings.Service
}

// newEnv starts a service on a fresh SQLite store and a gate; wrap, if
// given, wraps the store the service uses.
func newEnv(t *testing.T, wrap ...func(recordings.Store) recordings.Store) *env {
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "callrec.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	blobs, err := fsblob.New(filepath.Join(dir, "files"))
	require.NoError(t, err)
	e := &env{t: t, db: db, store: db, blobs: blobs, clock: recordingstest.NewClock(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC))}
	for _, w := range wrap {
		e.store = w(e.store)
	}
	e.start()
	return e
}

// start (re)starts the service with a new gate, as a restarted server does;
// seed, if given, are the settings its flags seed before the start.
func (e *env) start(seed ...recordings.SettingsUpdate) {
	e.gate = licensegate.New()
	svc, err := recordings.New(recordings.Config{Store: e.store, Blobs: e.blobs, Converter: &recordingstest.Converter{},
		Clock: e.clock, Licenser: e.gate, Workers: 1, Tracer: recordings.NewTracing(slog.DiscardHandler)})
	require.NoError(e.t, err)
	for _, u := range seed {
		require.NoError(e.t, svc.SeedSettings(context.Background(), u))
	}
	require.NoError(e.t, svc.Start(context.Background()))
	e.t.Cleanup(func() { svc.Close() })
	e.svc = svc
}

// do feeds the server's inputs (users, members) and applies the decisions.
func (e *env) do(fn func(*licensing.Engine) ([]licensing.Decision, error)) {
	require.NoError(e.t, e.svc.UpdateLicensing(context.Background(), func(now time.Time) (recordings.LicenseDecisions, error) {
		return e.gate.Do(now, fn)
	}))
}

// record ingests a recording whose CDR names owner.
func (e *env) record(i int, owner string) string {
	ctx := context.Background()
	var b bytes.Buffer
	_, err := recordingstest.WritePCAP(&b, e.clock.Now(), 10)
	require.NoError(e.t, err)
	r, err := e.svc.Ingest(ctx, fmt.Sprintf("%032x-009033302ab1-%d.pcap", i, i), &b, int64(b.Len()))
	require.NoError(e.t, err)
	require.NoError(e.t, e.svc.WaitIdle(ctx))
	require.NoError(e.t, e.svc.AttachCallInfo(ctx, r.ID, recordings.CallInfo{Owner: owner, Direction: recordings.DirectionIn}))
	return r.ID
}

func (e *env) accessible(id string) bool {
	r, err := e.svc.Get(context.Background(), admin, id)
	require.NoError(e.t, err)
	return r.Accessible()
}

func (e *env) exists(id string) bool {
	_, err := e.svc.Get(context.Background(), admin, id)
	if recordings.ErrorCode(err) == recordings.NotFound {
		return false
	}
	require.NoError(e.t, err)
	return true
}

// addUsers puts users on the PBX.
func (e *env) addUsers(names ...string) {
	e.do(func(en *licensing.Engine) ([]licensing.Decision, error) {
		var all []licensing.Decision
		for _, n := range names {
			ds, err := en.AddUser(n)
			all = append(all, ds...)
			if err != nil {
				return all, err
			}
		}
		return all, nil
	})
}

func (e *env) settings(u recordings.SettingsUpdate) {
	_, err := e.svc.UpdateSettings(context.Background(), admin, u)
	require.NoError(e.t, err)
}

func ptr[T any](v T) *T { return &v }

func TestGateDrivesAccessAndDeletion(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.addUsers("alice", "bob")
	e.settings(recordings.SettingsUpdate{Licenses: ptr(1)})

	a1 := e.record(1, "alice")
	e.clock.Advance(time.Minute)
	b1 := e.record(2, "bob")
	b2 := e.record(3, "bob")
	body := []byte("an upload off the name grammar: nobody's") // an empty one would be a placeholder, not a recording
	pending, err := e.svc.Ingest(ctx, "no-cdr.pcap", bytes.NewReader(body), int64(len(body)))
	require.NoError(t, err)
	assert.True(t, e.accessible(a1), "alice claimed the only licence")
	assert.False(t, e.accessible(b1), "bob waits")
	assert.True(t, e.accessible(pending.ID), "ownerless: needs no licence")
	_, err = e.svc.Get(ctx, recordings.Actor{Name: "bob", Role: recordings.RoleUser}, b1)
	assert.Equal(t, recordings.NotFound, recordings.ErrorCode(err))

	e.settings(recordings.SettingsUpdate{Licenses: ptr(2)})
	assert.True(t, e.accessible(b1), "a second licence goes to bob")

	// Group mode with alice only: bob loses his licence; after 24 h his
	// unprotected recordings go, audited; the protected one stays.
	_, err = e.svc.Protect(ctx, admin, b2)
	require.NoError(t, err)
	e.do(func(en *licensing.Engine) ([]licensing.Decision, error) { return en.AddMember("rec", "alice") })
	e.settings(recordings.SettingsUpdate{GroupName: ptr("rec")})
	assert.False(t, e.accessible(b1))
	assert.True(t, e.accessible(a1))

	e.clock.Advance(23 * time.Hour)
	_, err = e.svc.SweepRetention(ctx)
	require.NoError(t, err)
	assert.True(t, e.exists(b1), "not before 24 h")

	// A restart in between: the engine comes back from the snapshot and
	// the stored recordings, with the grace still running.
	require.NoError(t, e.svc.Close())
	e.start()
	assert.True(t, e.accessible(a1))
	assert.False(t, e.accessible(b1))

	e.clock.Advance(time.Hour + time.Second)
	n, err := e.svc.SweepRetention(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.False(t, e.exists(b1), "deleted after 24 h unlicensed in group mode")
	assert.True(t, e.exists(b2), "protected: never deleted")
	assert.False(t, e.accessible(b2))
	log, err := e.svc.AuditLog(ctx, admin, recordings.AuditFilter{RecordingID: b1, Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, recordings.ActionLicenseDelete, log.Entries[0].Action)

	st, err := e.gate.Status(e.clock.Now(), 10)
	require.NoError(t, err)
	assert.Equal(t, licensing.ModeGroup, st.Mode)
}

// TestRestartWithSeededSettings restarts the service the way the server
// does, seeding the licence count from its flags before Start: the seeding
// must not replace the persisted history (holders in claim order, group
// mode since) with the empty engine it configured before the restore.
func TestRestartWithSeededSettings(t *testing.T) {
	e := newEnv(t)
	e.addUsers("alice", "bob")
	seed := recordings.SettingsUpdate{Licenses: ptr(1)}
	e.settings(seed)
	a1 := e.record(1, "alice")
	e.clock.Advance(time.Minute)
	b1 := e.record(2, "bob")
	before, err := e.gate.Status(e.clock.Now(), 10)
	require.NoError(t, err)
	require.Len(t, before.Holders, 1)

	require.NoError(t, e.svc.Close())
	e.clock.Advance(time.Hour)
	e.start(seed)
	after, err := e.gate.Status(e.clock.Now(), 10)
	require.NoError(t, err)
	assert.Equal(t, before.Holders, after.Holders, "alice keeps the licence she claimed, with its claim time")
	assert.True(t, e.accessible(a1))
	assert.False(t, e.accessible(b1))
}

// TestStatusKeepsDeletionsDue: the admin's licence view lets time pass in
// the engine, and the deletions that falls due must still reach the store
// at the next sweep (the engine forgets the recordings it deletes).
func TestStatusKeepsDeletionsDue(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.do(func(en *licensing.Engine) ([]licensing.Decision, error) { return en.AddUser("bob") })
	e.settings(recordings.SettingsUpdate{GroupName: ptr("rec")})
	b1 := e.record(1, "bob")
	require.False(t, e.accessible(b1), "bob is no member of rec")

	e.clock.Advance(25 * time.Hour)
	st, err := e.gate.Status(e.clock.Now(), 10)
	require.NoError(t, err)
	assert.Empty(t, st.Unlicensed, "the engine deleted it")
	n, err := e.svc.SweepRetention(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.False(t, e.exists(b1), "and so did the store")
}

// TestConcurrentEventsLeaveTheStoreAsTheEngineDecided races licence count
// changes, protections and owner changes against each other (run it with
// -race): once they are done, every recording the engine holds unlicensed
// is closed in the store and every other one open.
func TestConcurrentEventsLeaveTheStoreAsTheEngineDecided(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	owners := []string{"alice", "bob", "carol"}
	e.addUsers(owners...)
	e.settings(recordings.SettingsUpdate{Licenses: ptr(1)})
	var ids []string
	for i := range 6 {
		ids = append(ids, e.record(i+1, owners[i%len(owners)]))
	}

	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			for i := range 15 {
				switch (w + i) % 3 {
				case 0:
					n := (w + i) % 3
					_, err := e.svc.UpdateSettings(ctx, admin, recordings.SettingsUpdate{Licenses: &n})
					assert.NoError(t, err)
				case 1:
					id := ids[(w+i)%len(ids)]
					_, err := e.svc.Protect(ctx, admin, id)
					assert.NoError(t, err)
					_, err = e.svc.Unprotect(ctx, admin, id)
					assert.NoError(t, err)
				case 2:
					id := ids[(w*7+i)%len(ids)]
					assert.NoError(t, e.svc.AttachCallInfo(ctx, id, recordings.CallInfo{Owner: owners[(w+i)%len(owners)], Direction: recordings.DirectionIn}))
				}
			}
		})
	}
	wg.Wait()

	st, err := e.gate.Status(e.clock.Now(), 1000)
	require.NoError(t, err)
	unlicensed := map[string]bool{}
	for _, u := range st.Unlicensed {
		unlicensed[u.ID] = true
	}
	for _, id := range ids {
		assert.Equal(t, !unlicensed[id], e.accessible(id), "recording %s", id)
	}
}

// TestRepeatedUploadKeepsTheCreationTime: licences go first come, first
// served by a recording's creation, its first completed upload. A complete
// repeated upload of the same name later must not make the recording
// younger, neither at once nor after a restart (when the engine is
// rebuilt from the store).
func TestRepeatedUploadKeepsTheCreationTime(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.addUsers("alice", "bob")
	a := e.record(1, "alice")
	e.clock.Advance(time.Minute)
	b := e.record(2, "bob")
	e.clock.Advance(time.Minute)
	body := bytes.Buffer{}
	_, err := recordingstest.WritePCAP(&body, e.clock.Now(), 12)
	require.NoError(t, err)
	r, err := e.svc.Ingest(ctx, fmt.Sprintf("%032x-009033302ab1-%d.pcap", 1, 1), &body, int64(body.Len()))
	require.NoError(t, err)
	require.Equal(t, a, r.ID, "the same recording, uploaded again")
	require.NoError(t, e.svc.WaitIdle(ctx))

	require.NoError(t, e.svc.Close())
	e.start()
	e.settings(recordings.SettingsUpdate{Licenses: ptr(1)})
	assert.True(t, e.accessible(a), "alice's recording is the older one: she gets the licence")
	assert.False(t, e.accessible(b))
}
