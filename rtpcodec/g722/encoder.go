package g722

import "slices"

// Encoder is a G.722 encoder: the transmit QMF and the SB-ADPCM sub-band
// encoders, producing 64 kbit/s (mode 1) code words. For modes 2 and 3 the
// same octets serve: the decoder ignores the low bits that carry data there.
// It holds the state of one stream and is not safe for concurrent use.
// Create one with NewEncoder.
type Encoder struct {
	lo, hi  band
	qmf     analysis
	pending int16 // first sample of an incomplete pair
	odd     bool  // whether pending holds a sample
}

// NewEncoder returns an encoder in its reset state.
func NewEncoder() *Encoder {
	e := &Encoder{}
	e.Reset()
	return e
}

// Reset puts the encoder back in its initial state.
func (e *Encoder) Reset() {
	*e = Encoder{}
	e.lo.reset(detLowerReset)
	e.hi.reset(detHigherReset)
}

// Encode appends the G.722 octets of the 16 kHz samples pcm to dst, one
// octet per pair of samples, and returns the extended slice. A sample left
// over from an odd-length pcm is kept and paired with the first sample of
// the next call. Encode does not retain pcm and allocates only when dst
// lacks capacity.
func (e *Encoder) Encode(dst []byte, pcm []int16) []byte {
	if e.odd && len(pcm) > 0 {
		dst = append(dst, e.encodePair(e.pending, pcm[0]))
		pcm = pcm[1:]
		e.odd = false
	}
	pairs := len(pcm) / 2
	n := len(dst)
	dst = slices.Grow(dst, pairs)[:n+pairs]
	out := dst[n:]
	for i := range out {
		out[i] = e.encodePair(pcm[2*i], pcm[2*i+1])
	}
	if len(pcm)%2 == 1 {
		e.pending, e.odd = pcm[len(pcm)-1], true
	}
	return dst
}

func (e *Encoder) encodePair(older, newer int16) byte {
	xl, xh := e.qmf.split(older, newer)
	il := e.lo.encodeLower(xl)
	ih := e.hi.encodeHigher(xh)
	return byte(ih<<6 | il)
}
