package jitter

import "math"

// DefaultCapacity is the number of slots of a buffer built with capacity 0:
// room for 10 s of 20 ms packets, far more than any reorder window.
const DefaultCapacity = 512

// historyBits is how far behind the newest packet duplicates are still
// recognised (as duplicates rather than late packets).
const historyBits = 1024

// Packet is one RTP packet as the buffer keeps it.
type Packet struct {
	// Seq is the extended sequence number (the 16-bit RTP sequence number
	// plus 65536 per wrap), assigned by Push.
	Seq int64
	// Timestamp, PayloadType and Marker are the RTP header fields.
	Timestamp   uint32
	PayloadType uint8
	Marker      bool
	// Arrival is the capture time in nanoseconds (any epoch).
	Arrival int64
	// Payload is the RTP payload. Packets returned by Pop alias the
	// buffer's slot: the payload is valid until the next Push.
	Payload []byte
}

// Item is what Pop returns: either a packet, or Lost > 0 consecutive
// sequence numbers that never arrived (then Packet is zero but for Seq,
// the first missing one).
type Item struct {
	Packet
	Lost int
}

// Status is the outcome of Push.
type Status uint8

// Push outcomes.
const (
	Accepted  Status = iota // stored; Pop will return it
	Duplicate               // its sequence number was already received; dropped
	Late                    // its place was already given out by Pop; dropped
	TooFar                  // beyond the capacity of a non-empty buffer: Drain first, then Push again
)

func (s Status) String() string {
	switch s {
	case Accepted:
		return "accepted"
	case Duplicate:
		return "duplicate"
	case Late:
		return "late"
	case TooFar:
		return "too far"
	}
	return "unknown"
}

// Stats counts what a buffer has seen.
type Stats struct {
	Received   int   // distinct sequence numbers received, late ones included
	Duplicates int   // packets dropped as duplicates
	Late       int   // packets dropped because their place was given out
	Lost       int   // sequence numbers between the lowest and highest received that never arrived
	First      int64 // lowest extended sequence number received
	Highest    int64 // highest extended sequence number received
}

type slot struct {
	Packet
	full bool
}

// Buffer is a reorder buffer for one RTP stream. Build it with New.
type Buffer struct {
	slots []slot
	mask  int64

	started bool
	popped  bool  // whether Pop has given anything out yet
	head    int64 // next sequence number Pop gives out
	highest int64
	count   int // packets stored

	// A run of missing sequence numbers skipped when a packet came too far
	// ahead of an empty buffer; given out as a loss before that packet.
	gapFrom int64
	gapLen  int

	seen [historyBits / 64]uint64 // received bitmap for (highest-historyBits, highest]

	stats Stats
}

// New returns a buffer with the given number of slots (rounded up to a power
// of two; 0 means DefaultCapacity). The capacity bounds the sequence-number
// span held at once, and so the memory: one payload buffer per slot, grown
// to the largest payload stored there.
func New(capacity int) *Buffer {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	n := 1
	for n < capacity {
		n <<= 1
	}
	return &Buffer{slots: make([]slot, n), mask: int64(n - 1)}
}

// Capacity returns the number of slots.
func (b *Buffer) Capacity() int { return len(b.slots) }

// Len returns the number of packets stored.
func (b *Buffer) Len() int { return b.count }

// Extend returns the extended form of a 16-bit sequence number: the one
// nearest (RFC 1982) to the highest received so far. Before the first Push
// it returns seq itself plus one wrap, so that earlier packets stay positive.
func (b *Buffer) Extend(seq uint16) int64 {
	if !b.started {
		return int64(seq) + 1<<16
	}
	return b.highest + int64(int16(seq-uint16(b.highest)))
}

func (b *Buffer) seenBit(ext int64) (word *uint64, mask uint64) {
	i := ext & (historyBits - 1)
	return &b.seen[i>>6], 1 << (i & 63)
}

