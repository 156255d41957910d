package jitter_test

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/jitter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type arrival struct {
	seq uint16
	at  int64
}

// outcome is the sequence of Pop results rendered compactly: a packet as its
// 16-bit sequence number, a loss as -n.
func run(t *testing.T, b *jitter.Buffer, in []arrival, window int64) (out []int, statuses []jitter.Status) {
	t.Helper()
	for _, a := range in {
		p := jitter.Packet{Timestamp: uint32(a.seq) * 160, Arrival: a.at, Payload: []byte{byte(a.seq)}}
		st := b.Push(&p, a.seq)
		for st == jitter.TooFar {
			it, ok := b.Drain()
			require.True(t, ok)
			out = append(out, render(it))
			st = b.Push(&p, a.seq)
		}
		statuses = append(statuses, st)
		for {
			it, ok := b.Pop(a.at - window)
			if !ok {
				break
			}
			out = append(out, render(it))
		}
	}
	for {
		it, ok := b.Drain()
		if !ok {
			break
		}
		out = append(out, render(it))
	}
	return out, statuses
}

func render(it jitter.Item) int {
	if it.Lost > 0 {
		return -it.Lost
	}
	if int(it.Payload[0]) != int(uint8(it.Seq)) {
		panic("payload does not match its sequence number")
	}
	return int(uint16(it.Seq))
}

func seqs(start uint16, n int, step int64) []arrival {
	a := make([]arrival, n)
	for i := range a {
		a[i] = arrival{start + uint16(i), int64(i) * step}
	}
	return a
}

func TestBuffer(t *testing.T) {
	const ms = int64(1e6)
	tests := []struct {
		name     string
		in       []arrival
		window   int64
		want     []int
		statuses map[int]jitter.Status // index in input → status, others Accepted
		stats    jitter.Stats          // Received, Duplicates, Late, Lost compared
	}{
		{
			name: "in order", in: seqs(10, 4, 20*ms), window: 200 * ms,
			want: []int{10, 11, 12, 13}, stats: jitter.Stats{Received: 4},
		},
		{
			name: "swap put back", window: 200 * ms,
			in:    []arrival{{1, 0}, {3, 20 * ms}, {2, 21 * ms}, {4, 40 * ms}},
			want:  []int{1, 2, 3, 4},
			stats: jitter.Stats{Received: 4},
		},
		{
			name: "earlier than the first packet", window: 200 * ms,
			in:    []arrival{{5, 0}, {4, 1 * ms}, {3, 2 * ms}, {6, 20 * ms}},
			want:  []int{3, 4, 5, 6},
			stats: jitter.Stats{Received: 4},
		},
		{
			name: "loss reported as a run", window: 200 * ms,
			in:    []arrival{{1, 0}, {2, 20 * ms}, {6, 100 * ms}, {7, 120 * ms}},
			want:  []int{1, 2, -3, 6, 7},
			stats: jitter.Stats{Received: 4, Lost: 3},
		},
		{
			name: "duplicate dropped", window: 200 * ms,
			in:       []arrival{{1, 0}, {2, 20 * ms}, {2, 21 * ms}, {3, 40 * ms}, {1, 500 * ms}},
			want:     []int{1, 2, 3},
			statuses: map[int]jitter.Status{2: jitter.Duplicate, 4: jitter.Duplicate},
			stats:    jitter.Stats{Received: 3, Duplicates: 2},
		},
		{
			name: "late after its hole was given out", window: 100 * ms,
			in:       []arrival{{1, 0}, {3, 20 * ms}, {4, 140 * ms}, {5, 160 * ms}, {2, 170 * ms}},
			want:     []int{1, -1, 3, 4, 5},
			statuses: map[int]jitter.Status{4: jitter.Late},
			stats:    jitter.Stats{Received: 5, Late: 1, Lost: 0},
		},
		{
			name: "sequence wrap", window: 200 * ms,
			in:    []arrival{{65534, 0}, {0, 20 * ms}, {65535, 21 * ms}, {1, 40 * ms}},
			want:  []int{65534, 65535, 0, 1},
			stats: jitter.Stats{Received: 4},
		},
		{
			name: "too far forces a drain", window: 10_000 * ms,
			in:    []arrival{{1, 0}, {2, 1}, {1000, 2}},
			want:  []int{1, 2, -997, 1000},
			stats: jitter.Stats{Received: 3, Lost: 997},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := jitter.New(64)
			out, statuses := run(t, b, tc.in, tc.window)
			assert.Equal(t, tc.want, out)
			for i, st := range statuses {
				want, ok := tc.statuses[i]
				if !ok {
					want = jitter.Accepted
				}
				assert.Equal(t, want, st, "push %d", i)
			}
			st := b.Stats()
			assert.Equal(t, tc.stats.Received, st.Received, "received")
			assert.Equal(t, tc.stats.Duplicates, st.Duplicates, "duplicates")
			assert.Equal(t, tc.stats.Late, st.Late, "late")
			assert.Equal(t, tc.stats.Lost, st.Lost, "lost")
		})
	}
}

