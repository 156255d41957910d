package cdr_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/cdr"
)

var now = time.Date(2025, 1, 15, 18, 0, 0, 123_456_789, time.UTC)

func clock() time.Time { return now }

// confListener records the conferences it hears of and, to prove that CDRs
// are stored before it is told, looks them up in the store at once.
type confListener struct {
	store cdr.Store
	t     *testing.T
	mu    sync.Mutex
	confs []string
}

func (l *confListener) CDRsStored(ctx context.Context, confs []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range confs {
		got, err := l.store.ByConf(ctx, c)
		assert.NoError(l.t, err)
		assert.NotEmpty(l.t, got, "conference %s is stored before the listener hears of it", c)
	}
	l.confs = append(l.confs, confs...)
}

func newService(t *testing.T, opts cdr.Options) (*cdr.Service, cdr.Store) {
	t.Helper()
	store := newStore(t)
	if opts.Clock == nil {
		opts.Clock = clock
	}
	return cdr.NewService(store, opts), store
}

func TestIngest(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	l := &confListener{store: store, t: t}
	svc := cdr.NewService(store, cdr.Options{Clock: clock, Listener: l})

	res, err := svc.Ingest(ctx, bytes.NewReader(readFixture(t, "basic-internal.xml")))
	require.NoError(t, err)
	assert.Equal(t, 2, res.CDRs)
	assert.Equal(t, 2, res.Added)
	assert.Equal(t, 0, res.Duplicates)
	assert.Equal(t, []cdr.Key{"id:3c9d0e1fe909d31188ce00903306c001", "id:3c9d0e1fe909d31188ce00903306c002"}, res.Keys)
	assert.Equal(t, []string{confBasic}, res.Confs)
	assert.Equal(t, []string{confBasic}, l.confs)

	entries, err := store.ByConf(ctx, confBasic)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	assert.True(t, entries[0].Received.Equal(now.Truncate(time.Millisecond)), "received at the injected clock, to the millisecond")

	// The PBX sends the same body again: nothing new, nobody told.
	res, err = svc.Ingest(ctx, bytes.NewReader(readFixture(t, "basic-internal.xml")))
	require.NoError(t, err)
	assert.Equal(t, cdr.IngestResult{CDRs: 2, Duplicates: 2, Keys: res.Keys}, res)
	assert.Equal(t, []string{confBasic}, l.confs)
}

func TestIngestDuplicateFixture(t *testing.T) {
	svc, store := newService(t, cdr.Options{})
	res, err := svc.Ingest(context.Background(), bytes.NewReader(readFixture(t, "duplicate.xml")))
	require.NoError(t, err)
	assert.Equal(t, 4, res.CDRs)
	assert.Equal(t, 2, res.Added, "one verbatim re-send and one reformatted re-send")
	assert.Equal(t, 2, res.Duplicates)
	page, err := store.List(context.Background(), cdr.ListQuery{})
	require.NoError(t, err)
	assert.Len(t, page.Entries, 2)
}

// TestIngestMalformed: a malformed body is refused with where it broke, and
// the CDRs before that point are stored so nothing readable is lost.
func TestIngestMalformed(t *testing.T) {
	svc, store := newService(t, cdr.Options{})
	res, err := svc.Ingest(context.Background(), bytes.NewReader(readFixture(t, "malformed.xml")))
	require.ErrorIs(t, err, cdr.ErrMalformed)
	assert.True(t, cdr.IsBadInput(err))
	assert.Contains(t, err.Error(), "line 10, column 7")
	assert.Equal(t, 1, res.Added)
	entries, err := store.ByConf(context.Background(), confBasic)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, "alice", entries[0].CDR.H323)
}

func TestIngestBadBodies(t *testing.T) {
	tests := []struct {
		name string
		body string
		lim  cdr.Limits
		want error
	}{
		{"empty", "", cdr.Limits{}, cdr.ErrNoCDR},
		{"no cdr element", "<cdrs><other/></cdrs>", cdr.Limits{}, cdr.ErrNoCDR},
		{"not XML", "hello", cdr.Limits{}, cdr.ErrMalformed},
		{"too large", strings.Repeat(`<cdr guid="g"/>`, 100), cdr.Limits{MaxBytes: 100}, cdr.ErrTooLarge},
		{"invalid value", `<cdr utc="noon"/>`, cdr.Limits{}, cdr.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _ := newService(t, cdr.Options{Limits: tt.lim})
			_, err := svc.Ingest(context.Background(), strings.NewReader(tt.body))
			assert.ErrorIs(t, err, tt.want)
			assert.True(t, cdr.IsBadInput(err))
		})
	}
}

