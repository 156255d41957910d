package convert

import (
	"math"

	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/jitter"
	"github.com/f0fce437/callrec/rtpcodec/resample"
	"github.com/pion/rtp"
)

// Rules of the contract (see the package doc).
const (
	reorderMinWindow = 200e6 // ns; or 10 packets, whichever is longer
	reorderPackets   = 10
	seqJumpLimit     = 1000
	tsJumpLimit      = 20e9 // ns
	driftWindow      = 2e9  // ns
	driftGapMs       = 20
	driftSpeechMs    = 80
	maxEvents        = 10000
	fillChunk        = 4096
)

// ptState is a payload type as one segment uses it.
type ptState struct {
	ptClass
	pt       uint8
	dec      rtpcodec.Decoder
	decTried bool
}

// event is one telephone event being collected.
type event struct {
	ts    int64 // extended RTP timestamp of its start
	first int64 // capture time of its first packet
	code  uint8
	dur   uint16
	clock int
}

// segment is one stream segment: the packets of one flow and SSRC between
// discontinuities, reordered, placed on the timeline and decoded.
type segment struct {
	tl      *timeline
	flow    rtpcodec.Flow
	ssrc    uint32
	ch      int
	jb      *jitter.Buffer
	jp      jitter.Packet
	classes [128]*ptState
	first   *ptState // payload type of the first packet
	closed  bool

	// Arrival side: timestamp extension, discontinuity detection.
	tsRef   int64 // extended timestamp of the latest packet
	seqInit bool
	lastSeq uint16 // highest sequence number
	lastExt int64  // its extended timestamp
	lastArr int64  // its capture time
	firstAt int64  // capture time of the first packet

	// Anchor: the first audio packet's timestamp sits at anchorOut.
	main      *ptState
	anchored  bool
	anchorTs  int64
	anchorAt  int64
	anchorOut int64
	clock     int
	srate     int   // the decoder's sample rate
	ratio     int64 // recording rate / srate

	// Statistics of audio packets.
	audio      int
	jitter     float64 // RFC 3550, in clock ticks
	jPrev      float64
	minTs      int64
	maxTs      int64
	maxTicks   int // ticks of the payload at maxTs (0: unknown)
	ptimeTicks int64
	prevSeq    uint16
	prevTs     int64
	events     []event

	// Drift: sliding minimum of the transit offset, in recording samples.
	dw         minWindow
	ref        int64 // the anchor's offset: the minimum over the first window
	targetCorr int64 // correction the drift asks for, stream samples

	// Emission side (timeline order).
	emitRef     int64
	started     bool
	next        int64 // stream-sample position of the next sample, relative to the anchor
	outPos      int64 // recording position of the next sample written
	corr        int64 // applied drift correction, stream samples
	lossPending bool
	cnActive    bool
	cn          rtpcodec.ComfortNoise
	up          resample.Upsampler2
	pcm, upbuf  []int16
}

func newSegment(tl *timeline, f rtpcodec.Flow, ssrc uint32, at int64) *segment {
	return &segment{
		tl: tl, flow: f, ssrc: ssrc, ch: tl.pl.sides[f], jb: jitter.New(0),
		firstAt: at, minTs: math.MaxInt64, maxTs: math.MinInt64,
	}
}

func (s *segment) class(pt uint8) *ptState {
	c := s.classes[pt&0x7F]
	if c == nil {
		c = &ptState{ptClass: s.tl.pl.class(s.flow, pt), pt: pt}
		s.classes[pt&0x7F] = c
	}
	return c
}

// extend returns the 64-bit form of ts nearest to ref.
func extend(ref int64, ts uint32) int64 {
	return ref + int64(int32(ts-uint32(ref)))
}

// discontinuous reports whether a packet starts a new segment: a sequence
// jump of more than 1000, or a timestamp jump of more than 20 s that the
// capture times do not show.
func (s *segment) discontinuous(p *rtp.Packet, at int64) bool {
	if !s.seqInit {
		return false
	}
	if d := int16(p.SequenceNumber - s.lastSeq); d > seqJumpLimit || d < -seqJumpLimit {
		return true
	}
	clock := s.clock
	if clock == 0 {
		clock = s.class(p.PayloadType).clock
	}
	dts := extend(s.lastExt, p.Timestamp) - s.lastExt
	skew := float64(dts)*1e9/float64(clock) - float64(at-s.lastArr)
	return math.Abs(skew) > tsJumpLimit
}

