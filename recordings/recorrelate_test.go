package recordings_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/f0fce437/callrec/recordings"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func (e *env) waitRecorrelation(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, e.svc.WaitRecorrelation(ctx))
}

// A CDR stored just before a crash, before the service heard of it, still
// reaches its recording: Start correlates the pending and NoCDR recordings
// again.
func TestStartCorrelatesUnattachedRecordings(t *testing.T) {
	ctx := context.Background()
	res := &resolver{}
	e := newEnv(t, func(c *recordings.Config) { c.Resolver = res })
	noCDR := e.ingest(t, callName(1, "alice-phone"), pcap(t, 10))
	e.clock.Advance(recordings.DefaultCDRWait + time.Second)
	_, err := e.svc.SweepCallInfo(ctx)
	require.NoError(t, err)
	pending := e.ingest(t, callName(2, "bob-phone"), pcap(t, 10))
	e.waitRecorrelation(t)

	// The CDRs are stored; the crash comes before CallInfoArrived.
	res.set(noCDR.Name.GUID, recordings.CallInfo{Owner: "alice", Direction: recordings.DirectionIn, CDRRef: "c1"})
	res.set(pending.Name.GUID, recordings.CallInfo{Owner: "bob", Direction: recordings.DirectionOut, CDRRef: "c2"})
	require.NoError(t, e.svc.Close())
	e.start(t)
	e.waitRecorrelation(t)

	for _, c := range []struct {
		name  string
		id    string
		owner string
	}{{"NoCDR", noCDR.ID, "alice"}, {"Pending", pending.ID, "bob"}} {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.svc.Get(ctx, admin, c.id)
			require.NoError(t, err)
			assert.Equal(t, recordings.CallCDR, r.CallState)
			assert.Equal(t, c.owner, r.Owner)
		})
	}
}

// pbxResolver correlates like the cdr package: each call has CDRs of one
// PBX; once a PBX name is set (read from the service's settings) only that
// PBX's CDRs count, while none is set all do.
type pbxResolver struct {
	svc   func() *recordings.Service
	mu    sync.Mutex
	calls map[string]pbxCall
}

type pbxCall struct {
	pbx  string
	info recordings.CallInfo
}

