package g729

// LP filtering (G.729 §4.1.6): the synthesis filter 1/A(z), the inverse
// filter A(z) and bandwidth expansion A(z/γ).
//
// Signals inside the decoder are 16-bit values held in int32 arrays: Go
// loads an int32 array element at a variable index in one instruction but
// needs two for a sign-extended int16, and the filters below are where the
// decoder spends its time.
//
// The reference evaluates each filter output as a chain of saturating
// L_mac/L_msu steps. A chain equals plain integer arithmetic whenever no
// partial sum leaves 32 bits, so each filter bounds its partial sums (by
// Σ|a|·max|x|) and takes plain int32 arithmetic when the bound allows,
// which is nearly always, and the exact chain otherwise.

// synthesize filters x[:n] through 1/A(z) into buf[10:10+n], buf[:10]
// holding the filter memory (the previous 10 outputs, oldest first); n is
// at most 40. It reports whether any operation saturated (the reference's
// Overflow flag).
func synthesize(a *[11]int16, x *[subLen]int32, buf *[10 + subLen]int32, n int) (overflow bool) {
	var c [11]int32
	sumA := int32(0)
	for j, v := range a {
		c[j] = int32(v)
		sumA += max(c[j], -c[j])
	}
	// Every sample is below 2^15 in magnitude, so Σ|a|·2^15 bounds each
	// partial sum; when twice that stays below 2^31 none can saturate.
	if sumA > maxInt16 {
		return synthesizeTracked(&c, x, buf, n)
	}
	n = min(n, subLen)
	y1 := buf[9] // the last output stays in a register
	for i := range n {
		// Oldest terms first: only the last product waits for y[i-1].
		s := x[i]*c[0] - c[10]*buf[i] - c[9]*buf[i+1] - c[8]*buf[i+2] - c[7]*buf[i+3] -
			c[6]*buf[i+4] - c[5]*buf[i+5] - c[4]*buf[i+6] - c[3]*buf[i+7] - c[2]*buf[i+8]
		s -= c[1] * y1
		v, o := scaleQ12(s)
		overflow = overflow || o
		buf[i+10] = v
		y1 = v
	}
	return overflow
}

// scaleQ12 turns the (undoubled) sum s of Q12 products into the output
// sample as L_shl(2s, 3) and round do, reporting whether either saturated.
func scaleQ12(s int32) (int32, bool) {
	if s >= -1<<27 && s < 1<<27-1<<11 {
		return (s<<4 + 0x8000) >> 16, false
	}
	if s < 0 {
		return minInt16, true
	}
	return maxInt16, true
}

// synthesizeTracked runs the recursion for filters with a large Σ|a|:
// samples whose partial sums provably stay within 32 bits (tracking the
// largest output so far) take plain arithmetic, the others the exact chain.
func synthesizeTracked(c *[11]int32, x *[subLen]int32, buf *[10 + subLen]int32, n int) (overflow bool) {
	// A coefficient of -32768 would make a product saturate (L_mult of
	// -32768·-32768); such filters take the exact path for every sample.
	exact := false
	var sumA int64 // Σ|a[1..10]|
	for _, v := range c[1:] {
		exact = exact || v == minInt16
		sumA += int64(max(v, -v))
	}
	var maxY int64 // max |y| so far, memory included
	for _, v := range buf[:10] {
		maxY = max(maxY, int64(v), -int64(v))
	}
	n = min(n, subLen)
	for i := range n {
		var s int32
		var o bool
		if !exact && 2*(int64(max(x[i], -x[i]))*int64(max(c[0], -c[0]))+sumA*maxY) <= maxInt32 {
			s = x[i] * c[0]
			for j := 10; j >= 1; j-- {
				s -= c[j] * buf[i+10-j]
			}
			buf[i+10], o = scaleQ12(s)
		} else {
			buf[i+10], o = synthSampleExact(c, x[i], (*[10]int32)(buf[i:i+10]))
		}
		overflow = overflow || o
		maxY = max(maxY, int64(buf[i+10]), -int64(buf[i+10]))
	}
	return overflow
}

// synthSampleExact evaluates one output of the synthesis filter with the
// saturation of every step; hist[10-j] is y[i-j].
func synthSampleExact(c *[11]int32, x int32, hist *[10]int32) (y int32, overflow bool) {
	note := func(v int64) int32 {
		if v > maxInt32 || v < minInt32 {
			overflow = true
		}
		return sat32(v)
	}
	acc := note(2 * int64(x) * int64(c[0]))
	for j := 1; j <= 10; j++ {
		p := note(2 * int64(c[j]) * int64(hist[10-j])) // L_mult
		acc = note(int64(acc) - int64(p))
	}
	acc = note(int64(acc) << 3)
	acc = note(int64(acc) + 0x8000)
	return acc >> 16, overflow
}

// residual filters x through A(z) into y: x[10+i] is the input aligned with
// y[i], x[:10] the 10 samples before it.
func residual(a *[11]int16, x *[10 + subLen]int32, y *[subLen]int32) {
	var c [11]int32
	sumA := int32(0)
	for j, v := range a {
		c[j] = int32(v)
		sumA += max(c[j], -c[j])
	}
	if sumA > maxInt16 {
		residualTracked(&c, x, y)
		return
	}
	// As in synthesize: no partial sum can saturate.
	for i := range subLen {
		s := c[10]*x[i] + c[9]*x[i+1] + c[8]*x[i+2] + c[7]*x[i+3] + c[6]*x[i+4] + c[5]*x[i+5] +
			c[4]*x[i+6] + c[3]*x[i+7] + c[2]*x[i+8] + c[1]*x[i+9] + c[0]*x[i+10]
		y[i], _ = scaleQ12(s)
	}
}

// residualTracked is residual for filters with a large Σ|a|: plain
// arithmetic when Σ|a|·max|x| bounds the partial sums, else the exact chain.
func residualTracked(c *[11]int32, x *[10 + subLen]int32, y *[subLen]int32) {
	var sumA, maxX int64
	for _, v := range c {
		sumA += int64(max(v, -v))
	}
	for _, v := range x {
		maxX = max(maxX, int64(v), -int64(v))
	}
	plain := 2*sumA*maxX <= maxInt32
	for i := range subLen {
		if plain {
			var s int32
			for j := range 11 {
				s += c[j] * x[i+10-j]
			}
			y[i], _ = scaleQ12(s)
			continue
		}
		acc := lMult(int16(x[i+10]), int16(c[0]))
		for j := 1; j <= 10; j++ {
			acc = lMac(acc, int16(c[j]), int16(x[i+10-j]))
		}
		y[i] = int32(round16(lShl(acc, 3)))
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
