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

// synthesis is the receive QMF: sub-band outputs rL, rH to 16 kHz.
type synthesis struct {
	xd  [24]int32 // rL - rH, newest first from pos
	xs  [24]int32 // rL + rH, newest first from pos
	pos int
}

// merge takes the sub-band decoder outputs of one code word and returns the
// two output samples xout(j) = 2 sum h(2i) xd(j-i) and
// xout(j+1) = 2 sum h(2i+1) xs(j-i), saturated to 16 bits.
func (q *synthesis) merge(rl, rh int32) (int16, int16) {
	q.pos--
	if q.pos < 0 {
		q.pos = 11
	}
	p := q.pos
	xd, xs := rl-rh, rl+rh
	q.xd[p], q.xd[p+12] = xd, xd
	q.xs[p], q.xs[p+12] = xs, xs
	d := (*[12]int32)(q.xd[p : p+12])
	s := (*[12]int32)(q.xs[p : p+12])
	// Written out: the compiler does not unroll loops.
	h := &qmfCoeffs
	o1 := h[0]*d[0] + h[2]*d[1] + h[4]*d[2] + h[6]*d[3] + h[8]*d[4] + h[10]*d[5] +
		h[12]*d[6] + h[14]*d[7] + h[16]*d[8] + h[18]*d[9] + h[20]*d[10] + h[22]*d[11]
	o2 := h[1]*s[0] + h[3]*s[1] + h[5]*s[2] + h[7]*s[3] + h[9]*s[4] + h[11]*s[5] +
		h[13]*s[6] + h[15]*s[7] + h[17]*s[8] + h[19]*s[9] + h[21]*s[10] + h[23]*s[11]
	return int16(sat16(o1 >> 11)), int16(sat16(o2 >> 11))
}
