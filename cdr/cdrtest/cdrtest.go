// Package cdrtest is the conformance suite of cdr.Store: every Store adapter
// runs TestStore from its own tests, like testing/fstest.TestFS for file
// systems.
package cdrtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/cdr"
)

// TestStore checks that stores made by newStore behave as cdr.Store
// documents. newStore must return a new, empty store each time it is called
// and arrange its cleanup with t.Cleanup.
func TestStore(t *testing.T, newStore func(t *testing.T) cdr.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s cdr.Store)
	}{
		{"PutIfAbsent adds and reports duplicates", testPutIfAbsent},
		{"entries round-trip exactly", testRoundTrip},
		{"a duplicate never replaces the original", testDuplicateKeepsOriginal},
		{"ByConf finds every conference of a CDR", testByConf},
		{"List pages newest first", testList},
		{"concurrent puts add each key once", testConcurrent},
		{"a cancelled context fails", testCancelled},
		{"a large batch", testLargeBatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

// Entries returns n distinct entries without ids (keys by canonical form),
// conference i%3 of three, received at base plus i milliseconds.
func Entries(t *testing.T, n int, base time.Time) []cdr.Entry {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `<cdr guid="%032x" sys="example.com" pbx="pbx1" node="root" device="dev-%d" cn="User &lt;%d&gt;" e164="%d" h323="user%d" dir="from" utc="%d" local="%d">`+
			`<user><grp name="g"/></user><event msg="setup-from" time="0" conf="%032x"/><event msg="conn-to" time="2" e164="9%d" h323="peer"/>`+
			`<event msg="rel-from" time="9" cause="16"/></cdr>`+"\n", i, i, i, 100+i, i, 1736935200+i, 1736938800+i, 0xc0+i%3, i)
	}
	cdrs, err := cdr.DecodeAll(strings.NewReader(b.String()), cdr.Limits{MaxBytes: 1 << 30})
	require.NoError(t, err)
	out := make([]cdr.Entry, n)
	for i := range cdrs {
		out[i] = cdr.Entry{CDR: cdrs[i], Received: base.Add(time.Duration(i) * time.Millisecond)}
	}
	return out
}

// conf returns the conference of entry i of Entries.
func conf(i int) string { return fmt.Sprintf("%032x", 0xc0+i%3) }

var base = time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)

func put(t *testing.T, s cdr.Store, entries ...cdr.Entry) []bool {
	t.Helper()
	added, err := s.PutIfAbsent(context.Background(), entries)
	require.NoError(t, err)
	require.Len(t, added, len(entries))
	return added
}

func byConf(t *testing.T, s cdr.Store, conf string) []cdr.Entry {
	t.Helper()
	got, err := s.ByConf(context.Background(), conf)
	require.NoError(t, err)
	return got
}

// requireSame checks that got are the entries want, in order, exactly.
func requireSame(t *testing.T, want, got []cdr.Entry) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i].CDR, got[i].CDR, "entry %d: CDR", i)
		assert.True(t, want[i].Received.Equal(got[i].Received), "entry %d: received %v, want %v", i, got[i].Received, want[i].Received)
	}
}

func testPutIfAbsent(t *testing.T, s cdr.Store) {
	e := Entries(t, 3, base)
	assert.Equal(t, []bool{true, true}, put(t, s, e[0], e[1]))
	assert.Equal(t, []bool{false, true, false}, put(t, s, e[1], e[2], e[0]))
	assert.Equal(t, []bool{false, false}, put(t, s, e[2], e[2]))

	f := Entries(t, 5, base)[3:]
	assert.Equal(t, []bool{true, false, true}, put(t, s, f[0], f[0], f[1]), "a key repeated within one call is added once")

	added, err := s.PutIfAbsent(context.Background(), nil)
	require.NoError(t, err, "an empty batch is fine")
	assert.Empty(t, added)
}

func testRoundTrip(t *testing.T, s cdr.Store) {
	// A CDR with everything the model holds, an id, and hostile text.
	const xml = `<cdr guid="g" sys="s" pbx="p" node="n" device="d" cn="&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;'" e164="1" h323="h" dir="ct" utc="10" local="20" id="id-1" seq="0" future="x">
<user pseudo="waiting"><grp name="g1" mode="active" dyn="in"/></user>
<event msg="transfer-from" time="7" type="ext" e164="2" root="02" h323="x" cn="Ünïcödé ☎" dn="Xd" cause="16" conf="AbC">
<to e164="3"/><ep e164="4" type="ext"/><cf e164="5"/><ct h323="7"/><makecall appl="soap"/><unknown/></event></cdr>`
	cdrs, err := cdr.DecodeAll(strings.NewReader(xml), cdr.Limits{})
	require.NoError(t, err)
	want := []cdr.Entry{{CDR: cdrs[0], Received: time.Date(2025, 2, 3, 4, 5, 6, 7_000_000, time.UTC)}}
	put(t, s, want...)
	requireSame(t, want, byConf(t, s, "abc"))
	page, err := s.List(context.Background(), cdr.ListQuery{})
	require.NoError(t, err)
	requireSame(t, want, page.Entries)
	assert.Empty(t, page.Next)
}

