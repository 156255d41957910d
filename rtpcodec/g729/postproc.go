package g729

// High-pass post-processing (G.729 §4.2.5): a second-order 100 Hz high-pass
// filter, with the output scaled by 2 to undo the encoder's input halving.

// highPass holds the filter memory. The reference keeps the past outputs in
// double precision (hi, lo), which drops their least significant bit; y1
// and y2 are kept whole and split where they are used.
type highPass struct {
	y1, y2 int64
	x0, x1 int64
}

// filter high-passes in into out.
func (f *highPass) filter(in *[FrameSamples]int64, out *[FrameSamples]int16) {
	a1, a2 := int64(hp100A[1]), int64(hp100A[2])
	b0, b1, b2 := int64(hp100B[0]), int64(hp100B[1]), int64(hp100B[2])
	y1, y2, x0, x1 := f.y1, f.y2, f.x0, f.x1
	for i, x := range in {
		x2 := x1
		x1 = x0
		x0 = x
		// Mpy_32_16 of the (hi, lo) split of y, 2·hi·a + 2·(lo·a >> 15) with
		// lo = (y >> 1) & 0x7fff, is 2·((y >> 1)·a >> 15): hi·a·2^15 is a
		// multiple of 2^15. Neither can saturate, the coefficients being
		// far from -32768. The recursion runs through y1 alone.
		m2 := ((y2 >> 1) * a2 >> 15) << 1
		rest := m2 + 2*x0*b0 + 2*x1*b1
		m1 := ((y1 >> 1) * a1 >> 15) << 1
		// |m1| < 1.038e9 and |m2| < 0.503e9 (y1, y2 are within 32 bits), so
		// m1+m2 and the next step, |2·x0·b0| < 0.505e9, stay below 2^31:
		// only the last two partial sums can leave 32 bits. While the sum
		// stays within 30 bits, L_shl(sum, 2) does not saturate either.
		s3 := m1 + rest
		s4 := s3 + 2*x2*b2
		var acc int64
		if uint64(s3+1<<31) < 1<<32 && uint64(s4+1<<29) < 1<<30 {
			acc = s4 << 2
		} else {
			acc = highPassExact(m1, m2, x0, x1, x2)
		}
		// round(L_shl(acc, 1))
		out[i] = int16((min(max(acc<<1, minInt32), maxInt32-0x8000) + 0x8000) >> 16)
		y2, y1 = y1, acc
	}
	f.y1, f.y2, f.x0, f.x1 = y1, y2, x0, x1
}

// highPassExact evaluates the filter's sum and its shift by 2 with the
// saturation of every step of the reference.
func highPassExact(m1, m2, x0, x1, x2 int64) int64 {
	a := lAdd(int32(m1), int32(m2))
	a = lMac(a, int16(x0), hp100B[0])
	a = lMac(a, int16(x1), hp100B[1])
	a = lMac(a, int16(x2), hp100B[2])
	return int64(lShl(a, 2))
}