// arrive takes one packet in capture order.
func (s *segment) arrive(p *rtp.Packet, at int64) {
	c := s.class(p.PayloadType)
	if s.first == nil {
		s.first = c
		s.tsRef = int64(p.Timestamp) + 1<<32
	}
	ext := extend(s.tsRef, p.Timestamp)
	s.tsRef = ext
	if !s.seqInit || int16(p.SequenceNumber-s.lastSeq) > 0 {
		s.seqInit, s.lastSeq, s.lastExt, s.lastArr = true, p.SequenceNumber, ext, at
	}
	if c.kind == kindAudio && !s.anchored {
		s.anchor(c, ext, at)
	}
	s.jp = jitter.Packet{Timestamp: p.Timestamp, PayloadType: p.PayloadType, Marker: p.Marker, Arrival: at, Payload: p.Payload}
	st := s.jb.Push(&s.jp, p.SequenceNumber)
	for st == jitter.TooFar {
		it, _ := s.jb.Drain()
		s.emit(it)
		st = s.jb.Push(&s.jp, p.SequenceNumber)
	}
	if st == jitter.Duplicate {
		return
	}
	switch c.kind {
	case kindAudio:
		s.audioArrived(c, p, ext, at)
	case kindEvent:
		s.eventArrived(c, p.Payload, ext, at)
	}
}

// anchor places the segment: its first audio packet's timestamp sits at
// that packet's capture time, rounded to the nearest recording sample.
func (s *segment) anchor(c *ptState, ext, at int64) {
	tl := s.tl
	s.anchored, s.main = true, c
	s.anchorTs, s.anchorAt, s.anchorOut = ext, at, tl.out(at)
	s.emitRef = ext
	s.clock = c.clock
	s.srate = tl.rate // undecodable streams are silent at the recording's rate
	if c.codec != nil {
		switch {
		case c.codec.SampleRate == tl.rate:
			s.srate = tl.rate
		case 2*c.codec.SampleRate == tl.rate:
			s.srate = c.codec.SampleRate
		default:
			tl.warnf("stream %s: %s decodes at %d Hz, which cannot be mixed at %d Hz: left silent", s.name(), c.name, c.codec.SampleRate, tl.rate)
			c.codec = nil
		}
	}
	s.ratio = int64(tl.rate / s.srate)
}

func (s *segment) audioArrived(c *ptState, p *rtp.Packet, ext, at int64) {
	s.audio++
	// RFC 3550 interarrival jitter, in clock ticks.
	transit := float64(at-s.anchorAt)*float64(s.clock)/1e9 - float64(ext-s.anchorTs)
	if s.audio > 1 {
		s.jitter += (math.Abs(transit-s.jPrev) - s.jitter) / 16
	}
	s.jPrev = transit
	if c == s.main && s.audio > 1 && p.SequenceNumber == s.prevSeq+1 && ext > s.prevTs {
		s.ptimeTicks = ext - s.prevTs
	}
	s.prevSeq, s.prevTs = p.SequenceNumber, ext
	s.minTs = min(s.minTs, ext)
	if ext >= s.maxTs {
		s.maxTs = ext
		s.maxTicks = 0
		if c.codec != nil && c.codec.Ticks != nil {
			s.maxTicks = c.codec.Ticks(p.Payload)
		}
	}
	// Drift: transit offset in recording samples; jitter only delays
	// packets, so the minimum over a window is the clock's offset.
	rtpOut := s.anchorOut + (ext-s.anchorTs)*int64(s.tl.rate)/int64(s.clock)
	low := s.dw.push(at, s.tl.out(at)-rtpOut)
	if at-s.anchorAt <= driftWindow {
		// The anchor packet itself may have been delayed by jitter: the
		// reference is the minimum over the segment's first window.
		s.ref = low
	}
	s.targetCorr = roundDiv(low-s.ref, s.ratio)
}

func (s *segment) eventArrived(c *ptState, payload []byte, ext, at int64) {
	e, err := rtpcodec.ParseEvent(payload)
	if err != nil {
		return
	}
	for i := len(s.events) - 1; i >= 0 && i >= len(s.events)-4; i-- {
		if ev := &s.events[i]; ev.ts == ext {
			ev.dur = max(ev.dur, e.Duration)
			return
		}
	}
	if len(s.events) >= maxEvents {
		return
	}
	s.events = append(s.events, event{ts: ext, first: at, code: e.Code, dur: e.Duration, clock: c.clock})
}

// window is the reorder window: 10 packets or 200 ms, whichever is longer.
func (s *segment) window() int64 {
	w := int64(reorderMinWindow)
	if s.ptimeTicks > 0 && s.clock > 0 {
		w = max(w, reorderPackets*s.ptimeTicks*1e9/int64(s.clock))
	}
	return w
}

// release gives out what the reorder window no longer holds back at now.
func (s *segment) release(now int64) {
	before := now - s.window()
	for {
		it, ok := s.jb.Pop(before)
		if !ok {
			return
		}
		s.emit(it)
	}
}

