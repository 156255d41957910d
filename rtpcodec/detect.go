package rtpcodec

import (
	"encoding/binary"
	"net/netip"
)

// Flow is the transport 5-tuple of a UDP flow (the protocol is implied).
type Flow struct {
	Src, Dst netip.AddrPort
}

// Verdict is what a Detector concluded about a flow.
type Verdict uint8

// Detector verdicts.
const (
	Undecided Verdict = iota // not enough packets yet
	IsRTP                    // confirmed RTP
	NotRTP                   // given up: its packets do not behave like RTP
)

// Detection parameters: a flow is RTP once confirmRun packets of one SSRC
// have valid headers and sequence numbers advancing by 1 to maxSeqStep
// (repeated sequence numbers, duplicates, neither count nor break the run);
// a flow that has not confirmed after giveUpAfter packets is not RTP. Up to
// ssrcsPerFlow SSRCs are followed at once, since a flow may interleave
// several (a separate SSRC for telephone events, bundled media).
const (
	confirmRun   = 3
	maxSeqStep   = 100
	giveUpAfter  = 64
	maxFlows     = 1 << 16
	ssrcsPerFlow = 4
)

// run is the sequence-number run of one SSRC of a candidate flow.
type run struct {
	ssrc uint32
	seq  uint16
	n    int // packets in the run; 0 for an unused slot
}

type candidate struct {
	runs    [ssrcsPerFlow]run
	oldest  int // slot to reuse for an SSRC not followed yet
	packets int
	verdict Verdict
}

// Detector finds RTP flows by what their packets look like, whatever the
// ports: version 2, a payload type that is not RTCP, and for some SSRC
// sequence numbers advancing over a few packets. Its zero value is ready to
// use; it is not safe for concurrent use. It keeps a few dozen bytes per
// flow and at most 65536 flows (later flows stay Undecided).
type Detector struct {
	flows map[Flow]*candidate
}

// Observe feeds one UDP payload of flow f and returns the flow's verdict.
func (d *Detector) Observe(f Flow, payload []byte) Verdict {
	if d.flows == nil {
		d.flows = map[Flow]*candidate{}
	}
	c := d.flows[f]
	if c == nil {
		if len(d.flows) >= maxFlows {
			return Undecided
		}
		c = &candidate{}
		d.flows[f] = c
	}
	if c.verdict != Undecided {
		return c.verdict
	}
	c.packets++
	if HeaderLooksValid(payload) && c.follow(binary.BigEndian.Uint32(payload[8:]), binary.BigEndian.Uint16(payload[2:])) >= confirmRun {
		c.verdict = IsRTP
	}
	if c.verdict == Undecided && c.packets >= giveUpAfter {
		c.verdict = NotRTP
	}
	return c.verdict
}

// follow extends the run of ssrc with seq and returns its length.
func (c *candidate) follow(ssrc uint32, seq uint16) int {
	r := &c.runs[c.oldest]
	for i := range c.runs {
		if c.runs[i].n > 0 && c.runs[i].ssrc == ssrc {
			r = &c.runs[i]
			break
		}
	}
	switch step := seq - r.seq; {
	case r.n == 0 || r.ssrc != ssrc:
		*r = run{ssrc: ssrc, seq: seq, n: 1}
		c.oldest = (c.oldest + 1) % ssrcsPerFlow
	case step == 0: // a duplicate
	case step <= maxSeqStep:
		r.seq, r.n = seq, r.n+1
	default:
		r.seq, r.n = seq, 1
	}
	return r.n
}

// Verdict returns what has been concluded about f so far.
func (d *Detector) Verdict(f Flow) Verdict {
	if c := d.flows[f]; c != nil {
		return c.verdict
	}
	return Undecided
}
