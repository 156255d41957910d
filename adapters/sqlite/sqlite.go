package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"runtime"
	"time"

	"github.com/f0fce437/callrec/recordings"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DB is a recordings.Store in one SQLite database file. It is safe for
// concurrent use.
type DB struct {
	write *sql.DB // one connection: SQLite has one writer at a time
	read  *sql.DB
}

var _ recordings.Store = (*DB)(nil)

// Options tune Open; the zero value means the defaults.
type Options struct {
	// BusyTimeout is how long SQLite itself waits for a lock held by
	// another connection or process before the adapter's own retries with
	// backoff begin (default 5 s).
	BusyTimeout time.Duration
}

// Open opens (creating it when needed) the database at path and brings its
// schema up to date. It refuses a schema newer than this program.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	busy := fmt.Sprintf("busy_timeout(%d)", max(opts.BusyTimeout.Milliseconds(), 1))
	dsn := func(txlock string) string {
		q := url.Values{}
		for _, p := range []string{busy, "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)"} {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", txlock)
		return "file:" + path + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite", dsn("immediate"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dsn("deferred"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()))
	db := &DB{write: w, read: r}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// View runs fn in a read transaction.
func (db *DB) View(ctx context.Context, fn func(recordings.Tx) error) error {
	return db.view(ctx, func(t *sqlTx) error { return fn(t) })
}

// Update runs fn in a write transaction (BEGIN IMMEDIATE), retrying it while
// the database is busy.
func (db *DB) Update(ctx context.Context, fn func(recordings.Tx) error) error {
	return db.update(ctx, func(t *sqlTx) error { return fn(t) })
}

// view and update are the one way into a transaction for every store of the
// package (recordings.Store and cdr.Store alike): fn gets the package's own
// transaction type, with the same busy retries and error translation, and
// no interface value has to be asserted back to it.
func (db *DB) view(ctx context.Context, fn func(*sqlTx) error) error {
	return db.run(ctx, db.read, true, fn)
}

func (db *DB) update(ctx context.Context, fn func(*sqlTx) error) error {
	return db.run(ctx, db.write, false, fn)
}

// maxBusyRetries bounds the retries of a busy transaction (after the
// driver's own busy_timeout wait).
const maxBusyRetries = 8

func (db *DB) run(ctx context.Context, pool *sql.DB, readOnly bool, fn func(*sqlTx) error) error {
	backoff := 10 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := db.once(ctx, pool, readOnly, fn)
		if !isBusy(err) || attempt == maxBusyRetries {
			return err
		}
		// Full jitter, so that retrying writers do not collide again.
		d := time.Duration(rand.Int64N(int64(backoff))) + time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
		backoff = min(2*backoff, time.Second)
	}
}

func (db *DB) once(ctx context.Context, pool *sql.DB, readOnly bool, fn func(*sqlTx) error) error {
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	t := &sqlTx{ctx: ctx, tx: tx, readOnly: readOnly}
	if err := fn(t); err != nil {
		_ = tx.Rollback()
		return err
	}
	if readOnly {
		return translate(tx.Rollback())
	}
	return translate(tx.Commit())
}

func resultCode(err error) (int, bool) {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code(), true
	}
	return 0, false
}

// isBusy reports whether err is SQLITE_BUSY or SQLITE_LOCKED (primary code).
func isBusy(err error) bool {
	c, ok := resultCode(err)
	return ok && (c&0xff == sqlite3.SQLITE_BUSY || c&0xff == sqlite3.SQLITE_LOCKED)
}

// translate gives driver errors their domain codes, by result code.
func translate(err error) error {
	if err == nil {
		return nil
	}
	c, ok := resultCode(err)
	if !ok {
		return err
	}
	switch {
	case c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return recordings.Wrap(err, recordings.Conflict, "already exists")
	case c&0xff == sqlite3.SQLITE_FULL:
		return recordings.Wrap(err, recordings.InsufficientStorage, "database disk full")
	}
	return err
}
