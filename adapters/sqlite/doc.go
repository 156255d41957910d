// Package sqlite is the embedded default Store of the recordings service on
// SQLite, through the pure-Go driver modernc.org/sqlite (no cgo).
//
// The database runs in WAL mode with synchronous=FULL, so a committed
// transaction survives a crash or power loss: the service relies on that
// when it acknowledges an upload. Writes go through one connection
// (BEGIN IMMEDIATE), reads through a pool; a database busy because of
// another process is retried with exponential backoff, recognised by its
// SQLite result code (never by message text).
//
// # Migrations
//
// The schema is built by versioned, forward-only migrations embedded from
// migrations/NNNN_name.sql (NNNN: 1, 2, 3, ... with no gaps). Open applies
// the missing ones in order, each in the same transaction that records it in
// schema_migrations, and refuses a database whose schema is newer than the
// program (a downgrade). To change the schema — for example to add the CDR
// or licensing tables — add the next file, say migrations/0002_cdrs.sql,
// holding plain SQL statements; never edit a migration that has shipped.
// The package's tests check the numbering.
package sqlite
