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
		// Mpy_32_16 of the (hi, lo) split of y1 and y2: neither can
		// saturate, the coefficients being far from -32768.
		m1 := ((y1>>16)*a1)<<1 + (((y1>>1)&0x7fff)*a1>>15)<<1
		m2 := ((y2>>16)*a2)<<1 + (((y2>>1)&0x7fff)*a2>>15)<<1
		// |m1| < 1.038e9 and |m2| < 0.503e9 (y1, y2 are within 32 bits), so
		// m1+m2 and the next step, |2·x0·b0| < 0.505e9, stay below 2^31:
		// only the last two partial sums can leave 32 bits.
		s3 := m1 + m2 + 2*x0*b0 + 2*x1*b1
		s4 := s3 + 2*x2*b2
		if (uint64(s3+1<<31)|uint64(s4+1<<31))>>32 != 0 {
			s4 = highPassExact(m1, m2, x0, x1, x2) // a partial sum left 32 bits
		}
		acc := min(max(s4<<2, minInt32), maxInt32) // L_shl(s4, 2)
		// round(L_shl(acc, 1))
		out[i] = int16((min(max(acc<<1, minInt32), maxInt32-0x8000) + 0x8000) >> 16)
		y2, y1 = y1, acc
	}
	f.y1, f.y2, f.x0, f.x1 = y1, y2, x0, x1
}

// highPassExact evaluates the sum of the high-pass filter with the
// saturation of every step of the reference.
func highPassExact(m1, m2, x0, x1, x2 int64) int64 {
	a := lAdd(int32(m1), int32(m2))
	a = lMac(a, int16(x0), hp100B[0])
	a = lMac(a, int16(x1), hp100B[1])
	a = lMac(a, int16(x2), hp100B[2])
	return int64(a)
}
