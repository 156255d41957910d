package g729

// LP filtering (G.729 §4.1.6): the synthesis filter 1/A(z), the inverse
// filter A(z) and bandwidth expansion A(z/γ).
//
// Signals inside the decoder are 16-bit values held in int64 arrays: Go
// loads an int64 array element at a variable index in one instruction, but
// needs two or three for a sign-extended int16 or int32, and the filters
// below are where the decoder spends its time.
//
// The reference evaluates each filter output as a chain of saturating
// L_mac/L_msu steps. A chain equals plain integer arithmetic whenever no
// partial sum leaves 32 bits, so each filter bounds its partial sums (by
// Σ|a|·max|x|) and takes plain arithmetic when the bound allows, which is
// nearly always, and the exact chain otherwise.

// synthesize filters x[:n] through 1/A(z) into buf[10:10+n], buf[:10]
// holding the filter memory (the previous 10 outputs, oldest first); n is
// even and at most 40. It reports whether any operation saturated (the
// reference's Overflow flag).
func synthesize(a *[11]int16, x *[subLen]int64, buf *[10 + subLen]int64, n int) (overflow bool) {
	var f synthFilter
	f.init(a)
	return f.run(x, buf, n)
}

// synthFilter is 1/A(z) prepared for synthesize, for filters that run
// more than once.
type synthFilter struct {
	c [11]int64 // a
	// p[j] pairs a[j+1] and a[j] for the fast loop, p[0] holds its rounding
	p     [11]int64
	limit int64 // the largest output magnitude for plain arithmetic
	// lo, span: an output is plain when its rounded sum s + 2^11 is in
	// [lo, lo+span)
	lo, span int64
	big      bool // |a0| + Σ|a[1..10]| > 2^15 - 1
}

// init prepares f for the filter a.
//
// Every partial sum is at most |a0·x| + Σ|a[1..10]|·max|y| (undoubled);
// while twice that stays below 2^31, none can saturate and plain arithmetic
// is exact. With every sample within 2^15 that holds for most filters: |a0|
// + Σ|a[1..10]| < 2^15. For the others it holds while every output so far
// is at most limit in magnitude. The plain loop stops at the first output
// that does not fit (its sum leaves the window lo..hi): an output beyond
// limit, or one that saturates.
func (f *synthFilter) init(a *[11]int16) {
	// (Element by element: a composite literal would be built on the stack
	// and copied in 16-byte moves, which the loads that follow cannot be
	// forwarded from.)
	c := &f.c
	sumA := int64(0) // Σ|a[1..10]|
	for j := 1; j <= 10; j++ {
		v := int64(a[j])
		c[j] = v
		sumA += max(v, -v)
	}
	c[0] = int64(a[0])
	a0 := max(c[0], -c[0])
	f.limit = maxInt16
	lo, hi := int64(-1<<27), int64(1<<27-1<<11) // the outputs that do not saturate
	f.big = a0+sumA > maxInt16
	if f.big {
		f.limit = min((1<<30-1-a0<<15)/max(sumA, 1), maxInt16)
		lo, hi = -f.limit<<12-1<<11, (f.limit+1)<<12-1<<11
	}
	f.lo, f.span = lo+1<<11, hi-lo
	// Two outputs at a time: p[j] pairs a[j+1] (for y[i+1], low lane)
	// with a[j] (for y[i], high lane), so Σ p[j]·y[i-j] over j = 1..10
	// yields the sum of y[i] and all of y[i+1]'s but its a[1]·y[i] term,
	// which follows once y[i] is known; the inputs and the rounding 2^11 of
	// both outputs (L_shl(2s, 3) and round are (s + 2^11) >> 12 when they do
	// not saturate) start the accumulator. The rounding is read from p[0]
	// rather than written as a constant, which Go would move to the end of
	// the sum, onto the recursion.
	p := &f.p
	p[0] = pairBias + 1<<11<<32 + 1<<11
	for j := 1; j < 10; j++ {
		p[j] = c[j]<<32 + c[j+1] // pair(a[j+1], a[j])
	}
	p[10] = c[10] << 32
}

