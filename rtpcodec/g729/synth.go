package g729

// LP filtering (G.729 §4.1.6): the synthesis filter 1/A(z), the inverse
// filter A(z) and bandwidth expansion A(z/γ).

// synthesize filters x through 1/A(z) into y (len(y) == len(x) <= 80) with
// the filter memory mem (the last 10 outputs, oldest first). x and y may be
// the same slice. It reports whether any operation saturated (the
// reference's Overflow flag), and updates mem only when update is set.
func synthesize(a *[11]int16, x, y []int16, mem *[10]int16, update bool) (overflow bool) {
	var buf [10 + 80]int16
	copy(buf[:10], mem[:])
	n := len(x)
	yy := buf[:10+n]
	// A coefficient of -32768 would make a product saturate (L_mult of
	// -32768·-32768); such filters take the exact path for every sample.
	exact := false
	var sumA int64 // Σ|a[1..10]|
	for _, c := range a[1:] {
		exact = exact || c == minInt16
		sumA += int64(max(c, -c))
	}
	var maxY int64 // max |y| so far, memory included
	for _, v := range mem {
		maxY = max(maxY, int64(v), -int64(v))
	}
	for i := range n {
		hist := (*[10]int16)(yy[i : i+10]) // hist[10-j] is y[i-j]
		if !exact && 2*(int64(max(x[i], -x[i]))*int64(a[0])+sumA*maxY) <= maxInt32 {
			// No partial sum can leave 32 bits: plain arithmetic.
			s := int32(x[i]) * int32(a[0])
			for j := 1; j <= 10; j++ {
				s -= int32(a[j]) * int32(hist[10-j])
			}
			// s·2·8 + 0x8000 stays below 2^31 only when s < 2^27 - 2^11.
			if s < 1<<27-1<<11 && s >= -1<<27 {
				v := int16((s<<4 + 0x8000) >> 16)
				yy[10+i] = v
				maxY = max(maxY, int64(v), -int64(v))
				continue
			}
		}
		// Fast path: the exact sum, with the range of its partial sums; it
		// equals the saturating chain when no partial sum leaves 32 bits.
		s := int64(lMult(x[i], a[0]))
		lo, hi := s, s
		for j := 1; j <= 10; j++ {
			s -= int64(int32(a[j])*int32(hist[10-j])) << 1
			lo, hi = min(lo, s), max(hi, s)
		}
		if exact || lo < minInt32 || hi > maxInt32 {
			var o bool
			s, o = synthSampleExact(a, x[i], hist)
			overflow = overflow || o
		}
		s <<= 3
		if s > maxInt32 {
			s, overflow = maxInt32, true
		} else if s < minInt32 {
			s, overflow = minInt32, true
		}
		s += 0x8000
		if s > maxInt32 {
			s, overflow = maxInt32, true
		}
		yy[10+i] = int16(s >> 16)
		maxY = max(maxY, int64(yy[10+i]), -int64(yy[10+i]))
	}
	copy(y, yy[10:])
	if update {
		copy(mem[:], yy[n:n+10])
	}
	return overflow
}

// synthSampleExact evaluates one output of the synthesis filter with the
// saturation of every L_msu step.
func synthSampleExact(a *[11]int16, x int16, hist *[10]int16) (s int64, overflow bool) {
	acc := lMult(x, a[0])
	for j := 1; j <= 10; j++ {
		p := int32(a[j]) * int32(hist[10-j])
		if p == 0x40000000 {
			overflow = true
		}
		next := int64(acc) - int64(lMult(a[j], hist[10-j]))
		if next > maxInt32 || next < minInt32 {
			overflow = true
		}
		acc = sat32(next)
	}
	return int64(acc), overflow
}

// residual filters x through A(z) into y; x[-10:0] must be readable, so x is
// passed as the whole buffer and the first output sample is at x[off].
func residual(a *[11]int16, x []int16, off int, y []int16) {
	// When Σ|a|·max|x| bounds every partial sum below 2^31 (the usual case
	// for the weighted filters of the post-filter), no L_mac can saturate.
	var sumA, maxX int64
	for _, c := range a {
		sumA += int64(max(c, -c))
	}
	for _, v := range x[off-10 : off+len(y)] {
		maxX = max(maxX, int64(v), -int64(v))
	}
	if 2*sumA*maxX <= maxInt32 {
		for i := range y {
			h := (*[11]int16)(x[off+i-10 : off+i+1]) // h[10-j] is x[off+i-j]
			var s int32
			for j := range 11 {
				s += int32(a[j]) * int32(h[10-j])
			}
			y[i] = round16(lShl(s<<1, 3))
		}
		return
	}
	for i := range y {
		h := (*[11]int16)(x[off+i-10 : off+i+1])
		acc := lMult(h[10], a[0])
		for j := 1; j <= 10; j++ {
			acc = lMac(acc, a[j], h[10-j])
		}
		y[i] = round16(lShl(acc, 3))
	}
}

// weightLPC computes the bandwidth-expanded filter ap[i] = a[i]·γ^i.
func weightLPC(a *[11]int16, gamma int16, ap *[11]int16) {
	ap[0] = a[0]
	fac := gamma
	for i := 1; i < 10; i++ {
		ap[i] = round16(lMult(a[i], fac))
		fac = round16(lMult(fac, gamma))
	}
	ap[10] = round16(lMult(a[10], fac))
}
