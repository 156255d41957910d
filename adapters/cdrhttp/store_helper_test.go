package cdrhttp_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/cdr"
)

// newStore returns the product store, empty: SQLite in a temporary
// directory.
func newStore(t *testing.T) cdr.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "callrec.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db.CDRs()
}

// brokenStore returns a store whose every operation fails: its database is
// closed.
func brokenStore(t *testing.T) cdr.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "callrec.db"), sqlite.Options{})
	require.NoError(t, err)
	require.NoError(t, db.Close())
	return db.CDRs()
}