// run filters x[:n] into buf[10:10+n] as synthesize does.
func (f *synthFilter) run(x *[subLen]int64, buf *[10 + subLen]int64, n int) (overflow bool) {
	c := &f.c
	n = min(n, subLen) &^ 1
	if f.big && (c[0] == minInt16 || peak(buf[:10]) > f.limit) { // L_mult(-32768, -32768) saturates
		return synthesizeExact(c, x, buf, 0, n, f.limit)
	}
	if c[0] != 4096 {
		// The decoder's filters all have a0 = 1 (Q12); the fast loop
		// shifts the inputs instead of multiplying them.
		return synthesizeExact(c, x, buf, 0, n, f.limit)
	}
	// The recursion is the critical path: with y[i] in the high lane, the
	// bias keeping the low lane in [0, 2^32) lets y[i] come out of the
	// accumulator with one shift, and y[i+1] needs one multiply more.
	p := &f.p
	c1 := c[1]
	lo, span := f.lo, uint64(f.span)
	y1 := buf[9] // the last output stays in a register
	// (The constant bound proves i <= 38 to Go: no bounds checks.)
	for i := 0; i < subLen-1 && i < n; i += 2 {
		w := (*[12]int64)(buf[i : i+12]) // w[10-j] is y[i-j]
		in := (*[2]int64)(x[i : i+2])
		// The inputs of both outputs, then the oldest terms first: only
		// the last product waits for y[i-1].
		acc := p[0] + (in[0]<<32+in[1])<<12 - p[10]*w[0] - p[9]*w[1] - p[8]*w[2] - p[7]*w[3] -
			p[6]*w[4] - p[5]*w[5] - p[4]*w[6] - p[3]*w[7] - p[2]*w[8] - p[1]*y1
		if uint64(acc>>32-lo) >= span {
			return synthesizeExact(c, x, buf, i, n, f.limit)
		}
		y0 := acc >> 44 // (s + 2^11) >> 12: the low lane cannot carry
		w[10] = y0
		s1 := int64(int32(uint32(acc)^pairBias)) - c1*y0
		if uint64(s1-lo) >= span {
			return synthesizeExact(c, x, buf, i+1, n, f.limit)
		}
		y1 = s1 >> 12
		w[11] = y1
	}
	return false
}

// synthesizeExact continues the synthesis at output i for filters whose
// outputs grew beyond limit or saturate: outputs take plain arithmetic while
// the largest magnitude so far is at most limit, the exact chain afterwards.
func synthesizeExact(c *[11]int64, x *[subLen]int64, buf *[10 + subLen]int64, i, n int, limit int64) (overflow bool) {
	maxY := peak(buf[:10+i])
	if c[0] == minInt16 {
		maxY = limit + 1
	}
	for ; i < n; i++ {
		var v int64
		var o bool
		if maxY <= limit {
			s := x[i] * c[0]
			for j := 1; j <= 10; j++ {
				s -= c[j] * buf[i+10-j]
			}
			v, o = scaleQ12(s)
		} else {
			v, o = synthSampleExact(c, x[i], (*[10]int64)(buf[i:i+10]))
		}
		maxY = max(maxY, v, -v)
		overflow = overflow || o
		buf[i+10] = v
	}
	return overflow
}

// scaleQ12 turns the (undoubled) sum s of Q12 products into the output
// sample as L_shl(2s, 3) and round do, reporting whether either saturated.
func scaleQ12(s int64) (int64, bool) {
	if s >= -1<<27 && s < 1<<27-1<<11 {
		return (s<<4 + 0x8000) >> 16, false
	}
	if s < 0 {
		return minInt16, true
	}
	return maxInt16, true
}

// synthSampleExact evaluates one output of the synthesis filter with the
// saturation of every step; hist[10-j] is y[i-j].
func synthSampleExact(c *[11]int64, x int64, hist *[10]int64) (y int64, overflow bool) {
	note := func(v int64) int64 {
		if v > maxInt32 || v < minInt32 {
			overflow = true
		}
		return int64(sat32(v))
	}
	acc := note(2 * x * c[0])
	for j := 1; j <= 10; j++ {
		p := note(2 * c[j] * hist[10-j]) // L_mult
		acc = note(acc - p)
	}
	acc = note(acc << 3)
	acc = note(acc + 0x8000)
	return acc >> 16, overflow
}