func TestHoldsUntilWindow(t *testing.T) {
	b := jitter.New(0)
	assert.Equal(t, jitter.DefaultCapacity, b.Capacity())
	p := jitter.Packet{Arrival: 100, Payload: []byte{1}}
	require.Equal(t, jitter.Accepted, b.Push(&p, 1))
	_, ok := b.Pop(99)
	assert.False(t, ok, "not due before its arrival + window")
	it, ok := b.Pop(100)
	require.True(t, ok)
	assert.Equal(t, int64(1+1<<16), it.Seq)
	assert.Zero(t, b.Len())
}

func TestPushPopZeroAllocs(t *testing.T) {
	b := jitter.New(64)
	payload := make([]byte, 160)
	seq := uint16(0)
	p := jitter.Packet{Payload: payload}
	for range 200 { // warm every slot's payload buffer
		p.Arrival++
		b.Push(&p, seq)
		seq++
		b.Pop(p.Arrival - 5)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		p.Arrival++
		b.Push(&p, seq)
		seq++
		b.Pop(p.Arrival - 5)
	})
	assert.Zero(t, allocs)
}

// FuzzBuffer feeds random arrivals (sequence number deltas, times, forced
// drains) and checks the invariants: no panic, sequence numbers given out in
// strictly increasing order without overlap, payloads matching their slots,
// and the stats adding up.
func FuzzBuffer(f *testing.F) {
	f.Add([]byte{1, 0, 1, 0, 1, 0, 255, 255, 3, 0})
	f.Add([]byte{0, 1, 2, 0, 0, 0, 1, 0, 0xF0, 0})
	f.Add([]byte{0xE8, 0x03, 0x01, 0x00, 0x18, 0xFC})
	f.Fuzz(func(t *testing.T, data []byte) {
		b := jitter.New(32)
		seq := uint16(0)
		var now int64
		next := int64(math.MinInt64)
		popped := 0
		check := func(it jitter.Item) {
			if it.Seq < next {
				t.Fatalf("item %d given out after %d", it.Seq, next)
			}
			if it.Lost > 0 {
				next = it.Seq + int64(it.Lost)
				return
			}
			if it.Payload[0] != byte(it.Seq) || it.Timestamp != uint32(it.Seq) {
				t.Fatalf("slot mixed up: seq %d payload %d ts %d", it.Seq, it.Payload[0], it.Timestamp)
			}
			next = it.Seq + 1
			popped++
		}
		for len(data) >= 2 {
			d := int16(binary.LittleEndian.Uint16(data))
			data = data[2:]
			seq += uint16(d)
			now += int64(d&7) * 10
			ext := b.Extend(seq)
			p := jitter.Packet{Timestamp: uint32(ext), Arrival: now, Payload: []byte{byte(ext)}}
			st := b.Push(&p, seq)
			for st == jitter.TooFar {
				it, ok := b.Drain()
				if !ok {
					t.Fatal("TooFar with nothing to drain")
				}
				check(it)
				st = b.Push(&p, seq)
			}
			for {
				it, ok := b.Pop(now - 30)
				if !ok {
					break
				}
				check(it)
			}
		}
		for {
			it, ok := b.Drain()
			if !ok {
				break
			}
			check(it)
		}
		st := b.Stats()
		if st.Lost < 0 || st.Received < popped || st.Received-popped > st.Late {
			t.Fatalf("stats do not add up: %+v, %d given out", st, popped)
		}
	})
}

func BenchmarkPushPop(b *testing.B) {
	buf := jitter.New(0)
	p := jitter.Packet{Payload: make([]byte, 160)}
	seq := uint16(0)
	b.ReportAllocs()
	for b.Loop() {
		p.Arrival++
		buf.Push(&p, seq)
		seq++
		buf.Pop(p.Arrival - 10)
	}
}
