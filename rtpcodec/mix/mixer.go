package mix

import "math"

// Channels of the stereo timeline.
const (
	Local  = 0
	Remote = 1
)

// DefaultCapacity is the ring size used for capacity 0: 2^19 frames, 32 s at
// 16 kHz (4 MiB).
const DefaultCapacity = 1 << 19

// Sink receives the mixed samples, interleaved when stereo. The mixer
// reuses the slice after WriteSamples returns.
type Sink interface {
	WriteSamples(s []int16) error
}

// Mixer sums streams onto a timeline and writes it to a Sink in order.
type Mixer struct {
	sink Sink
	mono bool
	ring []int32 // [frame&mask*2 + channel]
	mask int64
	base int64 // first frame not yet written out
	end  int64 // one past the last frame any stream touched
	out  []int16

	dropped int64
	forced  int64
}

// New returns a mixer writing to sink, stereo or mono, holding capacity
// frames (rounded up to a power of two; 0 means DefaultCapacity).
func New(sink Sink, mono bool, capacity int) *Mixer {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	n := 1
	for n < capacity {
		n <<= 1
	}
	return &Mixer{sink: sink, mono: mono, ring: make([]int32, 2*n), mask: int64(n - 1), out: make([]int16, 0, 8192)}
}

// Add sums s into channel ch (Local or Remote) from frame pos on. Samples
// before the first frame not yet written out are dropped and counted (see
// Dropped). When s reaches past the ring's capacity, the oldest frames are
// written out first to make room (see Forced).
func (m *Mixer) Add(ch int, pos int64, s []int16) error {
	if skip := m.base - pos; skip > 0 {
		if skip >= int64(len(s)) {
			m.dropped += int64(len(s))
			return nil
		}
		m.dropped += skip
		s = s[skip:]
		pos = m.base
	}
	size := m.mask + 1
	for len(s) > 0 {
		if over := pos + 1 - (m.base + size); over > 0 {
			m.forced += over
			if err := m.Flush(m.base + over); err != nil {
				return err
			}
		}
		// Add up to the end of the ring's storage and of the free window.
		i := pos & m.mask
		n := min(int64(len(s)), size-i, m.base+size-pos)
		r := m.ring[2*i+int64(ch) : 2*(i+n)]
		if n > 0 {
			_ = r[2*(n-1)]
		}
		for j, v := range s[:n] {
			r[2*j] += int32(v)
		}
		s = s[n:]
		pos += n
	}
	m.end = max(m.end, pos)
	return nil
}

// Flush writes out every frame before upTo (silence where no stream wrote)
// and frees its place in the ring. Streams must not add before upTo
// afterwards: such samples are dropped.
func (m *Mixer) Flush(upTo int64) error {
	size := m.mask + 1
	for m.base < upTo {
		i := m.base & m.mask
		n := min(upTo-m.base, size-i, int64(cap(m.out)/2))
		r := m.ring[2*i : 2*(i+n)]
		var out []int16
		if m.mono {
			out = m.out[:n]
			for j := range out {
				out[j] = sat(r[2*j] + r[2*j+1])
			}
		} else {
			out = m.out[:len(r)]
			for j, v := range r {
				out[j] = sat(v)
			}
		}
		clear(r)
		m.base += n
		if err := m.sink.WriteSamples(out); err != nil {
			return err
		}
	}
	m.end = max(m.end, m.base)
	return nil
}

// Close writes out everything up to the last frame any stream touched.
func (m *Mixer) Close() error { return m.Flush(m.end) }

// Written returns the number of frames written out so far.
func (m *Mixer) Written() int64 { return m.base }

// End returns one past the last frame any stream touched.
func (m *Mixer) End() int64 { return m.end }

// Dropped returns how many samples were added behind the written frames and
// dropped.
func (m *Mixer) Dropped() int64 { return m.dropped }

// Forced returns how many frames were written out early to make room.
func (m *Mixer) Forced() int64 { return m.forced }

func sat(v int32) int16 {
	return int16(min(max(v, math.MinInt16), math.MaxInt16))
}
