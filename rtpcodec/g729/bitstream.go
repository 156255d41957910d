package g729

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

// bitReader reads MSB-first fields from a byte slice.
type bitReader struct {
	b   []byte
	pos uint
}

func (r *bitReader) read(n uint) int16 {
	var v int16
	for range n {
		bit := (r.b[r.pos>>3] >> (7 - r.pos&7)) & 1
		v = v<<1 | int16(bit)
		r.pos++
	}
	return v
}

func unpackSpeech(b *[SpeechFrameSize]byte, p *speechParams) {
	r := bitReader{b: b[:]}
	p.lsp0 = r.read(8)
	p.lsp1 = r.read(10)
	p.pitch[0] = r.read(8)
	p.parity = r.read(1)
	p.code[0] = r.read(13)
	p.sign[0] = r.read(4)
	p.gain[0] = r.read(7)
	p.pitch[1] = r.read(5)
	p.code[1] = r.read(13)
	p.sign[1] = r.read(4)
	p.gain[1] = r.read(7)
}

func unpackSID(b []byte, p *sidParams) {
	r := bitReader{b: b}
	p.ma = r.read(1)
	p.l1 = r.read(5)
	p.l2 = r.read(4)
	p.gain = r.read(5)
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
