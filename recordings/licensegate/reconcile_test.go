package licensegate_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/f0fce437/callrec/recordings"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingStore is a Store that counts the recordings written.
type countingStore struct {
	recordings.Store
	puts atomic.Int64
}

func (s *countingStore) Update(ctx context.Context, fn func(recordings.Tx) error) error {
	return s.Store.Update(ctx, func(tx recordings.Tx) error { return fn(countingTx{tx, &s.puts}) })
}

type countingTx struct {
	recordings.Tx
	puts *atomic.Int64
}

func (tx countingTx) PutRecording(r *recordings.Recording) error {
	tx.puts.Add(1)
	return tx.Tx.PutRecording(r)
}

// TestStartReconcilesAccessibility: the engine rebuilt at start (snapshot
// and Load, which decides nothing per recording) is the truth; a store
// whose accessibility disagrees with it is corrected, a consistent one is
// not written.
func TestStartReconcilesAccessibility(t *testing.T) {
	ctx := context.Background()
	cs := &countingStore{}
	e := newEnv(t, func(s recordings.Store) recordings.Store { cs.Store = s; return cs })
	e.addUsers("alice", "bob")
	e.settings(recordings.SettingsUpdate{Licenses: ptr(1)})
	a := e.record(1, "alice")
	b := e.record(2, "bob")
	require.True(t, e.accessible(a))
	require.False(t, e.accessible(b))

	t.Run("consistent store untouched", func(t *testing.T) {
		require.NoError(t, e.svc.Close())
		cs.puts.Store(0)
		e.start()
		require.NoError(t, e.svc.WaitIdle(ctx))
		assert.Zero(t, cs.puts.Load(), "no recording written")
		assert.True(t, e.accessible(a))
		assert.False(t, e.accessible(b))
	})

	t.Run("corrupted rows corrected", func(t *testing.T) {
		require.NoError(t, e.svc.Close())
		for id, unlicensed := range map[string]bool{a: true, b: false} {
			require.NoError(t, e.db.Update(ctx, func(tx recordings.Tx) error {
				r, err := tx.Recording(id)
				if err != nil {
					return err
				}
				r.Unlicensed = unlicensed
				return tx.PutRecording(r)
			}))
		}
		cs.puts.Store(0)
		e.start()
		assert.True(t, e.accessible(a), "alice holds the licence")
		assert.False(t, e.accessible(b), "bob waits for one")
		assert.EqualValues(t, 2, cs.puts.Load(), "the two rows, nothing else")
		e.engineAgrees()
	})
}
