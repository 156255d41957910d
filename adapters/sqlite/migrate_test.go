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
