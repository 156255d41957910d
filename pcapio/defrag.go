package pcapio

import (
	"net/netip"
	"time"
)

// Bounds of IP reassembly, so that a hostile capture cannot grow memory: at
// most MaxPendingDatagrams datagrams of at most 64 KiB are held at once
// (about 4 MiB). Captures of SIP hold a handful (a fragmented INVITE, its
// 200 OK).
const (
	// MaxPendingDatagrams is how many fragmented datagrams are held at once;
	// when another starts, the one started first is given up.
	MaxPendingDatagrams = 64
	// FragmentTimeout is how long, in capture time, a datagram waits for its
	// missing fragments (Linux's default ipfrag_time).
	FragmentTimeout = 30 * time.Second
)

// maxDatagram is the largest reassembled datagram: the 16-bit IP length.
const maxDatagram = 65535

// fragKey identifies the fragments of one datagram (RFC 791, RFC 8200).
type fragKey struct {
	src, dst netip.Addr
	id       uint32
	proto    uint8
}

// pending is one datagram being reassembled. have marks the 8-byte units
// received (fragment offsets count in 8-byte units), so completion is a
// count, whatever the order and overlap of the fragments.
type pending struct {
	key     fragKey
	started time.Time // capture time of its first fragment
	buf     []byte    // maxDatagram bytes, allocated once per slot
	have    [(maxDatagram+7)/8/64 + 1]uint64
	covered int // units marked in have
	total   int // datagram length, -1 until the last fragment came
	maxEnd  int // end of the furthest fragment seen
	used    bool
}

// reassembler rebuilds fragmented IPv4 and IPv6 datagrams in a bounded set
// of reusable slots.
type reassembler struct {
	slots []*pending
	held  *pending // the slot whose datagram Next returned last; freed on the next call
	stats *Stats
}

// release frees the slot of the datagram returned by the previous Next,
// whose payload was valid until now.
func (r *reassembler) release() {
	if r.held != nil {
		r.held.used = false
		r.held = nil
	}
}

// flush gives up every pending datagram (at the end of the input).
func (r *reassembler) flush() {
	for _, s := range r.slots {
		if s.used {
			s.used = false
			r.stats.Incomplete++
		}
	}
}

// add takes one fragment: data at byte offset off of the datagram, more
// when further fragments follow. It returns the whole datagram once every
// byte has arrived (valid until release), else nil.
func (r *reassembler) add(key fragKey, ts time.Time, off int, more bool, data []byte) []byte {
	r.stats.Fragments++
	end := off + len(data)
	if end > maxDatagram || (more && len(data)%8 != 0) || (more && len(data) == 0) {
		// Only the last fragment may end off an 8-byte boundary (RFC 791).
		r.stats.Skipped.Malformed++
		return nil
	}
	r.expire(ts)
	s := r.find(key)
	if s == nil {
		s = r.start(key, ts)
	}
	if !more {
		if s.total >= 0 && s.total != end || s.maxEnd > end {
			r.giveUp(s) // two different ends: the datagram cannot be rebuilt
			r.stats.Skipped.Malformed++
			return nil
		}
		s.total = end
	} else if s.total >= 0 && end > s.total {
		r.giveUp(s)
		r.stats.Skipped.Malformed++
		return nil
	}
	s.maxEnd = max(s.maxEnd, end)
	copy(s.buf[off:end], data) // a retransmitted or duplicated fragment overwrites itself
	for u := off / 8; u < (end+7)/8; u++ {
		if s.have[u/64]&(1<<(u%64)) == 0 {
			s.have[u/64] |= 1 << (u % 64)
			s.covered++
		}
	}
	if s.total < 0 || s.covered != (s.total+7)/8 {
		return nil
	}
	r.stats.Reassembled++
	r.held = s
	return s.buf[:s.total]
}

func (r *reassembler) find(key fragKey) *pending {
	for _, s := range r.slots {
		if s.used && s.key == key {
			return s
		}
	}
	return nil
}

// start takes a free slot for a new datagram, allocating one while fewer
// than MaxPendingDatagrams exist, else evicting the oldest datagram.
func (r *reassembler) start(key fragKey, ts time.Time) *pending {
	var s *pending
	for _, c := range r.slots {
		if !c.used {
			s = c
			break
		}
	}
	if s == nil && len(r.slots) < MaxPendingDatagrams {
		s = &pending{buf: make([]byte, maxDatagram)}
		r.slots = append(r.slots, s)
	}
	if s == nil {
		s = r.slots[0]
		for _, c := range r.slots[1:] {
			if c.started.Before(s.started) {
				s = c
			}
		}
		r.giveUp(s)
	}
	*s = pending{key: key, started: ts, buf: s.buf, total: -1, used: true}
	return s
}

// expire gives up datagrams that have waited longer than FragmentTimeout.
func (r *reassembler) expire(now time.Time) {
	for _, s := range r.slots {
		if s.used && now.Sub(s.started) > FragmentTimeout {
			r.giveUp(s)
		}
	}
}

func (r *reassembler) giveUp(s *pending) {
	s.used = false
	r.stats.Incomplete++
}
