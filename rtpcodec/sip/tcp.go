package sip

import (
	"bytes"
	"net/netip"
	"strconv"
)

// Default limits of a Reassembler (see its doc).
const (
	// DefaultMaxTCPFlows is how many TCP flow directions a Reassembler
	// follows at once.
	DefaultMaxTCPFlows = 256
	// DefaultMaxTCPMessage is the largest SIP message, headers and body, a
	// Reassembler buffers. A SIP message over UDP cannot exceed 65,535
	// bytes; over TCP nothing is larger in practice.
	DefaultMaxTCPMessage = 64 << 10
)

// Reassembler frames the SIP messages of TCP streams (RFC 3261 section
// 18.3): it follows each direction of each TCP flow by sequence number and
// hands out whole messages, delimited by their Content-Length, whatever the
// segments they were cut into.
//
//   - Segments in order are appended; retransmitted and overlapping bytes are
//     recognised by sequence number (modulo 2^32) and skipped.
//   - A gap (a lost segment, or one that arrives after its successor) drops
//     the partial message: the direction resynchronises at the next segment
//     that starts like a SIP message. A segment that arrives after the gap was
//     skipped is taken for a retransmission and ignored.
//   - A message without Content-Length has no body (the header is mandatory
//     over TCP); one with a malformed start line, or larger than MaxMessage,
//     drops the buffer and resynchronises as after a gap.
//   - A segment starting more than 1 MiB behind the next expected byte is
//     taken for a new connection on the same ports (as a gap), not for a
//     retransmission.
//   - CR LF keep-alives between messages (RFC 5626) are skipped.
//
// Memory is bounded: at most MaxFlows directions are followed (a new one
// evicts the least recently used), each buffering at most MaxMessage bytes
// (a large segment is taken in pieces of that size), so a hostile capture
// costs at most MaxFlows × MaxMessage bytes (16 MiB with the defaults). Only segments that start like SIP open a direction, so
// other TCP traffic costs nothing. Buffers are reused: once its directions
// are open, Segment does not allocate.
//
// The zero value is ready to use with the default limits. A Reassembler is
// not safe for concurrent use.
type Reassembler struct {
	// MaxFlows and MaxMessage are the limits; 0 means DefaultMaxTCPFlows
	// and DefaultMaxTCPMessage. Set them before the first Segment.
	MaxFlows, MaxMessage int

	flows map[tcpKey]*tcpFlow
	clock uint64 // counts segments, for least recently used eviction
	stats ReassemblyStats
}

// ReassemblyStats counts what a Reassembler dropped.
type ReassemblyStats struct {
	// Gaps counts partial messages dropped because a segment was missing.
	Gaps int
	// Oversized counts messages dropped for exceeding MaxMessage.
	Oversized int
	// Malformed counts buffers dropped because they did not continue with
	// a SIP message.
	Malformed int
	// Evicted counts directions dropped to make room for a new one.
	Evicted int
}

// maxRetransmitDistance is how far behind the next expected byte a segment
// may start and still be taken for a retransmission: farther, it is taken
// for a new connection reusing the ports, which may start anywhere.
const maxRetransmitDistance = 1 << 20

type tcpKey struct{ src, dst netip.AddrPort }

// tcpFlow is one direction of a TCP connection.
type tcpFlow struct {
	next    uint32 // sequence number of the byte after buf
	synced  bool   // buf starts at a message start and next is known
	buf     []byte // bytes of the unfinished message(s)
	lastUse uint64
}

// Flows returns the number of TCP flow directions followed.
func (r *Reassembler) Flows() int { return len(r.flows) }

// Stats returns the counts of what was dropped so far.
func (r *Reassembler) Stats() ReassemblyStats { return r.stats }

// Segment adds the payload of a TCP segment sent from src to dst with
// sequence number seq, and calls deliver with each SIP message it
// completes, in order. The message passed to deliver aliases the
// Reassembler's buffer: it is valid only during the call. Segment does not
// retain payload.
func (r *Reassembler) Segment(src, dst netip.AddrPort, seq uint32, payload []byte, deliver func(msg []byte)) {
	if len(payload) == 0 {
		return
	}
	r.clock++
	key := tcpKey{src, dst}
	f := r.flows[key]
	if f != nil && f.synced {
		d := int32(seq - f.next) // serial number arithmetic: wrap-around
		switch {
		case d > 0 || d < -maxRetransmitDistance:
			// Bytes missing, or a new connection on the same ports whose
			// initial sequence number happens to lie behind.
			r.stats.Gaps++
			f.reset()
		case d < 0:
			skip := -int64(d)
			if skip >= int64(len(payload)) {
				f.lastUse = r.clock
				return // a retransmission of bytes already taken
			}
			payload = payload[skip:]
			seq = f.next
		}
	}
	if f == nil || !f.synced {
		if !startsMessage(skipCRLF(payload)) {
			return // mid-message after a gap, or not SIP at all
		}
		if f == nil {
			f = r.open(key)
		}
		f.synced = true
		f.buf = f.buf[:0]
	}
	f.lastUse = r.clock
	f.next = seq + uint32(len(payload))
	maxMessage := r.maxMessage()
	// Take the payload in pieces that fit the buffer's limit, framing after
	// each, so that a large segment holding many messages is taken whole
	// while the buffer never exceeds MaxMessage.
	for len(payload) > 0 && f.synced {
		room := maxMessage - len(f.buf)
		if room <= 0 {
			r.stats.Oversized++ // a message start without its end in MaxMessage bytes
			f.reset()
			return
		}
		n := min(room, len(payload))
		f.grow(n, maxMessage)
		f.buf = append(f.buf, payload[:n]...)
		payload = payload[n:]
		r.frame(f, maxMessage, deliver)
	}
}

