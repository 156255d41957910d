package g722

import (
	"fmt"
	"slices"
)

// Mode is a G.722 mode of operation (Table 1/G.722): how many of the six
// lower sub-band bits of each octet carry audio. The other bits are an
// auxiliary data channel that the decoder ignores.
type Mode uint8

// The three modes. RTP (RFC 3551) always carries mode 1.
const (
	Mode64 Mode = 1 // mode 1: 64 kbit/s of audio, no data channel
	Mode56 Mode = 2 // mode 2: 56 kbit/s of audio, 8 kbit/s of data (bit 0)
	Mode48 Mode = 3 // mode 3: 48 kbit/s of audio, 16 kbit/s of data (bits 0-1)
)

// String returns the mode's audio bit rate ("64 kbit/s").
func (m Mode) String() string {
	switch m {
	case Mode64:
		return "64 kbit/s"
	case Mode56:
		return "56 kbit/s"
	case Mode48:
		return "48 kbit/s"
	}
	return fmt.Sprintf("g722.Mode(%d)", uint8(m))
}

// Decoder is a G.722 decoder: SB-ADPCM sub-band decoders and the receive
// QMF, plus the packet-loss concealment described in the package doc. It
// holds the state of one stream and is not safe for concurrent use. Create
// one with NewDecoder.
type Decoder struct {
	lo, hi band
	dq     [64]int32 // the mode's INVQBL output levels, by 6-bit code word
	qmf    synthesis
	plc    concealer
	mode   Mode
}

// NewDecoder returns a decoder in its reset state for the given mode. It
// panics when mode is not Mode64, Mode56 or Mode48, a programming error.
func NewDecoder(mode Mode) *Decoder {
	d := &Decoder{mode: mode}
	for il := range d.dq {
		switch mode {
		case Mode64:
			d.dq[il] = qm6[il]
		case Mode56:
			d.dq[il] = qm5[il>>1]
		case Mode48:
			d.dq[il] = qm4[il>>2]
		default:
			panic("g722: NewDecoder with invalid " + mode.String())
		}
	}
	d.Reset()
	return d
}

// Mode returns the decoder's mode.
func (d *Decoder) Mode() Mode { return d.mode }

// Reset puts the decoder back in its initial state (the reset of the
// Recommendation), forgetting the audio history used for concealment.
func (d *Decoder) Reset() {
	d.lo.reset(detLowerReset)
	d.hi.reset(detHigherReset)
	d.qmf = synthesis{}
	d.plc = concealer{}
}

// Decode appends the 16 kHz samples of payload, two per octet (a G.722 RTP
// payload, RFC 3551: octets in transmission order, each holding the 2-bit
// higher sub-band code word in bits 7-6 and the 6-bit lower one in bits
// 5-0), to dst and returns the extended slice. It does not retain payload.
// Every octet is a valid code word, so the error is always nil; it is there
// for rtpcodec.Decoder. Decode allocates only when dst lacks capacity.
func (d *Decoder) Decode(dst []int16, payload []byte) ([]int16, error) {
	n := len(dst)
	dst = slices.Grow(dst, 2*len(payload))[:n+2*len(payload)]
	out := dst[n:]
	d.decodeInto(out, payload)
	d.plc.decoded(out)
	return dst, nil
}

// decodeInto decodes payload into out, which holds exactly 2*len(payload)
// samples: the hot loop, a block of code words at a time.
func (d *Decoder) decodeInto(out []int16, payload []byte) {
	for len(payload) > 0 {
		n := min(len(payload), qmfBlock)
		xd, xs := d.qmf.block(n)
		xs = xs[:len(xd)]
		for i, c := range payload[:len(xd)] {
			rl, dlt := d.lo.decodeLower(int32(c&63), &d.dq)
			d.lo.adapt(dlt, lowerScaling(int32(c&63)>>2))
			rh, dh := d.hi.decodeHigher(int32(c >> 6))
			d.hi.adapt(dh, higherScaling(int32(c>>6)))
			xd[i], xs[i] = rl-rh, rl+rh
		}
		d.qmf.synthesize(out, n)
		payload, out = payload[n:], out[2*n:]
	}
}
