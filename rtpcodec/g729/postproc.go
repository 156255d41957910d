package g729

// High-pass post-processing (G.729 §4.2.5): a second-order 100 Hz high-pass
// filter, with the output scaled by 2 to undo the encoder's input halving.

// highPass holds the filter memory. The reference keeps the past outputs y
// of the filter (before the final doubling) in double precision (hi, lo),
// which holds y >> 1: h1 and h2 are those halves of the last two outputs.
type highPass struct {
	h1, h2 int64
	x0, x1 int64
}

// filter high-passes in into out.
func (f *highPass) filter(in *[FrameSamples]int64, out *[FrameSamples]int16) {
	a1, a2 := int64(hp100A[1]), int64(hp100A[2])
	b0, b1, b2 := int64(hp100B[0]), int64(hp100B[1]), int64(hp100B[2])
	h1, h2, x0, x1 := f.h1, f.h2, f.x0, f.x1
	for i, x := range in {
		x2 := x1
		x1 = x0
		x0 = x
		// Mpy_32_16 of the (hi, lo) split of y, 2·hi·a + 2·(lo·a >> 15) with
		// hi = h >> 15 and lo = h & 0x7fff, is 2·(h·a >> 15): hi·a·2^15 is a
		// multiple of 2^15. Neither can saturate, the coefficients being
		// far from -32768. The recursion runs through h1 alone.
		m2 := (h2 * a2 >> 15) << 1
		x2b2 := 2 * x2 * b2
		rest := m2 + 2*x0*b0 + 2*x1*b1 + x2b2
		s4 := (h1*a1>>15)<<1 + rest
		// |m1| < 1.038e9 and |m2| < 0.503e9 (the outputs are within 32 bits), so
		// m1+m2 and the next step, |2·x0·b0| < 0.505e9, stay below 2^31:
		// only the last two partial sums can leave 32 bits. While the sum
		// stays within 30 bits, L_shl(sum, 2) does not saturate either.
		var acc int64
		if s3 := s4 - x2b2; uint64(s3+1<<31) < 1<<32 && uint64(s4+1<<29) < 1<<30 {
			acc = s4 << 2
			h2, h1 = h1, s4<<1
		} else {
			acc = highPassExact(h1, h2, x0, x1, x2)
			h2, h1 = h1, acc>>1
		}
		// round(L_shl(acc, 1))
		out[i] = int16((min(max(acc<<1, minInt32), maxInt32-0x8000) + 0x8000) >> 16)
	}
	f.h1, f.h2, f.x0, f.x1 = h1, h2, x0, x1
}

// highPassExact evaluates the filter's output (before the final doubling)
// with the saturation of every step of the reference.
func highPassExact(h1, h2, x0, x1, x2 int64) int64 {
	a := lAdd(int32((h1*int64(hp100A[1])>>15)<<1), int32((h2*int64(hp100A[2])>>15)<<1))
	a = lMac(a, int16(x0), hp100B[0])
	a = lMac(a, int16(x1), hp100B[1])
	a = lMac(a, int16(x2), hp100B[2])
	return int64(lShl(a, 2))
}