// Push stores a copy of p's payload (so p.Payload may be reused once Push
// returns) under the extended form of seq and reports what became of it. It
// sets p.Seq.
func (b *Buffer) Push(p *Packet, seq uint16) Status {
	ext := b.Extend(seq)
	p.Seq = ext
	if !b.started {
		b.started = true
		b.head, b.highest = ext, ext
		b.stats.First, b.stats.Highest = ext, ext
	}
	if ext > b.highest-historyBits {
		if w, m := b.seenBit(ext); *w&m != 0 && ext <= b.highest {
			b.stats.Duplicates++
			return Duplicate
		}
	}
	if ext < b.head && !b.popped && b.highest-ext < int64(len(b.slots)) {
		// Nothing given out yet: a packet older than the first one is
		// simply earlier in the stream.
		b.head = ext
	}
	if ext < b.head {
		if ext <= b.highest-historyBits {
			// Too old to tell a duplicate from a late packet: call it late.
			b.stats.Late++
			return Late
		}
		b.markSeen(ext)
		b.stats.Late++
		return Late
	}
	if ext-b.head >= int64(len(b.slots)) {
		if b.count > 0 {
			return TooFar
		}
		b.gapFrom, b.gapLen = b.head, int(ext-b.head)
		b.head = ext
		b.popped = true // the head may no longer move back over the gap
	}
	b.markSeen(ext)
	s := &b.slots[ext&b.mask]
	s.Seq, s.Timestamp, s.PayloadType, s.Marker, s.Arrival = ext, p.Timestamp, p.PayloadType, p.Marker, p.Arrival
	s.Payload = append(s.Payload[:0], p.Payload...)
	s.full = true
	b.count++
	return Accepted
}

// markSeen records ext as received, advancing the history window when ext is
// the new highest.
func (b *Buffer) markSeen(ext int64) {
	if ext > b.highest {
		if ext-b.highest >= historyBits {
			clear(b.seen[:])
		} else {
			for s := b.highest + 1; s <= ext; s++ {
				w, m := b.seenBit(s)
				*w &^= m
			}
		}
		b.highest = ext
		b.stats.Highest = ext
	}
	w, m := b.seenBit(ext)
	*w |= m
	b.stats.Received++
	if ext < b.stats.First {
		b.stats.First = ext
	}
}

// Pop gives out the next item in sequence order if it is due: a stored
// packet whose Arrival is at or before releaseBefore, or the run of missing
// sequence numbers before such a packet. It returns false when nothing is
// due. Pop(math.MaxInt64) drains the buffer regardless of time, as at the
// end of a stream or to make room after TooFar.
func (b *Buffer) Pop(releaseBefore int64) (Item, bool) {
	if b.count == 0 {
		return Item{}, false
	}
	s := &b.slots[b.head&b.mask]
	if s.full && s.Seq == b.head {
		if s.Arrival > releaseBefore {
			return Item{}, false
		}
		if b.gapLen > 0 {
			it := Item{Packet: Packet{Seq: b.gapFrom}, Lost: b.gapLen}
			b.gapLen = 0
			b.popped = true
			return it, true
		}
		s.full = false
		b.popped = true
		b.count--
		b.head++
		return Item{Packet: s.Packet}, true
	}
	// A hole: find the next stored packet; the hole is given out when that
	// packet is due (it waited the whole window for the missing ones).
	next := b.head + 1
	for ; ; next++ {
		if t := &b.slots[next&b.mask]; t.full && t.Seq == next {
			if t.Arrival > releaseBefore {
				return Item{}, false
			}
			break
		}
	}
	it := Item{Packet: Packet{Seq: b.head}, Lost: int(next - b.head)}
	b.head = next
	b.popped = true
	return it, true
}

// Drain is Pop(math.MaxInt64).
func (b *Buffer) Drain() (Item, bool) { return b.Pop(math.MaxInt64) }

// Stats returns the counts so far.
func (b *Buffer) Stats() Stats {
	st := b.stats
	if b.started {
		st.Lost = int(st.Highest-st.First+1) - st.Received
	}
	return st
}