func (p *pbxResolver) Resolve(ctx context.Context, f recordings.RecordingFacts) (recordings.CallInfo, bool, error) {
	set, err := p.svc().Settings(ctx, recordings.SystemActor())
	if err != nil {
		return recordings.CallInfo{}, false, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.calls[f.Name.GUID]
	if !ok || set.PBXName != "" && c.pbx != set.PBXName {
		return recordings.CallInfo{}, false, nil
	}
	return c.info, true, nil
}

// Setting the PBX name correlates the recordings already attached again:
// those attached by another PBX's CDRs lose their call information (NoCDR
// with the device's user after the wait, pending within it), the others
// keep theirs.
func TestPBXNameChangeRecorrelates(t *testing.T) {
	ctx := context.Background()
	var e *env
	res := &pbxResolver{svc: func() *recordings.Service { return e.svc }, calls: map[string]pbxCall{}}
	e = newEnv(t, func(c *recordings.Config) {
		c.Resolver = res
		c.Devices = devices{"carol-phone": "carol"}
	})
	guid := func(i int) string { return recordings.ParseFileName(callName(i, "x")).GUID }
	res.calls[guid(1)] = pbxCall{"pbx1", recordings.CallInfo{Owner: "alice", Direction: recordings.DirectionIn, CDRRef: "a"}}
	res.calls[guid(2)] = pbxCall{"pbx2", recordings.CallInfo{Owner: "bob", Direction: recordings.DirectionIn, RemoteName: "Mallory", CDRRef: "b"}}
	res.calls[guid(3)] = pbxCall{"pbx2", recordings.CallInfo{Owner: "bob", Direction: recordings.DirectionOut, CDRRef: "c"}}
	own := e.ingest(t, callName(1, "alice-phone"), pcap(t, 10))
	foreignOld := e.ingest(t, callName(2, "carol-phone"), pcap(t, 10))
	e.clock.Advance(recordings.DefaultCDRWait + time.Second)
	foreignNew := e.ingest(t, callName(3, "dave-phone"), pcap(t, 10))
	for _, r := range []*recordings.Recording{own, foreignOld, foreignNew} {
		require.Equal(t, recordings.CallCDR, r.CallState, "no PBX name: every PBX's CDRs count")
	}
	f, err := e.svc.Open(ctx, bob, foreignOld.ID, recordings.MediaDownload)
	require.NoError(t, err)
	f.Close()

	_, err = e.svc.UpdateSettings(ctx, admin, recordings.SettingsUpdate{PBXName: ptr("pbx1")})
	require.NoError(t, err)
	e.waitRecorrelation(t)

	t.Run("OwnPBXKeepsItsCallInfo", func(t *testing.T) {
		r, err := e.svc.Get(ctx, alice, own.ID)
		require.NoError(t, err)
		assert.Equal(t, recordings.CallCDR, r.CallState)
	})
	t.Run("OtherPBXAfterTheWaitIsNoCDR", func(t *testing.T) {
		r, err := e.svc.Get(ctx, admin, foreignOld.ID)
		require.NoError(t, err)
		assert.True(t, r.NoCDR())
		assert.Equal(t, "carol", r.Owner, "the device's user, as for any NoCDR recording")
		assert.Empty(t, r.RemoteName)
		assert.Empty(t, r.CDRRef)
		_, err = e.svc.Get(ctx, bob, foreignOld.ID)
		assert.Equal(t, recordings.NotFound, recordings.ErrorCode(err), "bob owned it only by the other PBX's CDR")
		assert.Empty(t, e.auditOf(t, bob, ""), "nor does he read its activity")
	})
	t.Run("OtherPBXWithinTheWaitIsPending", func(t *testing.T) {
		r, err := e.svc.Get(ctx, admin, foreignNew.ID)
		require.NoError(t, err)
		assert.True(t, r.Pending())
		assert.Empty(t, r.Owner)
	})
	t.Run("UnsettingTheNameCountsEveryPBXAgain", func(t *testing.T) {
		_, err := e.svc.UpdateSettings(ctx, admin, recordings.SettingsUpdate{PBXName: ptr("")})
		require.NoError(t, err)
		e.waitRecorrelation(t)
		for _, id := range []string{foreignOld.ID, foreignNew.ID} {
			r, err := e.svc.Get(ctx, bob, id)
			require.NoError(t, err)
			assert.Equal(t, recordings.CallCDR, r.CallState)
		}
	})
}

// A CDR may name a user the directory does not know yet: the recording
// attaches without an owner. When the user becomes known (the server asks
// for ScopeOwnerless), the recording becomes theirs; recordings with an
// owner are not read again.
func TestOwnerlessRecorrelation(t *testing.T) {
	ctx := context.Background()
	res := &resolver{}
	e := newEnv(t, func(c *recordings.Config) { c.Resolver = res })
	guid := func(i int) string { return recordings.ParseFileName(callName(i, "x")).GUID }
	res.set(guid(1), recordings.CallInfo{Direction: recordings.DirectionIn, CDRRef: "c1"})
	res.set(guid(2), recordings.CallInfo{Owner: "alice", Direction: recordings.DirectionIn, CDRRef: "c2"})
	ownerless := e.ingest(t, callName(1, "dave-phone"), pcap(t, 10))
	owned := e.ingest(t, callName(2, "alice-phone"), pcap(t, 10))
	e.waitRecorrelation(t)
	r, err := e.svc.Get(ctx, admin, ownerless.ID)
	require.NoError(t, err)
	require.Equal(t, recordings.CallCDR, r.CallState)
	require.Empty(t, r.Owner)

	// dave becomes known; what the resolver says of call 2 changes too,
	// but an owned recording is not in the scope.
	res.set(guid(1), recordings.CallInfo{Owner: "dave", Direction: recordings.DirectionIn, CDRRef: "c1"})
	res.set(guid(2), recordings.CallInfo{Owner: "bob", Direction: recordings.DirectionIn, CDRRef: "c2"})
	e.ownerlessPass(t, []ownerCase{
		{"OwnerlessBecomesDaves", ownerless.ID, "dave", recordings.CallCDR},
		{"OwnedIsNotReadAgain", owned.ID, "alice", recordings.CallCDR},
	})
}

// ownerCase is a recording and the owner and call state it must have.
type ownerCase struct {
	name, id, owner string
	state           recordings.CallState
}

// ownerlessPass runs a ScopeOwnerless pass and checks the cases after it.
func (e *env) ownerlessPass(t *testing.T, cases []ownerCase) {
	t.Helper()
	e.svc.RequestRecorrelation(recordings.ScopeOwnerless)
	e.waitRecorrelation(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.svc.Get(context.Background(), admin, c.id)
			require.NoError(t, err)
			assert.Equal(t, c.state, r.CallState)
			assert.Equal(t, c.owner, r.Owner)
		})
	}
}

