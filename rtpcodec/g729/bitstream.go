package g729

import "encoding/binary"

// Bit-stream unpacking (G.729 §3.10, Table 8; Annex B Table B.2). Frames are
// packed most significant bit first, in the order of the RTP payload format
// (RFC 3551 §4.5.6), which is also the order of the ITU serial format:
//
//	speech (80 bits): L0 L1 L2 L3 | P1 P0 C1 S1 GA1 GB1 | P2 C2 S2 GA2 GB2
//	                  1  7  5  5    8  1  13 4  3   4     5  13 4  3   4
//	SID (15 bits):    MA L1 L2 GAIN
//	                  1  5  4  5

// speechParams are the fields of a speech frame, the two subframes indexed
// 0 and 1.
type speechParams struct {
	lsp0, lsp1 int16    // L0L1 (8 bits), L2L3 (10 bits)
	pitch      [2]int16 // P1 (8 bits), P2 (5 bits)
	parity     int16    // P0
	code       [2]int16 // C1, C2 (13 bits)
	sign       [2]int16 // S1, S2 (4 bits)
	gain       [2]int16 // GA·16+GB (7 bits)
}

// field returns the n bits at bit offset off (MSB first) of a frame whose
// first 64 bits are in hi and whose next bits are at the top of lo.
func field(hi, lo uint64, off, n uint) int16 {
	if off >= 64 {
		return int16(lo << (off - 64) >> (64 - n))
	}
	return int16((hi<<off | lo>>(64-off)) >> (64 - n))
}

func unpackSpeech(b *[SpeechFrameSize]byte, p *speechParams) {
	hi := binary.BigEndian.Uint64(b[:8])
	lo := uint64(binary.BigEndian.Uint16(b[8:])) << 48
	p.lsp0 = field(hi, lo, 0, 8)
	p.lsp1 = field(hi, lo, 8, 10)
	p.pitch[0] = field(hi, lo, 18, 8)
	p.parity = field(hi, lo, 26, 1)
	p.code[0] = field(hi, lo, 27, 13)
	p.sign[0] = field(hi, lo, 40, 4)
	p.gain[0] = field(hi, lo, 44, 7)
	p.pitch[1] = field(hi, lo, 51, 5)
	p.code[1] = field(hi, lo, 56, 13)
	p.sign[1] = field(hi, lo, 69, 4)
	p.gain[1] = field(hi, lo, 73, 7)
}

func unpackSID(b []byte, p *sidParams) {
	hi := uint64(binary.BigEndian.Uint16(b)) << 48
	p.ma = field(hi, 0, 0, 1)
	p.l1 = field(hi, 0, 1, 5)
	p.l2 = field(hi, 0, 6, 4)
	p.gain = field(hi, 0, 10, 5)
}

// parityError reports whether the parity bit P0 disagrees with the six most
// significant bits of the first pitch index (G.729 §3.7.2).
func parityError(pitch, parity int16) bool {
	sum := int16(1)
	t := pitch >> 1
	for range 6 {
		t >>= 1
		sum += t & 1
	}
	return (sum+parity)&1 != 0
}
