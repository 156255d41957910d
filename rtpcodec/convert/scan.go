package convert

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/netip"
	"slices"

	"github.com/f0fce437/callrec/pcapio"
	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/mix"
	"github.com/f0fce437/callrec/rtpcodec/sip"
	"github.com/pion/rtp"
)

// packetSource yields the packets of a capture (pcapio.Reader).
type packetSource interface {
	Next(p *pcapio.Packet) error
}

// opener opens the capture from its start; the conversion reads it twice.
type opener func() (packetSource, error)

// Innovaphone-style capture ports (see the package doc).
const (
	innovaphoneLocalPort  = 16386
	innovaphoneRemotePort = 16388
)

// maxFlowPTs bounds the payload types of flows pass 1 follows, against
// hostile captures.
const maxFlowPTs = 1 << 16

type flowPT struct {
	flow rtpcodec.Flow
	pt   uint8
}

// ptSeen is what pass 1 learns about one payload type of one flow.
type ptSeen struct {
	first     int64 // earliest capture time, ns
	eventLike bool  // every payload looked like a telephone event
}

// plan is what pass 1 decided for the whole file: it is fixed before
// pass 2 places a single sample.
type plan struct {
	sig     sip.Signalling
	det     rtpcodec.Detector
	reg     *rtpcodec.Registry
	seen    map[flowPT]*ptSeen
	classes map[flowPT]ptClass
	sides   map[rtpcodec.Flow]int

	rate    int
	sample0 int64 // capture time of the earliest audio packet, ns

	audioFlows  int
	innovaphone bool
	undecodable []string // "NAME (payload type N)" of audio without a codec
	encrypted   []string // flows whose SDP says SRTP

	readErr error // truncation or corruption that ended reading
	packets int
}

// scan is pass 1: it reads headers only, collecting the signalling, which
// flows are RTP, and when each payload type of each flow first appears.
func scan(ctx context.Context, src packetSource, reg *rtpcodec.Registry, progress func()) (*plan, error) {
	pl := &plan{reg: reg, seen: map[flowPT]*ptSeen{}}
	var p pcapio.Packet
	var pk rtp.Packet
	for {
		err := src.Next(&p)
		if err == io.EOF {
			break
		}
		if err != nil {
			if isReadEnd(err) {
				pl.readErr = err
				break
			}
			return nil, err
		}
		pl.packets++
		if pl.packets&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			progress()
		}
		if p.Proto == pcapio.TCP {
			// SIP over TCP: messages may span segments (RFC 3261 §18.3).
			pl.sig.AddTCP(p.Src, p.Dst, p.Seq, p.Payload)
			continue
		}
		if p.Proto != pcapio.UDP {
			continue
		}
		if sip.LooksLikeSIP(p.Payload) {
			pl.sig.Add(p.Src, p.Dst, p.Payload)
			continue
		}
		f := rtpcodec.Flow{Src: p.Src, Dst: p.Dst}
		pl.det.Observe(f, p.Payload)
		if rtpcodec.Parse(&pk, p.Payload) != nil {
			continue // pass 2 skips it too
		}
		key := flowPT{f, pk.PayloadType}
		s := pl.seen[key]
		if s == nil {
			if len(pl.seen) >= maxFlowPTs {
				continue
			}
			s = &ptSeen{first: math.MaxInt64, eventLike: true}
			pl.seen[key] = s
		}
		s.first = min(s.first, p.Time.UnixNano())
		if s.eventLike {
			s.eventLike = looksLikeEvent(pk.Payload)
		}
	}
	pl.decide()
	return pl, nil
}

