package recordings_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/recordings"
)

// countingResolver is a resolver that counts its calls per conference.
type countingResolver struct {
	resolver
	mu    sync.Mutex
	count map[string]int
}

func (c *countingResolver) Resolve(ctx context.Context, f recordings.RecordingFacts) (recordings.CallInfo, bool, error) {
	c.mu.Lock()
	c.count[f.Name.GUID]++
	c.mu.Unlock()
	return c.resolver.Resolve(ctx, f)
}

func (c *countingResolver) calls(guid string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count[guid]
}

// CDRsStored never blocks nor drops: what is queued before Start waits for
// it, a conference queued many times while it waits is correlated once,
// and Close correlates what is queued before it returns.
func TestCDRsStoredQueues(t *testing.T) {
	ctx := context.Background()
	res := &countingResolver{count: map[string]int{}}
	e := newEnv(t, func(c *recordings.Config) { c.Resolver = res })
	guid := func(i int) string { return recordings.ParseFileName(callName(i, "x")).GUID }
	var recs []*recordings.Recording
	for i := 1; i <= 2; i++ {
		res.set(guid(i), recordings.CallInfo{Owner: "alice", Direction: recordings.DirectionIn, CDRRef: "a"})
		recs = append(recs, e.ingest(t, callName(i, "alice-phone"), pcap(t, 10)))
	}
	require.NoError(t, e.svc.Close())

	// More CDRs of both calls arrive: bob's, while no service runs.
	svc, err := recordings.New(e.cfg)
	require.NoError(t, err)
	for i := 1; i <= 2; i++ {
		res.set(guid(i), recordings.CallInfo{Owner: "bob", Direction: recordings.DirectionIn, CDRRef: "a,b"})
	}
	before := []int{res.calls(guid(1)), res.calls(guid(2))}
	for i := range 300 {
		svc.CDRsStored(ctx, []string{guid(1), fmt.Sprintf("%032x", i), guid(2)})
	}
	require.NoError(t, svc.Start(ctx))
	require.NoError(t, svc.Close())

	for i, r := range recs {
		t.Run(fmt.Sprintf("call%d", i+1), func(t *testing.T) {
			got, err := svc.Get(ctx, admin, r.ID)
			require.NoError(t, err)
			assert.Equal(t, "bob", got.Owner, "correlated before Close returned")
			assert.Equal(t, before[i]+1, res.calls(r.Name.GUID), "queued once while it waited")
		})
	}
}