// residual filters x through A(z) into y: x[10+i] is the input aligned with
// y[i], x[:10] the 10 samples before it.
func residual(a *[11]int16, x *[10 + subLen]int64, y *[subLen]int64) {
	sumA := int64(0)
	for _, v := range a {
		sumA += max(int64(v), -int64(v))
	}
	if sumA > maxInt16 || a[0] != 4096 {
		residualTracked(a, x, y)
		return
	}
	// As in synthesize, no partial sum can saturate: each output is below
	// 2^30 undoubled, so two outputs share the multiplies as a pair. Output
	// i weighs x[i+m] by a[10-m], output i+1 by a[11-m]; a[0] is 1 (Q12)
	// for the decoder's filters, whose inputs are shifted instead.
	var p [11]int64
	p[0] = int64(a[10])
	for m := 1; m < 10; m++ {
		p[m] = pair(int32(a[10-m]), int32(a[11-m]))
	}
	p[10] = int64(a[1]) << 32
	// Four outputs at a time, two pairs that share the loads of the
	// coefficients and of 9 of their samples. (The bound i < subLen-3
	// proves i <= 36 to Go: no bounds checks.)
	for i := 0; i < subLen-3; i += 4 {
		w := (*[14]int64)(x[i : i+14])
		a, b := pairBias+(w[11]<<32+w[10])<<12, pairBias+(w[13]<<32+w[12])<<12
		a, b = a+w[0]*p[0], b+w[2]*p[0]
		a, b = a+w[1]*p[1], b+w[3]*p[1]
		a, b = a+w[2]*p[2], b+w[4]*p[2]
		a, b = a+w[3]*p[3], b+w[5]*p[3]
		a, b = a+w[4]*p[4], b+w[6]*p[4]
		a, b = a+w[5]*p[5], b+w[7]*p[5]
		a, b = a+w[6]*p[6], b+w[8]*p[6]
		a, b = a+w[7]*p[7], b+w[9]*p[7]
		a, b = a+w[8]*p[8], b+w[10]*p[8]
		a, b = a+w[9]*p[9], b+w[11]*p[9]
		a, b = a+w[10]*p[10], b+w[12]*p[10]
		a0, a1 := unpair(a)
		b0, b1 := unpair(b)
		y[i], y[i+1], y[i+2], y[i+3] = roundQ12(int64(a0)), roundQ12(int64(a1)), roundQ12(int64(b0)), roundQ12(int64(b1))
	}
}

// roundQ12 is scaleQ12 without the overflow flag: (s + 2^11) >> 12
// saturated to 16 bits (see scaleQ12), which it seldom needs.
func roundQ12(s int64) int64 {
	return clamp16((s + 1<<11) >> 12)
}

// residualTracked is residual for filters with a large Σ|a| (or an a[0]
// other than 1): plain arithmetic when Σ|a|·max|x| bounds the partial sums,
// else the exact chain.
func residualTracked(a *[11]int16, x *[10 + subLen]int64, y *[subLen]int64) {
	var sumA, maxX int64
	for _, v := range a {
		sumA += max(int64(v), -int64(v))
	}
	for _, v := range x {
		maxX = max(maxX, v, -v)
	}
	plain := 2*sumA*maxX <= maxInt32
	for i := range subLen {
		if plain {
			var s int64
			for j, c := range a {
				s += int64(c) * x[i+10-j]
			}
			y[i], _ = scaleQ12(s)
			continue
		}
		acc := lMult(int16(x[i+10]), a[0])
		for j := 1; j <= 10; j++ {
			acc = lMac(acc, a[j], int16(x[i+10-j]))
		}
		y[i] = int64(round16(lShl(acc, 3)))
	}
}

// weightLPC computes the bandwidth-expanded filter ap[i] = a[i]·γ^i, the
// powers γ^i being those of powers (the reference recomputes them on every
// call, the same way). The powers are positive, so round(L_mult(a, γ^i))
// cannot saturate (2·32767·32767 + 2^15 < 2^31) and is (a·γ^i + 2^14) >> 15.
func weightLPC(a *[11]int16, powers *[11]int16, ap *[11]int16) {
	ap[0] = a[0]
	for i := 1; i <= 10; i++ {
		ap[i] = int16((int32(a[i])*int32(powers[i]) + 0x4000) >> 15)
	}
}

// gammaPowers returns γ^1..γ^10 (index 1..10) as the reference computes
// them, each power the rounded product of the previous one and γ.
func gammaPowers(gamma int16) (p [11]int16) {
	p[1] = gamma
	for i := 2; i <= 10; i++ {
		p[i] = round16(lMult(p[i-1], gamma))
	}
	return p
}

// The powers of the post-filter's weighting factors, shared by both
// variants.
var (
	gamma1Powers = gammaPowers(pstGamma1)
	gamma2Powers = gammaPowers(pstGamma2)
)
