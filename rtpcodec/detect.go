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

// Detection parameters: a flow is RTP once confirmRun consecutive packets
// of one SSRC have valid headers and sequence numbers advancing by 1 to
// maxSeqStep; a flow that has not confirmed after giveUpAfter packets is
// not RTP.
const (
	confirmRun  = 3
	maxSeqStep  = 100
	giveUpAfter = 64
	maxFlows    = 1 << 16
)

type candidate struct {
	ssrc    uint32
	seq     uint16
	run     int
	packets int
	verdict Verdict
}

// Detector finds RTP flows by what their packets look like, whatever the
// ports: version 2, a payload type that is not RTCP, one SSRC, and sequence
// numbers advancing over a few packets. Its zero value is ready to use; it
// is not safe for concurrent use. It keeps a few bytes per flow and at most
// 65536 flows (later flows stay Undecided).
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
	if !HeaderLooksValid(payload) {
		c.run = 0
	} else {
		ssrc := binary.BigEndian.Uint32(payload[8:])
		seq := binary.BigEndian.Uint16(payload[2:])
		if step := seq - c.seq; c.run > 0 && ssrc == c.ssrc && step >= 1 && step <= maxSeqStep {
			c.run++
		} else {
			c.run = 1
		}
		c.ssrc, c.seq = ssrc, seq
		if c.run >= confirmRun {
			c.verdict = IsRTP
		}
	}
	if c.verdict == Undecided && c.packets >= giveUpAfter {
		c.verdict = NotRTP
	}
	return c.verdict
}

// Verdict returns what has been concluded about f so far.
func (d *Detector) Verdict(f Flow) Verdict {
	if c := d.flows[f]; c != nil {
		return c.verdict
	}
	return Undecided
}
