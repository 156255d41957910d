package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/cdr"
	"github.com/f0fce437/callrec/cdr/cdrtest"
)

func TestCDRConformance(t *testing.T) {
	cdrtest.TestStore(t, func(t *testing.T) cdr.Store { return open(t).CDRs() })
}

// TestCDRsSurviveReopen: what PutIfAbsent acknowledged is there after the
// database is closed and opened again.
func TestCDRsSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "callrec.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	entries := cdrtest.Entries(t, 3, time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC))
	added, err := db.CDRs().PutIfAbsent(ctx, entries)
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true, true}, added)
	require.NoError(t, db.Close())

	db, err = sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	page, err := db.CDRs().List(ctx, cdr.ListQuery{})
	require.NoError(t, err)
	require.Len(t, page.Entries, 3)
	assert.Equal(t, entries[2].CDR, page.Entries[0].CDR)
	added, err = db.CDRs().PutIfAbsent(ctx, entries[:1])
	require.NoError(t, err)
	assert.Equal(t, []bool{false}, added, "keys are remembered across restarts")
}

// TestCDRsClosed: a closed database fails cleanly.
func TestCDRsClosed(t *testing.T) {
	db := open(t)
	require.NoError(t, db.Close())
	_, err := db.CDRs().PutIfAbsent(context.Background(), cdrtest.Entries(t, 1, time.Now()))
	assert.Error(t, err)
}

// BenchmarkCDRIngest300k stores the 300 kB batch (502 CDRs) through
// cdr.Service into a fresh database each time: parse, de-duplicate, one
// durable transaction per 256 CDRs (synchronous=FULL).
func BenchmarkCDRIngest300k(b *testing.B) {
	data, err := os.ReadFile("../../cdr/testdata/batch-300k.xml")
	require.NoError(b, err)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var n int
	for b.Loop() {
		b.StopTimer()
		db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "callrec.db"), sqlite.Options{})
		require.NoError(b, err)
		svc := cdr.NewService(db.CDRs(), cdr.Options{})
		b.StartTimer()
		res, err := svc.Ingest(ctx, bytes.NewReader(data))
		require.NoError(b, err)
		n = res.Added
		b.StopTimer()
		require.NoError(b, db.Close())
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "CDRs/s")
}

// TestCDRStoreRetriesWhileBusy: the CDR store runs in the DB's own write
// transactions, so a database held busy by another process is retried with
// the same backoff as the recordings Store.
func TestCDRStoreRetriesWhileBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "callrec.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{BusyTimeout: time.Millisecond})
	require.NoError(t, err)
	defer db.Close()

	entries := cdrtest.Entries(t, 2, time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC))
	released := holdWriteLock(t, path, 200*time.Millisecond)
	added, err := db.CDRs().PutIfAbsent(ctx, entries)
	<-released
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true}, added)
	got, err := db.CDRs().ByConf(ctx, entries[0].CDR.Confs()[0])
	require.NoError(t, err)
	assert.NotEmpty(t, got)
}
