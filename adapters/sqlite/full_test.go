package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/cdr/cdrtest"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
)

// TestDiskFull fills a real 1 MB tmpfs under the database: both stores of
// the package report the full disk as recordings.InsufficientStorage
// (translated from SQLITE_FULL by its result code), and what was committed
// before stays readable.
func TestDiskFull(t *testing.T) {
	mnt := recordingstest.SmallDisk(t, "1m")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(mnt, "callrec.db"), sqlite.Options{})
	require.NoError(t, err)
	defer db.Close()

	t.Run("Store", func(t *testing.T) {
		big := strings.Repeat("x", 64<<10)
		var err error
		for i := 0; i < 100 && err == nil; i++ {
			err = db.Update(ctx, func(tx recordings.Tx) error { return tx.PutSetting(fmt.Sprint("k", i), big) })
		}
		require.Error(t, err, "1 MB cannot hold 6.4 MB")
		assert.Equal(t, recordings.InsufficientStorage, recordings.ErrorCode(err), "%v", err)
		require.NoError(t, db.View(ctx, func(tx recordings.Tx) error {
			v, ok, err := tx.Setting("k0")
			assert.True(t, ok)
			assert.Len(t, v, len(big))
			return err
		}))
	})
	t.Run("CDRStore", func(t *testing.T) {
		// What the first subtest left free depends on page alignment (a
		// migration more or less moves it): add batches until it is gone.
		var err error
		for i := 0; i < 100 && err == nil; i++ {
			_, err = db.CDRs().PutIfAbsent(ctx, cdrtest.Entries(t, 50, time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Hour)))
		}
		require.Error(t, err, "1 MB cannot hold 5000 CDRs")
		assert.Equal(t, recordings.InsufficientStorage, recordings.ErrorCode(err), "%v", err)
	})
}
