package callgen

import (
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"time"

	"github.com/f0fce437/callrec/pcapio"
)

// Signalling selects the capture's style.
type Signalling uint8

// Capture styles.
const (
	// Innovaphone: local RTP from UDP port 16386, remote from 16388, and a
	// dummy SIP INVITE / 200 OK whose SDP names the payload types.
	Innovaphone Signalling = iota
	// SIP: a caller (the local side) and a callee on other ports, with an
	// INVITE / 200 OK carrying their SDP.
	SIP
	// NoSIP: the same ports as SIP, and no signalling at all.
	NoSIP
)

// Addresses used by generated calls (documentation ranges).
var (
	LocalAddr  = netip.MustParseAddr("192.0.2.10")
	RemoteAddr = netip.MustParseAddr("198.51.100.20")
)

// Media ports.
const (
	InnovaphoneLocalPort  = 16386
	InnovaphoneRemotePort = 16388
	SIPLocalPort          = 40000
	SIPRemotePort         = 50000
	EventPayloadType      = 101
	CNPayloadType         = 13
)

// Epoch is the capture time of the start of every generated call.
var Epoch = time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)

// Call describes a call to generate.
type Call struct {
	Signalling Signalling
	Streams    []Stream
	// Seed drives the random parts (jitter); the same seed gives the same
	// packets.
	Seed uint64
}

// Digit is a DTMF key press sent as RFC 4733 events.
type Digit struct {
	Key           byte // '0'–'9', '*', '#', 'A'–'D'
	Start, Length time.Duration
}

// Stream describes one RTP stream (one direction of the call).
type Stream struct {
	// Local says which side sends it.
	Local bool
	// Codec is the stream's codec (zero value: PCMA).
	Codec Codec
	// Ptime is the packet time (0: 20 ms).
	Ptime time.Duration
	// SSRC, Seq and TS are the first packet's SSRC, sequence number and
	// timestamp (set them near 65535 or 2^32 to test wrap-around).
	SSRC uint32
	Seq  uint16
	TS   uint32
	// Start is when the sender sends media time 0, from the capture start;
	// Length is the media time sent.
	Start, Length time.Duration
	// Bursts are the sounds; the rest is silence.
	Bursts []Burst
	// DTX sends no packets during silence; a talkspurt then starts with the
	// marker bit. With CNLevel > 0, each silence starts with a comfort noise
	// packet (payload type 13) of that level in -dBov.
	DTX     bool
	CNLevel uint8
	// DTMF key presses; audio packets are not sent while a key is pressed.
	DTMF []Digit
	// Loss and Duplicate list packet indices (in send order, every packet
	// counts) to drop or to deliver twice. Late maps a packet index to the
	// number of later packets it arrives after.
	Loss, Duplicate []int
	Late            map[int]int
	// Delay is the network delay; Jitter adds a uniform random delay in
	// [0, Jitter) to each packet.
	Delay, Jitter time.Duration
	// DriftPPM makes the sender's clock run fast (positive) or slow: it
	// sends a second of media every 1/(1+ppm/1e6) seconds.
	DriftPPM float64
	// NewSSRCAt, when positive, switches to a new SSRC with new sequence
	// number and timestamp bases from this media time on.
	NewSSRCAt time.Duration
}

func (s *Stream) defaults() {
	if s.Codec.Name == "" {
		s.Codec = PCMA()
	}
	if s.Ptime == 0 {
		s.Ptime = 20 * time.Millisecond
	}
}

// Result is a generated call.
type Result struct {
	// Packets are the capture's packets in capture order. Their payloads
	// are owned by the Result.
	Packets  []pcapio.Packet
	Segments []Segment
	streams  []Stream
	sample0  int64 // ns after Epoch
}