func (r *Reassembler) maxMessage() int {
	if r.MaxMessage <= 0 {
		return DefaultMaxTCPMessage
	}
	return r.MaxMessage
}

// grow makes room for n more bytes in f.buf without its capacity exceeding
// limit (append's own growth could double it).
func (f *tcpFlow) grow(n, limit int) {
	need := len(f.buf) + n
	if need <= cap(f.buf) {
		return
	}
	c := min(max(2*cap(f.buf), need, 2048), limit)
	b := make([]byte, len(f.buf), c)
	copy(b, f.buf)
	f.buf = b
}

// open makes room for and returns a new direction, reusing the buffer of
// the evicted one.
func (r *Reassembler) open(key tcpKey) *tcpFlow {
	if r.flows == nil {
		r.flows = map[tcpKey]*tcpFlow{}
	}
	maxFlows := r.MaxFlows
	if maxFlows <= 0 {
		maxFlows = DefaultMaxTCPFlows
	}
	if len(r.flows) < maxFlows {
		f := &tcpFlow{}
		r.flows[key] = f
		return f
	}
	var oldKey tcpKey
	var old *tcpFlow
	for k, f := range r.flows {
		if old == nil || f.lastUse < old.lastUse {
			oldKey, old = k, f
		}
	}
	delete(r.flows, oldKey)
	r.stats.Evicted++
	old.reset()
	r.flows[key] = old
	return old
}

func (f *tcpFlow) reset() {
	f.synced = false
	f.buf = f.buf[:0]
}

// frame delivers the whole messages at the start of f.buf and keeps the
// rest.
func (r *Reassembler) frame(f *tcpFlow, maxMessage int, deliver func([]byte)) {
	b := f.buf
	for {
		b = skipCRLF(b)
		n, st := messageLen(b, maxMessage)
		if st == frameIncomplete {
			break
		}
		if st != frameComplete {
			if st == frameTooLarge {
				r.stats.Oversized++
			} else {
				r.stats.Malformed++
			}
			f.reset()
			return
		}
		deliver(b[:n])
		b = b[n:]
	}
	// Keep the unfinished rest at the start of the buffer.
	f.buf = f.buf[:copy(f.buf, b)]
}

// startsMessage reports whether b starts with a complete SIP start line,
// more strictly than LooksLikeSIP because a segment after a gap may start
// anywhere in a message: a status line "SIP/2.0 NNN ...", or a request line
// of three fields whose method is upper-case letters and whose URI has a
// scheme ("INVITE sip:b@x SIP/2.0", not ":b@x SIP/2.0").
func startsMessage(b []byte) bool {
	line, _, ok := nextLine(b)
	if !ok {
		return false
	}
	line = bytes.TrimRight(line, "\r")
	if status, ok := bytes.CutPrefix(line, []byte("SIP/2.0 ")); ok {
		return len(status) >= 3 && isDigits(status[:3]) && (len(status) == 3 || status[3] == ' ')
	}
	method, rest, _ := bytes.Cut(line, []byte(" "))
	uri, version, _ := bytes.Cut(rest, []byte(" "))
	if len(method) == 0 || !bytes.Equal(version, []byte("SIP/2.0")) || bytes.IndexByte(uri, ':') <= 0 {
		return false
	}
	for _, c := range method {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// skipCRLF drops the CR and LF bytes that may precede a message.
func skipCRLF(b []byte) []byte {
	for len(b) > 0 && (b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

type frameState uint8

const (
	frameIncomplete frameState = iota
	frameComplete
	frameTooLarge
	frameMalformed
)

// messageLen returns the length of the SIP message at the start of b: its
// header section up to the empty line, plus its Content-Length (0 without
// one). It reads headers as Parse does, so that Parse of the framed message
// finds its body exactly: the last well-formed Content-Length (or l) wins.
func messageLen(b []byte, maxMessage int) (int, frameState) {
	_, rest, ok := nextLine(b)
	if !ok {
		return 0, frameIncomplete
	}
	if !startsMessage(b) {
		return 0, frameMalformed
	}
	contentLength := 0
	for {
		var line []byte
		line, rest, ok = nextLine(rest)
		if !ok {
			return 0, frameIncomplete
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break
		}
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found || !isContentLength(bytes.TrimSpace(name)) {
			continue
		}
		if n, err := strconv.Atoi(string(bytes.TrimSpace(value))); err == nil && n >= 0 {
			contentLength = n
		}
	}
	header := len(b) - len(rest)
	if contentLength > maxMessage-header {
		return 0, frameTooLarge
	}
	if n := header + contentLength; n <= len(b) {
		return n, frameComplete
	}
	return 0, frameIncomplete
}

// nextLine returns the line at the start of b without its LF (false when
// b has no complete line) and what follows it.
func nextLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return nil, b, false
	}
	return b[:i], b[i+1:], true
}

func isContentLength(name []byte) bool {
	return bytes.EqualFold(name, []byte("content-length")) || bytes.EqualFold(name, []byte("l"))
}
