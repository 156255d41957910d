package g711

import "fmt"

// Law selects the companding law.
type Law uint8

// The two laws of G.711.
const (
	ALaw  Law = iota // A-law: RTP payload type 8, "PCMA/8000"
	MuLaw            // µ-law: RTP payload type 0, "PCMU/8000"
)

// RTP facts for registering the codecs (RFC 3551).
const (
	PayloadTypePCMU = 0
	PayloadTypePCMA = 8
	ClockRate       = 8000 // RTP clock and sample rate
)

// String returns the SDP encoding name ("PCMA" or "PCMU").
func (l Law) String() string {
	switch l {
	case ALaw:
		return "PCMA"
	case MuLaw:
		return "PCMU"
	}
	return fmt.Sprintf("g711.Law(%d)", uint8(l))
}

// Tables, computed once at load and never written afterwards.
var (
	alawDecode [256]int16
	ulawDecode [256]int16
	// alawEncode is indexed by the linear sample >> 3 (13-bit two's
	// complement, offset by 4096); ulawEncode by sample >> 2 (14-bit, offset
	// by 8192). G.711 only looks at those bits.
	alawEncode [8192]uint8
	ulawEncode [16384]uint8
)

func init() {
	for c := 0; c < 256; c++ {
		alawDecode[c] = alawExpand(uint8(c))
		ulawDecode[c] = ulawExpand(uint8(c))
	}
	for i := range alawEncode {
		alawEncode[i] = alawCompress(int16((i - 4096) << 3))
	}
	for i := range ulawEncode {
		ulawEncode[i] = ulawCompress(int16((i - 8192) << 2))
	}
}

// alawExpand decodes one A-law code word (wire format, even bits inverted)
// by the segment rule of G.711 Table 1a: 7 segments of 16 steps, step size
// doubling per segment above the second.
func alawExpand(code uint8) int16 {
	ix := code ^ 0x55
	exp := int32(ix>>4) & 7
	mant := int32(ix & 0x0F)
	if exp > 0 {
		mant += 16 // implicit leading one
	}
	mant = mant<<4 + 8 // centre of the quantisation interval, 16-bit scale
	if exp > 1 {
		mant <<= exp - 1
	}
	if code&0x80 == 0 {
		return int16(-mant)
	}
	return int16(mant)
}

// alawCompress encodes a 16-bit sample (its top 13 bits) as G.711 Table 1a
// does; negative values use the one's complement magnitude.
func alawCompress(x int16) uint8 {
	var ix int32
	if x < 0 {
		ix = int32(^x) >> 4
	} else {
		ix = int32(x) >> 4
	}
	if ix > 15 {
		exp := int32(1)
		for ix > 16+15 {
			ix >>= 1
			exp++
		}
		ix -= 16
		ix += exp << 4
	}
	if x >= 0 {
		ix |= 0x80
	}
	return uint8(ix) ^ 0x55
}

// ulawExpand decodes one µ-law code word (G.711 Table 2a: 8 segments,
// bias 33 on the 14-bit scale).
func ulawExpand(code uint8) int16 {
	m := int32(^code)
	exp := (m >> 4) & 7
	mant := m & 0x0F
	step := int32(4) << (exp + 1)
	v := (0x80 << exp) + step*mant + step/2 - 4*33
	if code < 0x80 {
		return int16(-v)
	}
	return int16(v)
}

// ulawCompress encodes a 16-bit sample (its top 14 bits) as G.711 Table 2a.
func ulawCompress(x int16) uint8 {
	var abs int32
	if x < 0 {
		abs = int32(^x)>>2 + 33
	} else {
		abs = int32(x)>>2 + 33
	}
	if abs > 0x1FFF {
		abs = 0x1FFF
	}
	seg := int32(1)
	for i := abs >> 6; i != 0; i >>= 1 {
		seg++
	}
	code := (8-seg)<<4 | (0x0F - (abs>>seg)&0x0F)
	if x >= 0 {
		code |= 0x80
	}
	return uint8(code)
}

// DecodeSample returns the linear value of one code word.
func DecodeSample(law Law, code uint8) int16 {
	if law == MuLaw {
		return ulawDecode[code]
	}
	return alawDecode[code]
}

// EncodeSample returns the code word of one linear sample.
func EncodeSample(law Law, x int16) uint8 {
	if law == MuLaw {
		return ulawEncode[int(x>>2)+8192]
	}
	return alawEncode[int(x>>3)+4096]
}

// Encoder turns linear PCM into G.711 code words. It is stateless; the type
// exists so that fixture generators can hold codecs behind one interface.
type Encoder struct {
	law Law
}

// NewEncoder returns an encoder for law.
func NewEncoder(law Law) *Encoder { return &Encoder{law: law} }

// Law returns the encoder's law.
func (e *Encoder) Law() Law { return e.law }

// Encode appends one code word per sample of pcm to dst and returns the
// extended slice.
func (e *Encoder) Encode(dst []byte, pcm []int16) []byte {
	n := len(dst)
	dst = grow(dst, len(pcm))
	out := dst[n:]
	if e.law == MuLaw {
		for i, x := range pcm {
			out[i] = ulawEncode[int(x>>2)+8192]
		}
	} else {
		for i, x := range pcm {
			out[i] = alawEncode[int(x>>3)+4096]
		}
	}
	return dst
}

func grow[T any](s []T, n int) []T {
	if cap(s)-len(s) < n {
		t := make([]T, len(s), 2*cap(s)+n)
		copy(t, s)
		s = t
	}
	return s[:len(s)+n]
}