// Segment is one stream segment (a stream splits at an SSRC change) and
// what the contract says about its placement.
type Segment struct {
	Stream   int
	SSRC     uint32
	Src, Dst netip.AddrPort
	// Channel is the side the contract puts it on (0 local, 1 remote).
	Channel int
	// MediaStart is the media time of the segment's first packet.
	MediaStart time.Duration
	// AnchorAt is the capture time (after Epoch) of its first-arriving
	// audio packet, and AnchorMedia that packet's media time.
	AnchorAt, AnchorMedia time.Duration
	// Packets counts its audio packets delivered (duplicates excluded);
	// Sent counts every packet sent (all payload types).
	Packets, Sent, Lost int
	anchorNs            int64
	hasAudio            bool
}

// Sample0 returns the capture time of the earliest audio packet, after
// Epoch: sample 0 of the recording.
func (r *Result) Sample0() time.Duration { return time.Duration(r.sample0) }

// Position returns the recording sample (at rate) where media time t of
// stream i lands by the contract: the position of its segment's anchor plus
// the RTP distance from it.
func (r *Result) Position(i int, t time.Duration, rate int) int64 {
	var seg *Segment
	for j := range r.Segments {
		s := &r.Segments[j]
		if s.Stream == i && s.hasAudio && s.MediaStart <= t {
			seg = s
		}
	}
	if seg == nil {
		panic(fmt.Sprintf("callgen: stream %d has no audio segment at %v", i, t))
	}
	d := seg.anchorNs - r.sample0
	anchorOut := d/1e9*int64(rate) + roundDiv(d%1e9*int64(rate), 1e9)
	c := r.streams[i].Codec
	ticks := int64(t-seg.AnchorMedia) * int64(c.ClockRate) / 1e9
	return anchorOut + ticks*int64(rate)/int64(c.ClockRate)
}

// BurstStart returns the recording sample where burst b of stream i starts.
func (r *Result) BurstStart(i, b, rate int) int64 {
	return r.Position(i, r.streams[i].Bursts[b].Start, rate)
}

// Channel returns the channel stream i lands on.
func (r *Result) Channel(i int) int {
	for _, s := range r.Segments {
		if s.Stream == i {
			return s.Channel
		}
	}
	return -1
}

func roundDiv(a, b int64) int64 {
	n := 2*a + b
	q := n / (2 * b)
	if n%(2*b) != 0 && n < 0 {
		q--
	}
	return q
}

// sent is one packet as the sender produced it.
type sent struct {
	at      int64 // arrival, ns after Epoch
	seg     int
	audio   bool
	media   time.Duration
	payload []byte
	src     netip.AddrPort
	dst     netip.AddrPort
}

// Generate synthesises the call.
func Generate(c Call) (*Result, error) {
	r := &Result{}
	rng := c.Seed*0x9E3779B97F4A7C15 + 1
	random := func() float64 {
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return float64(rng>>11) / float64(1<<53)
	}
	var all []sent
	for i := range c.Streams {
		s := c.Streams[i]
		s.defaults()
		if s.Codec.ClockRate <= 0 || s.Codec.SampleRate <= 0 || s.Codec.NewEncoder == nil {
			return nil, fmt.Errorf("callgen: stream %d: incomplete codec %q", i, s.Codec.Name)
		}
		r.streams = append(r.streams, s)
		pk, err := r.packetize(i, &s, c.Signalling)
		if err != nil {
			return nil, err
		}
		// The network: delay, jitter, loss, lateness, duplicates.
		base := make([]int64, len(pk))
		for j := range pk {
			send := float64(s.Start+pk[j].media) / (1 + s.DriftPPM/1e6)
			base[j] = usec(int64(send) + int64(s.Delay) + int64(random()*float64(s.Jitter)))
		}
		for j := range pk {
			pk[j].at = base[j]
			if n, ok := s.Late[j]; ok && j+n < len(pk) {
				pk[j].at = base[j+n] + 100_000
			}
		}
		for j := range pk {
			seg := &r.Segments[pk[j].seg]
			seg.Sent++
			if slices.Contains(s.Loss, j) {
				seg.Lost++
				continue
			}
			all = append(all, pk[j])
			if pk[j].audio {
				seg.Packets++
			}
			if slices.Contains(s.Duplicate, j) {
				d := pk[j]
				d.at += 50_000
				all = append(all, d)
			}
		}
	}
	slices.SortStableFunc(all, func(a, b sent) int {
		switch {
		case a.at < b.at:
			return -1
		case a.at > b.at:
			return 1
		}
		return 0
	})
	// Anchors: each segment's first-arriving audio packet.
	r.sample0 = math.MaxInt64
	for _, p := range all {
		seg := &r.Segments[p.seg]
		if p.audio && !seg.hasAudio {
			seg.hasAudio = true
			seg.anchorNs, seg.AnchorAt, seg.AnchorMedia = p.at, time.Duration(p.at), p.media
			r.sample0 = min(r.sample0, p.at)
		}
	}
	r.sides(c.Signalling)
	if c.Signalling != NoSIP {
		r.signalling(c)
	}
	for _, p := range all {
		r.Packets = append(r.Packets, pcapio.Packet{Time: Epoch.Add(time.Duration(p.at)), Proto: pcapio.UDP, Src: p.src, Dst: p.dst, Payload: p.payload})
	}
	slices.SortStableFunc(r.Packets, func(a, b pcapio.Packet) int { return a.Time.Compare(b.Time) })
	return r, nil
}