// decide classifies the payload types of the RTP flows and fixes the
// recording's rate, sample 0 and the side of every flow.
func (pl *plan) decide() {
	pl.rate = 8000
	pl.sample0 = math.MaxInt64
	pl.classes = map[flowPT]ptClass{}
	firstAudio := map[rtpcodec.Flow]int64{}
	undecodable := map[string]bool{}
	for key, s := range pl.seen {
		if pl.det.Verdict(key.flow) != rtpcodec.IsRTP {
			continue
		}
		c := classify(&pl.sig, pl.reg, key.flow, key.pt, s.eventLike)
		pl.classes[key] = c
		if key.flow.Src.Port() == innovaphoneLocalPort || key.flow.Src.Port() == innovaphoneRemotePort {
			pl.innovaphone = true
		}
		if c.kind != kindAudio {
			continue
		}
		pl.sample0 = min(pl.sample0, s.first)
		if t, ok := firstAudio[key.flow]; !ok || s.first < t {
			firstAudio[key.flow] = s.first
		}
		if c.codec != nil {
			if c.codec.SampleRate > 8000 {
				pl.rate = 16000
			}
		} else {
			name := c.name
			if name == "" {
				name = "unknown"
			}
			undecodable[fmt.Sprintf("%s (payload type %d)", name, key.pt)] = true
		}
	}
	for k := range undecodable {
		pl.undecodable = append(pl.undecodable, k)
	}
	slices.Sort(pl.undecodable)
	pl.audioFlows = len(firstAudio)
	for f := range firstAudio {
		if pl.sig.Secure(f.Src) || pl.sig.Secure(f.Dst) {
			pl.encrypted = append(pl.encrypted, f.Src.String()+"→"+f.Dst.String())
		}
	}
	slices.Sort(pl.encrypted)

	// Sides (see the package doc): innovaphone ports, else the SIP
	// caller's addresses, else the first audio stream's source.
	sip := callerAddrs{media: pl.sig.CallerMedia()}
	if a, ok := pl.sig.Caller(); ok {
		sip.signalling = []netip.AddrPort{a}
	}
	var firstSrc netip.AddrPort
	firstAt := int64(math.MaxInt64)
	for f, t := range firstAudio {
		if t < firstAt || (t == firstAt && f.Src.String() < firstSrc.String()) {
			firstAt, firstSrc = t, f.Src
		}
	}
	pl.sides = map[rtpcodec.Flow]int{}
	for key := range pl.classes {
		f := key.flow
		if _, done := pl.sides[f]; done {
			continue
		}
		pl.sides[f] = pl.side(f, sip, firstSrc)
	}
}

// callerAddrs are the SIP caller's addresses: the media addresses of its
// SDP and the transport address its INVITE came from.
type callerAddrs struct {
	media, signalling []netip.AddrPort
}

// side applies the side rules of the package doc to flow f.
func (pl *plan) side(f rtpcodec.Flow, caller callerAddrs, firstSrc netip.AddrPort) int {
	if pl.innovaphone {
		switch f.Src.Port() {
		case innovaphoneLocalPort:
			return mix.Local
		case innovaphoneRemotePort:
			return mix.Remote
		}
	}
	// The caller's streams by its SDP media address and port, then by its
	// media address alone, then by the address its INVITE came from (behind
	// NAT the SDP shows a private address the capture never sees).
	sameEnd := func(x, a netip.AddrPort) bool { return x == a }
	sameAddr := func(x, a netip.AddrPort) bool { return x.Addr() == a.Addr() }
	for _, try := range []struct {
		addrs []netip.AddrPort
		match func(x, a netip.AddrPort) bool
	}{{caller.media, sameEnd}, {caller.media, sameAddr}, {caller.signalling, sameAddr}} {
		for _, a := range try.addrs {
			if try.match(f.Src, a) {
				return mix.Local
			}
		}
		for _, a := range try.addrs {
			if try.match(f.Dst, a) {
				return mix.Remote
			}
		}
	}
	if f.Src == firstSrc || (f.Src.Addr() == firstSrc.Addr() && f.Dst.Addr() != firstSrc.Addr()) {
		return mix.Local
	}
	return mix.Remote
}

// class returns the classification of a payload type of an RTP flow.
func (pl *plan) class(f rtpcodec.Flow, pt uint8) ptClass {
	if c, ok := pl.classes[flowPT{f, pt}]; ok {
		return c
	}
	return classify(&pl.sig, pl.reg, f, pt, false)
}
