package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/recordings"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMigrationsAreNumberedWithoutGaps(t *testing.T) {
	ms, err := sqlite.Migrations()
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	for i, m := range ms {
		assert.Equal(t, i+1, m.Version)
		assert.NotEmpty(t, m.Name)
		assert.NotEmpty(t, m.SQL)
	}
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "callrec.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	ms, _ := sqlite.Migrations()
	v, err := db.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(ms), v)
	require.NoError(t, db.Update(ctx, func(tx recordings.Tx) error { return tx.PutSetting("k", "kept") }))
	require.NoError(t, db.Close())

	db, err = sqlite.Open(ctx, path, sqlite.Options{}) // nothing left to apply; data intact
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.View(ctx, func(tx recordings.Tx) error {
		v, ok, err := tx.Setting("k")
		assert.True(t, ok)
		assert.Equal(t, "kept", v)
		return err
	}))
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "callrec.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	require.NoError(t, db.Close())

	raw := rawDB(t, path)
	_, err = raw.Exec(`INSERT INTO schema_migrations (version, name, applied) VALUES (9999, 'from_the_future', 0)`)
	require.NoError(t, err)
	require.NoError(t, raw.Close())

	_, err = sqlite.Open(ctx, path, sqlite.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "newer than this program")
}

// TestUpdateRetriesWhileBusy holds the write lock from another connection
// (as another process would) for far longer than SQLite's own busy wait,
// so only the adapter's retries with backoff get the Update through.
func TestUpdateRetriesWhileBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "callrec.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{BusyTimeout: time.Millisecond})
	require.NoError(t, err)
	defer db.Close()

	released := holdWriteLock(t, path, 200*time.Millisecond)
	err = db.Update(ctx, func(tx recordings.Tx) error { return tx.PutSetting("k", "v") })
	<-released
	require.NoError(t, err)
}

// holdWriteLock takes the database's write lock from a connection of its
// own, as another process would, and releases it after d; the channel is
// closed once it is released.
func holdWriteLock(t *testing.T, path string, d time.Duration) <-chan struct{} {
	t.Helper()
	ctx := context.Background()
	raw := rawDB(t, path)
	conn, err := raw.Conn(ctx)
	require.NoError(t, err)
	_, err = conn.ExecContext(ctx, `BEGIN IMMEDIATE`)
	require.NoError(t, err)
	released := make(chan struct{})
	go func() {
		defer close(released)
		time.Sleep(d)
		_, _ = conn.ExecContext(ctx, `COMMIT`)
		conn.Close()
		raw.Close()
	}()
	return released
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	require.NoError(t, err)
	return raw
}

// TestMigrationKeepsTheCDRStart: rows written before migration 0005 had
// the CDR's utc only in start. Rows attached to a CDR whose start is not
// the upload start keep it as cdr_start; the others take the capture start
// once converted.
func TestMigrationKeepsTheCDRStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "callrec.db")
	ctx := context.Background()
	at := func(m int) time.Time { return time.Date(2026, 3, 1, 9, m, 0, 0, time.UTC) }
	rec := func(id string, state recordings.CallState, start, capture time.Time) *recordings.Recording {
		return &recordings.Recording{ID: id, FileName: id + ".pcap", Status: recordings.StatusReady, CallState: state,
			UploadStarted: at(0), UploadCompleted: at(1), Created: at(1), Start: start, Media: recordings.Media{CaptureStart: capture}}
	}
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	require.NoError(t, db.Update(ctx, func(tx recordings.Tx) error {
		for _, r := range []*recordings.Recording{
			rec("utc", recordings.CallCDR, at(-5), at(-4)),             // the CDR's utc
			rec("no-utc", recordings.CallCDR, at(0), at(-4)),           // a CDR without utc: the upload start stuck
			rec("nocdr", recordings.CallNoCDR, at(-4), at(-4)),         // NoCDR, converted
			rec("unconverted", recordings.CallCDR, at(0), time.Time{}), // nothing better known
		} {
			if err := tx.PutRecording(r); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, db.Close())
	raw := rawDB(t, path)
	for _, q := range []string{`ALTER TABLE recordings DROP COLUMN cdr_start`, `DELETE FROM schema_migrations WHERE version = 5`} {
		_, err := raw.Exec(q)
		require.NoError(t, err)
	}
	require.NoError(t, raw.Close())

	db, err = sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	defer db.Close()
	for id, want := range map[string]struct{ cdr, start time.Time }{
		"utc":         {at(-5), at(-5)},
		"no-utc":      {time.Time{}, at(-4)},
		"nocdr":       {time.Time{}, at(-4)},
		"unconverted": {time.Time{}, at(0)},
	} {
		require.NoError(t, db.View(ctx, func(tx recordings.Tx) error {
			r, err := tx.Recording(id)
			require.NoError(t, err)
			assert.True(t, want.cdr.Equal(r.CDRStart), "%s: CDRStart %v", id, r.CDRStart)
			assert.True(t, want.start.Equal(r.Start), "%s: Start %v", id, r.Start)
			return nil
		}))
	}
}