func usec(ns int64) int64 { return ns / 1000 * 1000 }

// sides applies the contract's side rules to the segments.
func (r *Result) sides(sig Signalling) {
	firstLocal, firstAt := true, int64(math.MaxInt64)
	for _, seg := range r.Segments {
		if seg.hasAudio && seg.anchorNs < firstAt {
			firstAt, firstLocal = seg.anchorNs, r.streams[seg.Stream].Local
		}
	}
	for i := range r.Segments {
		local := r.streams[r.Segments[i].Stream].Local
		if sig == NoSIP {
			local = local == firstLocal
		}
		r.Segments[i].Channel = 1
		if local {
			r.Segments[i].Channel = 0
		}
	}
}

func endpoints(local bool, sig Signalling) (src, dst netip.AddrPort) {
	lp, rp := uint16(SIPLocalPort), uint16(SIPRemotePort)
	if sig == Innovaphone {
		lp, rp = InnovaphoneLocalPort, InnovaphoneRemotePort
	}
	l, rm := netip.AddrPortFrom(LocalAddr, lp), netip.AddrPortFrom(RemoteAddr, rp)
	if local {
		return l, rm
	}
	return rm, l
}

// packetize produces the stream's packets in send order.
func (r *Result) packetize(i int, s *Stream, sig Signalling) ([]sent, error) {
	src, dst := endpoints(s.Local, sig)
	enc := s.Codec.NewEncoder()
	ticks := int64(s.Ptime) * int64(s.Codec.ClockRate) / 1e9
	nsamp := int(int64(s.Ptime) * int64(s.Codec.SampleRate) / 1e9)
	if ticks <= 0 || nsamp <= 0 {
		return nil, fmt.Errorf("callgen: stream %d: packet time %v too short", i, s.Ptime)
	}
	ssrc, seq, tsBase := s.SSRC, s.Seq, s.TS
	segStart := time.Duration(0)
	newSeg := func(media time.Duration) {
		r.Segments = append(r.Segments, Segment{Stream: i, SSRC: ssrc, Src: src, Dst: dst, MediaStart: media})
		segStart = media
	}
	newSeg(0)
	var out []sent
	emit := func(pt uint8, marker bool, ts uint32, media time.Duration, payload []byte, audio bool) {
		b := make([]byte, 12, 12+len(payload))
		b[0] = 0x80
		b[1] = pt
		if marker {
			b[1] |= 0x80
		}
		binary.BigEndian.PutUint16(b[2:], seq)
		binary.BigEndian.PutUint32(b[4:], ts)
		binary.BigEndian.PutUint32(b[8:], ssrc)
		out = append(out, sent{seg: len(r.Segments) - 1, audio: audio, media: media, payload: append(b, payload...), src: src, dst: dst})
		seq++
	}
	tsAt := func(media time.Duration) uint32 {
		return tsBase + uint32(int64(media-segStart)*int64(s.Codec.ClockRate)/1e9)
	}
	pcm := make([]int16, nsamp)
	bursts := slices.Clone(s.Bursts)
	slices.SortFunc(bursts, func(a, b Burst) int { return int(a.Start - b.Start) })
	silent := true // previous packet time was silent (or nothing sent yet)
	switched := false
	n := int(s.Length / s.Ptime)
	for k := range n {
		media := time.Duration(k) * s.Ptime
		if s.NewSSRCAt > 0 && !switched && media >= s.NewSSRCAt {
			switched = true
			ssrc ^= 0x5EED5EED
			seq += 30000
			tsBase += 0x40000000
			newSeg(media)
			silent = true
		}
		if d, ok := s.keyAt(media); ok {
			r.sendEvent(d, media, s, ticks, tsAt, emit)
			silent = true
			continue
		}
		sound := render(pcm, int64(k)*int64(nsamp), float64(s.Codec.SampleRate), &bursts)
		if s.DTX && !sound {
			if !silent && s.CNLevel > 0 {
				emit(CNPayloadType, false, tsAt(media), media, []byte{s.CNLevel}, false)
			}
			silent = true
			continue
		}
		emit(s.Codec.PayloadType, silent && (s.DTX || k == 0), tsAt(media), media, enc.Encode(nil, pcm), true)
		silent = false
	}
	return out, nil
}

