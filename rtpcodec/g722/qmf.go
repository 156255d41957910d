package g722

// The quadrature mirror filters of Rec. G.722 split 16 kHz audio into the
// lower and higher sub-bands at 8 kHz each (transmit, analysis) and merge
// them back (receive, synthesis). Both are 24-tap FIR filters with the
// coefficients qmfCoeffs, computed as polyphase halves of 12 taps: one
// output pair per code word.
//
// Delay lines are held twice over (positions k and k+12) so that the 12
// newest values are always the contiguous window line[pos:pos+12], newest
// first, without shifting the line or wrapping indices.

// analysis is the transmit QMF: 16 kHz input to the sub-band signals xL, xH.
type analysis struct {
	even [24]int32 // x(j), x(j-2), ..., x(j-22): inputs that meet h0, h2, ..., h22
	odd  [24]int32 // x(j-1), x(j-3), ..., x(j-23): inputs that meet h1, h3, ..., h23
	pos  int
}

// split takes the input samples x(j-1) and x(j) and returns xL and xH
// (15 bits): xA = sum h(2i) x(j-2i), xB = sum h(2i+1) x(j-2i-1),
// xL = xA + xB, xH = xA - xB.
func (q *analysis) split(older, newer int16) (xl, xh int32) {
	q.pos = (q.pos + 11) % 12
	p := q.pos
	q.odd[p], q.odd[p+12] = int32(older), int32(older)
	q.even[p], q.even[p+12] = int32(newer), int32(newer)
	e := (*[12]int32)(q.even[p : p+12])
	o := (*[12]int32)(q.odd[p : p+12])
	var xa, xb int32
	for i := range 12 {
		xa += qmfCoeffs[2*i] * e[i]
		xb += qmfCoeffs[2*i+1] * o[i]
	}
	return limit15((xa + xb) >> 14), limit15((xa - xb) >> 14)
}

// synthesis is the receive QMF: sub-band outputs rL, rH to 16 kHz. It
// works on a block of up to qmfBlock code words at a time: the decoder
// stores xd = rL - rH and xs = rL + rH of each code word after the 11 newest
// values of the previous block, and synthesize filters the block.
type synthesis struct {
	xd [qmfHistory + qmfBlock]int32
	xs [qmfHistory + qmfBlock]int32
}

const (
	qmfHistory = 11  // delay-line values carried from block to block
	qmfBlock   = 160 // code words per block: 20 ms
)

// block returns where the decoder stores xd and xs of the next n <= qmfBlock
// code words.
func (q *synthesis) block(n int) (xd, xs []int32) {
	return q.xd[qmfHistory : qmfHistory+n], q.xs[qmfHistory : qmfHistory+n]
}

// synthesize computes the two output samples of each of the n code words
// stored through block, xout(j) = 2 sum h(2i) xd(j-i) and
// xout(j+1) = 2 sum h(2i+1) xs(j-i), saturated to 16 bits, into out
// (2n samples), and keeps the newest values for the next block.
func (q *synthesis) synthesize(out []int16, n int) {
	out = out[:2*n]
	for j := range n {
		// d[11] and s[11] are xd(j) and xs(j), the newest. Written out with
		// constant coefficients (h12..h23 mirror h11..h0): the compiler does
		// not unroll loops.
		d := (*[12]int32)(q.xd[j : j+12])
		s := (*[12]int32)(q.xs[j : j+12])
		o1 := h0*d[11] + h2*d[10] + h4*d[9] + h6*d[8] + h8*d[7] + h10*d[6] +
			h11*d[5] + h9*d[4] + h7*d[3] + h5*d[2] + h3*d[1] + h1*d[0]
		o2 := h1*s[11] + h3*s[10] + h5*s[9] + h7*s[8] + h9*s[7] + h11*s[6] +
			h10*s[5] + h8*s[4] + h6*s[3] + h4*s[2] + h2*s[1] + h0*s[0]
		out[2*j] = int16(sat16(o1 >> 11))
		out[2*j+1] = int16(sat16(o2 >> 11))
	}
	copy(q.xd[:qmfHistory], q.xd[n:n+qmfHistory])
	copy(q.xs[:qmfHistory], q.xs[n:n+qmfHistory])
}