// emit takes the next item in sequence order.
func (s *segment) emit(it jitter.Item) {
	if it.Lost > 0 {
		s.lossPending = true
		return
	}
	c := s.class(it.PayloadType)
	if !s.anchored {
		return // telephone events or comfort noise before any audio
	}
	ext := extend(s.emitRef, it.Timestamp)
	s.emitRef = ext
	switch c.kind {
	case kindEvent:
		s.lossPending = false
	case kindCN:
		if s.started && s.tl.writing {
			if gap := s.local(ext) - s.next; gap > 0 {
				s.fill(gap)
			}
		}
		s.cn.SetLevel(it.Payload)
		s.cnActive, s.lossPending = true, false
	case kindAudio:
		if s.tl.writing {
			s.place(c, &it, ext)
		}
	}
}

// local returns the stream-sample position of timestamp ext, relative to
// the anchor, drift correction included.
func (s *segment) local(ext int64) int64 {
	return (ext-s.anchorTs)*int64(s.srate)/int64(s.clock) + s.corr
}

// place decodes one audio payload at its timeline position, filling the gap
// before it and applying the drift correction where the rule allows.
func (s *segment) place(c *ptState, it *jitter.Item, ext int64) {
	pos := s.local(ext)
	if !s.started {
		s.started, s.next, s.outPos = true, pos, s.anchorOut+pos*s.ratio
	}
	gap := pos - s.next
	if d := s.targetCorr - s.corr; d != 0 {
		ms := int64(s.srate) / 1000
		big := abs(d) > driftSpeechMs*ms
		opportunity := it.Marker || gap > 0 || s.lossPending
		if big || (opportunity && abs(d) > driftGapMs*ms) {
			apply := d
			if d < 0 && !big {
				apply = max(d, -max(gap, 0)) // drop silence only
			}
			s.corr += apply
			gap += apply
		}
	}
	if gap > 0 {
		s.fill(gap)
	}
	pcm := s.decode(c, it.Payload)
	if gap < 0 {
		pcm = pcm[min(-gap, int64(len(pcm))):]
	}
	s.write(pcm)
	s.lossPending, s.cnActive = false, false
}

// decode returns the samples of one payload (in s.pcm), or silence of its
// duration when its codec is unsupported.
func (s *segment) decode(c *ptState, payload []byte) []int16 {
	if !c.decTried {
		c.decTried = true
		if c.codec != nil && (c.codec.SampleRate == s.srate) {
			d, err := c.codec.NewDecoder(c.fmtp)
			if err != nil {
				s.tl.warnf("stream %s: %s decoder for fmtp %q: %v: left silent", s.name(), c.name, c.fmtp, err)
			} else {
				c.dec = d
			}
		}
	}
	if c.dec != nil {
		pcm, err := c.dec.Decode(s.pcm[:0], payload)
		s.pcm = pcm
		if err != nil {
			s.tl.decodeErrors++
		}
		return pcm
	}
	ticks := int64(0)
	if c.codec != nil && c.codec.Ticks != nil {
		ticks = int64(c.codec.Ticks(payload))
	} else {
		ticks = s.ptimeTicks
	}
	n := int(ticks * int64(s.srate) / int64(s.clock))
	s.pcm = s.pcm[:0]
	for n > 0 {
		k := min(n, fillChunk)
		s.pcm = append(s.pcm, zeros[:k]...)
		n -= k
	}
	return s.pcm
}

// fill writes n samples where no audio was received: concealment after a
// loss, comfort noise after a CN packet, the codec's own comfort noise, or
// silence.
func (s *segment) fill(n int64) {
	if s.tl.writing {
		// A stream silent for long (DTX) stops holding the mixer back, so
		// the start of its gap may already be written out: skip that part.
		if behind := (s.tl.mixer.Written() - s.outPos) / s.ratio; behind > 0 {
			s.skip(min(behind, n))
			n -= min(behind, n)
		}
	}
	dec := s.main.dec
	for n > 0 {
		k := int(min(n, fillChunk))
		buf := s.pcm[:0]
		cn, isCN := dec.(rtpcodec.ComfortNoiser)
		switch {
		case s.lossPending && dec != nil:
			buf = dec.Conceal(buf, k)
		case s.cnActive:
			buf = s.cn.Generate(buf, k)
		case isCN:
			buf = cn.Untransmitted(buf, k)
		default:
			buf = append(buf, zeros[:k]...)
		}
		s.pcm = buf
		s.write(buf[:k])
		n -= int64(k)
	}
}

var zeros [fillChunk]int16

