package recordings_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flipLicenser decides, for each owner or protection event, that the
// recording is closed, then open, then closed...: the last decision is the
// engine's truth. After deciding it arms the HoldingStore to hold back the next
// store transaction (the one that applies the decision).
type flipLicenser struct {
	mu    sync.Mutex
	n     int
	store *recordingstest.HoldingStore
}

func (l *flipLicenser) Observe(_ time.Time, ev recordings.LicenseEvent) (recordings.LicenseDecisions, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ev.Kind != recordings.LicenseOwnerSet && ev.Kind != recordings.LicenseProtected {
		return recordings.LicenseDecisions{}, nil
	}
	l.n++
	if l.n == 1 {
		l.store.Arm()
	}
	return recordings.LicenseDecisions{Access: []recordings.AccessChange{{RecordingID: ev.RecordingID, Accessible: l.n%2 == 0}}}, nil
}

func (l *flipLicenser) Due(time.Time) recordings.LicenseDecisions {
	return recordings.LicenseDecisions{}
}
func (l *flipLicenser) Snapshot() ([]byte, error) { return nil, nil }

// TestLicenceDecisionsReachTheStoreInOrder: the engine closes a recording
// (its owner is set) and then opens it (it is protected); the first
// decision's transaction is slow. The store must end as the engine
// decided last, open, not as the slower first decision said.
func TestLicenceDecisionsReachTheStoreInOrder(t *testing.T) {
	ctx := context.Background()
	var hs *recordingstest.HoldingStore // holds a transaction before it runs
	e := newEnv(t, func(c *recordings.Config) {
		hs = recordingstest.NewHoldingStore(c.Store, false)
		c.Store = hs
		c.Licenser = &flipLicenser{store: hs}
	})
	r := e.ingest(t, callName(1, "x"), pcap(t, 10))

	attached := make(chan error, 1)
	go func() {
		attached <- e.svc.AttachCallInfo(ctx, r.ID, recordings.CallInfo{Owner: "alice", Direction: recordings.DirectionIn})
	}()
	<-hs.Held() // the engine closed the recording; storing that is slow
	protected := make(chan error, 1)
	go func() {
		_, err := e.svc.Protect(ctx, admin, r.ID) // the engine opens it again
		protected <- err
	}()
	select {
	case err := <-protected: // without ordering, the later decision is stored first
		require.NoError(t, err)
		protected <- nil
	case <-time.After(200 * time.Millisecond): // with ordering, it waits for the first
	}
	hs.Release()
	require.NoError(t, <-attached)
	require.NoError(t, <-protected)

	got, err := e.svc.Get(ctx, admin, r.ID)
	require.NoError(t, err)
	assert.True(t, got.Accessible(), "the engine's last decision (open) is what the store holds")
}