func TestIngestStoreFailure(t *testing.T) {
	svc := cdr.NewService(brokenStore(t), cdr.Options{})
	res, err := svc.Ingest(context.Background(), bytes.NewReader(readFixture(t, "basic-internal.xml")))
	require.Error(t, err)
	assert.False(t, cdr.IsBadInput(err), "a store failure is the service's fault: the PBX must resend")
	assert.Zero(t, res.Added)
}

func TestIngestCancelled(t *testing.T) {
	svc, store := newService(t, cdr.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := svc.Ingest(ctx, bytes.NewReader(readFixture(t, "basic-internal.xml")))
	require.ErrorIs(t, err, context.Canceled)
	entries, err := store.ByConf(context.Background(), confBasic)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

// TestIngestBatch stores the 300 kB batch in several store calls.
func TestIngestBatch(t *testing.T) {
	svc, store := newService(t, cdr.Options{Batch: 100})
	res, err := svc.Ingest(context.Background(), bytes.NewReader(readFixture(t, batchFixture)))
	require.NoError(t, err)
	assert.Equal(t, 502, res.CDRs)
	assert.Equal(t, 502, res.Added)
	n := 0
	q := cdr.ListQuery{Limit: cdr.MaxListLimit}
	for {
		page, err := store.List(context.Background(), q)
		require.NoError(t, err)
		n += len(page.Entries)
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	assert.Equal(t, 502, n)
}

// TestServiceResolve: CDRs first, then the recording asks; and the other way
// round, the recording pending until the CDRs come.
func TestServiceResolve(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, cdr.Options{})
	gateway := cdr.Recording{Conf: confTrunkIn, MAC: "009033ffee01"}
	pol := cdr.Policy{PBXName: "pbx1", Directory: users}

	info, err := svc.Resolve(ctx, gateway, pol)
	require.NoError(t, err)
	assert.Equal(t, cdr.CallInfo{State: cdr.StatePending}, info)

	_, err = svc.Ingest(ctx, bytes.NewReader(readFixture(t, "trunk-incoming.xml")))
	require.NoError(t, err)
	info, err = svc.Resolve(ctx, gateway, pol)
	require.NoError(t, err)
	assert.Equal(t, cdr.StateAttached, info.State)
	assert.Equal(t, "bob", info.Owner)
	assert.Equal(t, cdr.RuleTrunkIncoming, info.OwnerRule)

	cdrs, err := svc.ByConf(ctx, confTrunkIn)
	require.NoError(t, err)
	assert.Len(t, cdrs, 4)

	info, err = svc.Resolve(ctx, cdr.Recording{RegName: "bob-phone"}, pol)
	require.NoError(t, err)
	assert.Equal(t, cdr.CallInfo{State: cdr.StatePending}, info, "a file name without a conference never matches a CDR")
}

// observer records the CDRs it sees and whether the listener had heard of
// their conferences already.
type observer struct {
	mu       sync.Mutex
	keys     []cdr.Key
	listener *confListener
	early    bool // saw CDRs before the listener heard of them
}

func (o *observer) CDRsAdded(_ context.Context, added []cdr.Entry) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.listener.mu.Lock()
	o.early = o.early || len(o.listener.confs) == 0
	o.listener.mu.Unlock()
	for _, e := range added {
		o.keys = append(o.keys, e.CDR.Key)
	}
}

// TestIngestObserver: the Observer sees each CDR the service adds, once
// (never a duplicate), before the Listener hears of its conference, so
// that what it learns is in place when recordings are correlated.
func TestIngestObserver(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	l := &confListener{store: store, t: t}
	o := &observer{listener: l}
	svc := cdr.NewService(store, cdr.Options{Clock: clock, Listener: l, Observer: o})

	res, err := svc.Ingest(ctx, bytes.NewReader(readFixture(t, "basic-internal.xml")))
	require.NoError(t, err)
	assert.Equal(t, res.Keys, o.keys)
	assert.True(t, o.early, "observed before the listener heard")

	_, err = svc.Ingest(ctx, bytes.NewReader(readFixture(t, "basic-internal.xml")))
	require.NoError(t, err)
	assert.Equal(t, res.Keys, o.keys, "duplicates are not observed")
}