func testDuplicateKeepsOriginal(t *testing.T, s cdr.Store) {
	e := Entries(t, 1, base)
	put(t, s, e[0])
	later := e[0]
	later.Received = base.Add(time.Hour)
	assert.Equal(t, []bool{false}, put(t, s, later))
	requireSame(t, e, byConf(t, s, conf(0)))
}

func testByConf(t *testing.T, s cdr.Store) {
	e := Entries(t, 6, base)
	put(t, s, e[3], e[0], e[4], e[1], e[5], e[2])
	requireSame(t, []cdr.Entry{e[3], e[0]}, byConf(t, s, conf(0)))
	requireSame(t, []cdr.Entry{e[4], e[1]}, byConf(t, s, strings.ToUpper(conf(1))))
	assert.Empty(t, byConf(t, s, "00000000000000000000000000000000"))
	assert.Empty(t, byConf(t, s, ""))

	// A transfer adds a second conference: both find the CDR.
	const xml = `<cdr guid="b" dir="from" utc="1736953221"><user/>
<event msg="setup-from" time="0" conf="F2031425E909D311B722009033102603"/>
<event msg="transfer-from" time="20" e164="203" conf="e1f20314e909d31192e80090331032ee"><to e164="201"/></event>
<event msg="rel-from" time="20" cause="0"/></cdr>`
	cdrs, err := cdr.DecodeAll(strings.NewReader(xml), cdr.Limits{})
	require.NoError(t, err)
	tr := []cdr.Entry{{CDR: cdrs[0], Received: base}}
	put(t, s, tr...)
	requireSame(t, tr, byConf(t, s, "f2031425e909d311b722009033102603"))
	requireSame(t, tr, byConf(t, s, "E1F20314E909D31192E80090331032EE"))
}

func testList(t *testing.T, s cdr.Store) {
	ctx := context.Background()
	page, err := s.List(ctx, cdr.ListQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Entries)
	assert.Empty(t, page.Next)

	e := Entries(t, 7, base)
	for i := range e {
		put(t, s, e[i]) // one at a time: the insertion order is the list order
	}
	var got []cdr.Entry
	q := cdr.ListQuery{Limit: 3}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 4, "paging must end")
		page, err := s.List(ctx, q)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Entries), 3)
		got = append(got, page.Entries...)
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	want := make([]cdr.Entry, len(e))
	for i := range e {
		want[i] = e[len(e)-1-i]
	}
	requireSame(t, want, got)

	page, err = s.List(ctx, cdr.ListQuery{Limit: 0})
	require.NoError(t, err)
	assert.Len(t, page.Entries, 7, "limit 0 means the default")

	_, err = s.List(ctx, cdr.ListQuery{Cursor: "not a cursor \x00"})
	assert.Error(t, err, "a cursor the store did not make is refused")
}

func testConcurrent(t *testing.T, s cdr.Store) {
	e := Entries(t, 20, base)
	const workers = 8
	added := make([][]bool, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			// Every worker puts all entries, in a different rotation.
			batch := append(append([]cdr.Entry(nil), e[w:]...), e[:w]...)
			added[w], errs[w] = s.PutIfAbsent(context.Background(), batch)
		})
	}
	wg.Wait()
	count := 0
	for w := range workers {
		require.NoError(t, errs[w])
		for _, ok := range added[w] {
			if ok {
				count++
			}
		}
	}
	assert.Equal(t, len(e), count, "each key added exactly once")
	total := 0
	for c := range 3 {
		total += len(byConf(t, s, conf(c)))
	}
	assert.Equal(t, len(e), total)
}

func testCancelled(t *testing.T, s cdr.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.PutIfAbsent(ctx, Entries(t, 1, base))
	assert.Error(t, err)
	_, err = s.ByConf(ctx, conf(0))
	assert.Error(t, err)
	assert.Empty(t, byConf(t, s, conf(0)), "a failed put stores nothing")
}

func testLargeBatch(t *testing.T, s cdr.Store) {
	e := Entries(t, 600, base)
	added := put(t, s, e...)
	for i, ok := range added {
		require.True(t, ok, "entry %d", i)
	}
	got := byConf(t, s, conf(1))
	assert.Len(t, got, 200)
	assert.Equal(t, e[1].CDR, got[0].CDR)
	assert.Equal(t, e[598].CDR, got[199].CDR)
}