// skip moves the cursor n samples on without writing.
func (s *segment) skip(n int64) {
	if s.ratio == 2 {
		s.upbuf = s.up.Flush(s.upbuf[:0])
		s.tl.add(s.ch, s.outPos, s.upbuf)
	}
	s.next += n
	s.outPos = s.anchorOut + s.next*s.ratio
}

// write adds samples at the segment's cursor.
func (s *segment) write(pcm []int16) {
	if s.ratio == 1 {
		s.tl.add(s.ch, s.outPos, pcm)
		s.outPos += int64(len(pcm))
	} else {
		s.upbuf = s.up.Process(s.upbuf[:0], pcm)
		s.tl.add(s.ch, s.outPos, s.upbuf)
		s.outPos += int64(len(s.upbuf))
	}
	s.next += int64(len(pcm))
}

// close gives out everything the reorder buffer holds and describes the
// segment.
func (s *segment) close() {
	if s.closed {
		return
	}
	s.closed = true
	for {
		it, ok := s.jb.Drain()
		if !ok {
			break
		}
		s.emit(it)
	}
	if s.ratio == 2 && s.started && s.tl.writing {
		s.upbuf = s.up.Flush(s.upbuf[:0])
		s.tl.add(s.ch, s.outPos, s.upbuf)
		s.outPos += int64(len(s.upbuf))
	}
}

func (s *segment) name() string {
	return s.flow.Src.String() + "→" + s.flow.Dst.String() + " SSRC " + hex32(s.ssrc)
}

// info describes the closed segment.
func (s *segment) info() Stream {
	st := s.jb.Stats()
	out := Stream{
		Direction:  Local,
		Src:        s.flow.Src.String(),
		Dst:        s.flow.Dst.String(),
		SSRC:       s.ssrc,
		Packets:    s.audio,
		Lost:       st.Lost,
		Duplicates: st.Duplicates,
		Late:       st.Late,
		DTMFEvents: []DTMF{},
	}
	if s.ch == 1 {
		out.Direction = Remote
	}
	c := s.main
	if c == nil {
		c = s.first
	}
	out.PayloadType, out.Codec, out.ClockRate = int(c.pt), c.name, c.clock
	if out.Codec == "" {
		out.Codec = "unknown"
	}
	out.Decodable = c.kind == kindAudio && c.codec != nil
	rate := float64(s.tl.rate)
	if s.anchored {
		clock := float64(s.clock)
		out.JitterMs = round3(s.jitter / clock * 1000)
		out.StartMs = round3(float64(s.anchorOut)/rate*1000 + float64(s.minTs-s.anchorTs)/clock*1000)
		ticks := int64(s.maxTicks)
		if ticks == 0 {
			ticks = s.ptimeTicks
		}
		out.DurationMs = round3(float64(s.maxTs+ticks-s.minTs) / clock * 1000)
	} else {
		out.StartMs = round3(float64(s.tl.out(s.firstAt)) / rate * 1000)
	}
	for _, e := range s.events {
		d := DTMF{Digit: rtpcodec.Event{Code: e.code}.Digit(), DurationMs: round3(float64(e.dur) / float64(e.clock) * 1000)}
		if s.anchored {
			d.StartMs = round3(float64(s.anchorOut)/rate*1000 + float64(e.ts-s.anchorTs)/float64(s.clock)*1000)
		} else {
			d.StartMs = round3(float64(s.tl.out(e.first)) / rate * 1000)
		}
		out.DTMF += d.Digit
		out.DTMFEvents = append(out.DTMFEvents, d)
	}
	return out
}

// minWindow keeps the minimum of (time, value) pairs over the last
// driftWindow nanoseconds: a monotonic queue in a fixed ring.
type minWindow struct {
	t, v    [1024]int64
	head, n int
}

func (w *minWindow) push(t, v int64) int64 {
	const mask = len(w.t) - 1
	for w.n > 0 && w.v[(w.head+w.n-1)&mask] >= v {
		w.n--
	}
	if w.n == len(w.t) {
		w.head++
		w.n--
	}
	i := (w.head + w.n) & mask
	w.t[i], w.v[i] = t, v
	w.n++
	for w.t[w.head&mask] < t-driftWindow {
		w.head++
		w.n--
	}
	return w.v[w.head&mask]
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// roundDiv returns a/b rounded to the nearest integer (halves up), b > 0.
func roundDiv(a, b int64) int64 {
	return floorDiv(2*a+b, 2*b)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func hex32(v uint32) string {
	const digits = "0123456789ABCDEF"
	b := []byte("0x00000000")
	for i := 9; i >= 2; i-- {
		b[i] = digits[v&15]
		v >>= 4
	}
	return string(b)
}