// keyAt returns the key pressed at media time t, if any.
func (s *Stream) keyAt(t time.Duration) (Digit, bool) {
	for _, d := range s.DTMF {
		if t >= d.Start && t < d.Start+d.Length {
			return d, true
		}
	}
	return Digit{}, false
}

// sendEvent sends the telephone-event packet of key d for the packet time
// at media: its timestamp is the key's start, its duration grows, and the
// last packet time of the key adds the three end packets.
func (r *Result) sendEvent(d Digit, media time.Duration, s *Stream, ticks int64, tsAt func(time.Duration) uint32,
	emit func(pt uint8, marker bool, ts uint32, media time.Duration, payload []byte, audio bool)) {
	const keys = "0123456789*#ABCD"
	code := byte(0)
	for j := range len(keys) {
		if keys[j] == d.Key {
			code = byte(j)
		}
	}
	start := d.Start / s.Ptime * s.Ptime
	dur := uint16(int64(media-start)*int64(s.Codec.ClockRate)/1e9 + ticks)
	ev := func(end bool, dur uint16) []byte {
		b := []byte{code, 10, byte(dur >> 8), byte(dur)}
		if end {
			b[1] |= 0x80
		}
		return b
	}
	last := media+s.Ptime >= d.Start+d.Length
	if !last {
		emit(EventPayloadType, media == start, tsAt(start), media, ev(false, dur), false)
		return
	}
	for range 3 {
		emit(EventPayloadType, false, tsAt(start), media, ev(true, dur), false)
	}
}

// render fills pcm with the signal from sample n0 and reports whether any of
// it is sound. bursts are sorted by start; those that ended are dropped from
// its front, as packets come in time order.
func render(pcm []int16, n0 int64, rate float64, bursts *[]Burst) bool {
	t0 := float64(n0) / rate
	t1 := float64(n0+int64(len(pcm))) / rate
	for len(*bursts) > 0 && ((*bursts)[0].Start+(*bursts)[0].Length).Seconds() <= t0 {
		*bursts = (*bursts)[1:]
	}
	var active []Burst
	for _, b := range *bursts {
		if b.Start.Seconds() >= t1 {
			break
		}
		if (b.Start + b.Length).Seconds() > t0 {
			active = append(active, b)
		}
	}
	clear(pcm)
	if len(active) == 0 {
		return false
	}
	for j := range pcm {
		n := n0 + int64(j)
		t := float64(n) / rate
		v := 0.0
		for _, b := range active {
			if off := t - b.Start.Seconds(); off >= 0 && off < b.Length.Seconds() {
				v += b.sample(off, n)
			}
		}
		pcm[j] = int16(math.Max(-32768, math.Min(32767, math.Round(v))))
	}
	return true
}
