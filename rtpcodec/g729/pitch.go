package g729

// Adaptive codebook (G.729 §3.7, §4.1.3): pitch-lag decoding and the
// interpolated past excitation at 1/3-sample resolution.

const (
	pitMin = 20
	pitMax = 143
)

// decodeLag1 decodes the 8-bit pitch index of the first subframe.
func decodeLag1(index int16) (t0, frac int16) {
	if index < 197 {
		t0 = add(mult(add(index, 2), 10923), 19)
		frac = add(sub(index, add(add(t0, t0), t0)), 58)
		return
	}
	return sub(index, 112), 0
}

// decodeLag2 decodes the 5-bit relative pitch index of the second subframe
// around the first subframe's integer lag t1.
func decodeLag2(index, t1 int16) (t0, frac int16) {
	tMin := sub(t1, 5)
	if tMin < pitMin {
		tMin = pitMin
	}
	tMax := add(tMin, 9)
	if tMax > pitMax {
		tMax = pitMax
		tMin = sub(tMax, 9)
	}
	i := sub(mult(add(index, 2), 10923), 1)
	t0 = add(i, tMin)
	frac = sub(sub(index, 2), add(add(i, i), i))
	return
}

// adaptiveVector writes the 40 samples at exc[pos:] from the past excitation
// delayed by t0 - frac/3, with the 1/3-resolution interpolation filter.
// exc must hold at least t0+11 samples of history before pos.
func adaptiveVector(exc []int16, pos int, t0, frac int16) {
	x0 := pos - int(t0)
	frac = -frac
	if frac < 0 {
		frac += 3
		x0--
	}
	c1 := (*[28]int16)(interp3[frac:])
	c2 := (*[28]int16)(interp3[3-frac:])
	if t0 >= 50 {
		// The filter then reads only past excitation; when its gain times the
		// largest past sample bounds every partial sum below 2^31, no L_mac
		// can saturate and plain arithmetic is exact.
		var gain, peak int64
		for i := range 10 {
			gain += int64(max(c1[3*i], -c1[3*i])) + int64(max(c2[3*i], -c2[3*i]))
		}
		for _, v := range exc[x0-9 : x0+50] {
			peak = max(peak, int64(v), -int64(v))
		}
		if 2*gain*peak <= maxInt32 {
			for j := range 40 {
				x := (*[20]int16)(exc[x0+j-9 : x0+j+11])
				var s int32
				for i := range 10 {
					s += int32(x[9-i])*int32(c1[3*i]) + int32(x[10+i])*int32(c2[3*i])
				}
				exc[pos+j] = round16(s << 1)
			}
			return
		}
	}
	for j := range 40 {
		x := (*[20]int16)(exc[x0+j-9 : x0+j+11]) // x[9-i] = x0+j-i, x[10+i] = x0+j+1+i
		// Fast path: the exact sum and the range of its partial sums (the
		// table coefficients never make a product saturate).
		var s int64
		lo, hi := s, s
		for i := range 10 {
			s += int64(int32(x[9-i])*int32(c1[3*i])) << 1
			lo, hi = min(lo, s), max(hi, s)
			s += int64(int32(x[10+i])*int32(c2[3*i])) << 1
			lo, hi = min(lo, s), max(hi, s)
		}
		if lo < minInt32 || hi > maxInt32 {
			var acc int32
			for i := range 10 {
				acc = lMac(acc, x[9-i], c1[3*i])
				acc = lMac(acc, x[10+i], c2[3*i])
			}
			s = int64(acc)
		}
		exc[pos+j] = round16(int32(s))
	}
}
