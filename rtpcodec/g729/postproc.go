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
//
// The taps of the inputs are b0·(1, -2, 1), so one multiply serves all
// three. Mpy_32_16 of the (hi, lo) split of a history value h, 2·hi·a +
// 2·(lo·a >> 15) with hi = h >> 15 and lo = h & 0x7fff, is 2·(h·a >> 15):
// hi·a·2^15 is a multiple of 2^15. Neither can saturate, the coefficients
// being far from -32768.
//
// Where the output's sum s (the L_mac chain before L_shl(s, 2)) stays
// within ±2^29, no step of the chain saturates: |m1| < 1.038e9 and |m2| <
// 0.503e9 for history values within 32 bits, so m1 + m2 and the next
// partial sum (|2·b0·x| < 0.505e9) stay within 31 bits, and the partial sum
// before the last L_mac is within |s| + 0.505e9 < 2^31; nor does L_shl(s,
// 2). Then h = s << 1, and s, being a sum of even terms, is 2v with
//
//	v = (v1·a1 >> 13) + (v2·a2 >> 13) + b0·(x0 - 2x1 + x2)
//
// in terms of the previous two (h = 4v): the recursion takes a multiply, a
// shift and an addition. The loop runs on v while |v| < 2^28 and hands over
// to the exact chain for the rest of the frame where it does not (a
// saturated output, h not a multiple of 4, is seldom).
func (f *highPass) filter(in *[FrameSamples]int64, out *[FrameSamples]int16) {
	h1, h2, x0, x1 := f.h1, f.h2, f.x0, f.x1
	i := 0
	if (h1|h2)&3 == 0 {
		v1, v2 := h1>>2, h2>>2
		// Two outputs at a time while neither saturates (which bounds v
		// within ±2^28 as well), then one at a time.
		for ; i < FrameSamples-1; i += 2 {
			xa, xb := in[i], in[i+1]
			va := highPassStep(v1, v2, xa, x0, x1)
			vb := highPassStep(va, v1, xb, xa, x0)
			ya, yb := (va+1<<11)>>12, (vb+1<<11)>>12
			if uint64(ya+1<<15) >= 1<<16 || uint64(yb+1<<15) >= 1<<16 {
				break
			}
			out[i], out[i+1] = int16(ya), int16(yb)
			x1, x0 = xa, xb
			v2, v1 = va, vb
		}
		for ; i < FrameSamples; i++ {
			x := in[i]
			v := highPassStep(v1, v2, x, x0, x1)
			// round(L_shl(L_shl(s, 2), 1)) with s = 2v is (v + 2^11) >> 12
			// saturated to 16 bits, which only v beyond ±(2^27 - 2^11) needs.
			y := (v + 1<<11) >> 12
			if uint64(y+1<<15) >= 1<<16 {
				if uint64(v+1<<28) >= 1<<29 {
					break
				}
				y = min(max(y, minInt16), maxInt16)
			}
			out[i] = int16(y)
			x1, x0 = x0, x
			v2, v1 = v1, v
		}
		h1, h2 = v1<<2, v2<<2
	}
	for ; i < FrameSamples; i++ {
		x2 := x1
		x1 = x0
		x0 = in[i]
		acc := highPassExact(h1, h2, x0, x1, x2)
		h2, h1 = h1, acc>>1
		// round(L_shl(acc, 1))
		out[i] = int16((min(max(acc<<1, minInt32), maxInt32-0x8000) + 0x8000) >> 16)
	}
	f.h1, f.h2, f.x0, f.x1 = h1, h2, x0, x1
}

// highPassStep returns v for the input x given the previous two v (v1, v2)
// and inputs (x0, x1), as filter states it.
func highPassStep(v1, v2, x, x0, x1 int64) int64 {
	return (v1*hp100A1)>>13 + (v2*hp100A2)>>13 + hp100B0*(x-2*x0+x1)
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
