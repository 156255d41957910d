package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/stretchr/testify/require"
)

func open(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "callrec.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	recordingstest.TestStore(t, func(t *testing.T) recordings.Store { return open(t) })
}