// gatedResolver is a resolver whose Resolve, once armed, counts its calls
// and waits for release each time.
type gatedResolver struct {
	resolver
	armed   atomic.Bool
	calls   atomic.Int32
	started chan struct{}
	release chan struct{}
}

func (g *gatedResolver) Resolve(ctx context.Context, f recordings.RecordingFacts) (recordings.CallInfo, bool, error) {
	if g.armed.Load() {
		g.calls.Add(1)
		g.started <- struct{}{}
		<-g.release
	}
	return g.resolver.Resolve(ctx, f)
}

// Requests made while a pass runs coalesce into one more pass, however
// many users become known meanwhile.
func TestRecorrelationRequestsCoalesce(t *testing.T) {
	res := &gatedResolver{started: make(chan struct{}, 10), release: make(chan struct{})}
	e := newEnv(t, func(c *recordings.Config) { c.Resolver = res })
	e.ingest(t, callName(1, "dave-phone"), pcap(t, 10)) // pending: without an owner
	e.waitRecorrelation(t)

	res.armed.Store(true)
	e.svc.RequestRecorrelation(recordings.ScopeOwnerless)
	<-res.started
	for range 5 {
		e.svc.RequestRecorrelation(recordings.ScopeOwnerless) // during the first pass
	}
	close(res.release)
	e.waitRecorrelation(t)
	assert.Equal(t, int32(2), res.calls.Load(), "one pass, then one more for the five requests")
}

// lockedDevices maps registration names to users and may change while the
// service reads it, as a directory learning devices from CDRs does.
type lockedDevices struct {
	mu sync.Mutex
	m  map[string]string
}

func (d *lockedDevices) set(reg, user string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.m[reg] = user
}

func (d *lockedDevices) UserByDevice(_ context.Context, reg string) (string, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.m[reg]
	return u, ok, nil
}

// A NoCDR recording from a device nobody owned becomes the user's when the
// directory learns the device and asks for the ownerless pass; one owned
// already keeps its owner.
func TestOwnerlessNoCDRTakesTheDevicesUser(t *testing.T) {
	ctx := context.Background()
	devs := &lockedDevices{m: map[string]string{"alice-phone": "alice"}}
	e := newEnv(t, func(c *recordings.Config) {
		c.Resolver = &resolver{}
		c.Devices = devs
	})
	carols := e.ingest(t, callName(1, "carol-phone"), pcap(t, 10))
	alices := e.ingest(t, callName(2, "alice-phone"), pcap(t, 10))
	e.clock.Advance(recordings.DefaultCDRWait + time.Second)
	_, err := e.svc.SweepCallInfo(ctx)
	require.NoError(t, err)
	r, err := e.svc.Get(ctx, admin, carols.ID)
	require.NoError(t, err)
	require.True(t, r.NoCDR())
	require.Empty(t, r.Owner, "nobody's device yet")

	devs.set("carol-phone", "carol")
	devs.set("alice-phone", "bob")
	e.ownerlessPass(t, []ownerCase{
		{"NowTheDevicesUsers", carols.ID, "carol", recordings.CallNoCDR},
		{"OwnedKeepsItsOwner", alices.ID, "alice", recordings.CallNoCDR},
	})
}
