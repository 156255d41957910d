package g729

// Adaptive post-filter of the main body (G.729 §4.2.1–§4.2.4): a long-term
// (harmonic) post-filter on the residual of A(z/γ2) with a fractional delay
// search at 1/8 resolution, the short-term post-filter A(z/γ2)/A(z/γ1),
// tilt compensation and adaptive gain control.

const (
	pstGamma1     = 22938 // 0.7, denominator weighting (Q15)
	pstGamma2     = 18022 // 0.55, numerator weighting (Q15)
	pstGamma3Plus = 6554  // tilt factor when k1 > 0 (Q15)
	pstGamma3Min  = 29491 // tilt factor when k1 < 0 (Q15)
	pstHLen       = 20    // truncated impulse response of the short-term filter
	pstMinGain    = 21845 // long-term gain floor 1/(1+γg), γg = 0.5 (Q15)
	pstAGC        = 32358 // gain-control smoothing 0.9875 (Q15)
	pstAGC1       = 32768 - pstAGC
	pstMemRes     = pitMax + 1 + 8 // residual history for the delay search
	pstResLen     = pstMemRes + 40
)

// postFilter holds the post-filter state.
type postFilter struct {
	res2     [pstResLen]int16 // A(z/γ2) residual with history
	memStp   [10]int16        // memory of 1/A(z/γ1)
	gainPrec int16            // last gain of the gain control (Q14)
}

func (pf *postFilter) reset() {
	*pf = postFilter{gainPrec: 16384}
}

// filter post-filters the subframe synth[off:off+40] (synth[off-10:off]
// must hold the preceding synthesis) with the subframe's LP filter az into
// out. t0 is the decoded pitch lag of the frame's first subframe; harmonic
// enables the long-term post-filter (Annex B disables it in inactive
// frames). It returns the long-term delay found, 0 for unvoiced.
func (pf *postFilter) filter(t0 int16, synth []int16, off int, az *[11]int16, out []int16, harmonic bool) (vo int16) {
	var ap1, ap2 [11]int16
	weightLPC(az, pstGamma1, &ap1)
	weightLPC(az, pstGamma2, &ap2)
	res := pf.res2[pstMemRes:]
	residual(&ap2, synth, off, res)

	var sigLtp [41]int16 // [0] is the last 1/A(z/γ1) output of the previous subframe
	if harmonic {
		// A lag of 144 (19 1/3 ≤ lag ≤ 144 2/3 decode, but 144 only from a
		// second-subframe index no encoder emits) would make the search read
		// before its history, where the reference is undefined: limit it.
		vo = pf.longTerm(min(t0, pitMax), sigLtp[1:])
	} else {
		copy(sigLtp[1:], res)
	}
	sigLtp[0] = pf.memStp[9]

	parcor0 := shortTermGain(&ap2, &ap1, sigLtp[1:])
	synthesize(&ap1, sigLtp[1:], sigLtp[1:], &pf.memStp, true)
	tiltCompensate(&sigLtp, out, parcor0)
	pf.gainPrec = gainControl(synth[off:off+40], out, pf.gainPrec)
	copy(pf.res2[:pstMemRes], pf.res2[40:])
	return vo
}

// ltpChoice is the outcome of the long-term delay search.
type ltpChoice struct {
	delay, phase int16 // delay = delay - phase/8
	num, den     int16 // gain numerator and denominator, 0/1 if unvoiced
	shNum, shDen int16 // their scaling
	offUp        int16 // offset in the short-filter interpolated signal
	voiced       bool
}

// longTerm runs the harmonic post-filter on the current residual into out.
func (pf *postFilter) longTerm(t0 int16, out []int16) (vo int16) {
	in := pf.res2[pstMemRes:]
	// Justify the signal on 13 bits for the search.
	var m int16
	for _, v := range pf.res2 {
		m |= abs16(v)
	}
	sh := sub(3, normS(m))
	var sig [pstResLen]int16
	if sh >= 0 {
		for i, v := range pf.res2 {
			sig[i] = v >> uint(sh)
		}
	} else {
		for i, v := range pf.res2 { // small enough not to saturate
			sig[i] = v << uint(-sh)
		}
	}
	var up [7 * 41]int16
	c := searchDelay(t0, &sig, &up)
	if !c.voiced {
		copy(out, in)
		return 0
	}
	vo = c.delay
	var y []int16
	if c.phase == 0 {
		y = pf.res2[pstMemRes-int(c.delay):]
	} else {
		num2, den2, shNum2, shDen2 := longInterpolate(&sig, c.delay, c.phase, out)
		if selectLTP(c.num, c.den, c.shNum, c.shDen, num2, den2, shNum2, shDen2) == 1 {
			start := int(c.phase-1)*41 + int(c.offUp)
			y = up[start : start+40]
		} else {
			c.num, c.den, c.shNum, c.shDen = num2, den2, shNum2, shDen2
			y = out
		}
		for i := range 40 {
			y[i] = shl(y[i], sh)
		}
	}
	num, den := c.num, c.den
	if d := sub(c.shNum, c.shDen); d >= 0 {
		den = shr(den, d)
	} else {
		num = shl(num, d)
	}
	var gain int16
	if num >= den {
		gain = pstMinGain
	} else {
		num = shr(num, 2)
		den = shr(den, 1)
		gain = divS(den, add(den, num))
	}
	g1 := add(sub(32767, gain), 1)
	for n := range 40 {
		acc := lMult(gain, in[n])
		acc = lMac(acc, g1, y[n])
		out[n] = round16(acc)
	}
	return vo
}

// searchDelay finds the best integer delay around t0 and refines it with
// fractional delays at 1/8 resolution (short interpolation filters). sig is
// the justified residual with history, the current subframe at pstMemRes.
func searchDelay(t0 int16, sig *[pstResLen]int16, up *[7 * 41]int16) (c ltpChoice) {
	// sig is justified below 2^12 and the interpolation filters have a gain
	// below 1.2, so no correlation or energy of 40 products here can reach
	// 2^31: the saturating accumulations of the reference reduce to plain
	// integer arithmetic.
	const b = pstMemRes
	in := sig[b : b+40]
	acc := dot40(in, in)
	if acc == 0 {
		return
	}
	shEner := sub(16, normL(acc))
	var ener int16
	if shEner > 0 {
		ener = extractL(acc >> uint(shEner))
	} else {
		shEner = 0
		ener = extractL(acc)
	}

	// Best of three integer delays around t0.
	lambda := sub(t0, 1)
	numInt := int32(-1)
	var iMax int16
	for i := range int16(3) {
		acc = max(dot40(in, sig[b-int(lambda)-int(i):]), 0)
		if acc > numInt {
			numInt = acc
			iMax = i
		}
	}
	if numInt == 0 {
		return
	}
	lambda = add(lambda, iMax)
	past := sig[b-int(lambda):]
	denInt := dot40(past[:40], past)
	if denInt == 0 {
		return
	}

	// Interpolated signals and their energies for the delays
	// lambda+1-phi/8 (den0) and lambda-phi/8 (den1).
	var den0, den1 [7]int32
	denMax := denInt
	past0 := b - int(lambda) + 1
	for phi := range 7 {
		y := up[phi*41 : phi*41+41]
		h := pstUpShort[phi*4 : phi*4+4]
		x := sig[past0-3 : past0-3+44]
		h0, h1, h2, h3 := int32(h[0]), int32(h[1]), int32(h[2]), int32(h[3])
		for n := range 41 {
			a := h0*int32(x[n+3]) + h1*int32(x[n+2]) + h2*int32(x[n+1]) + h3*int32(x[n])
			y[n] = int16((a<<1 + 0x8000) >> 16)
		}
		e := dot40(y[1:40], y[1:40])
		den0[phi] = e + int32(y[0])*int32(y[0])<<1
		den1[phi] = e + int32(y[40])*int32(y[40])<<1
		if abs16(y[0]) > abs16(y[40]) {
			denMax = max(denMax, den0[phi])
		} else {
			denMax = max(denMax, den1[phi])
		}
	}
	shDen := sub(16, normL(denMax))
	if shDen <= 0 { // dynamic between subframe and delay line too high
		return
	}
	shNum := max(shDen, shEner)

	// Select the best num²/den, starting from the integer delay.
	denBest := extractL(denInt >> uint(shDen))
	numBest := extractL(numInt >> uint(shNum))
	hiBest, loBest := lExtract(lMult(numBest, numBest))
	var phiBest int16
	off := int16(1)
	for phi := range int16(7) {
		y := up[int(phi)*41:]
		for o := range int16(2) {
			var num int16
			if acc := dot40(in, y[o:]) >> uint(shNum); acc >= 0 {
				num = extractL(acc)
			}
			hi, lo := lExtract(lMult(num, num))
			dens := &den0
			if o == 1 {
				dens = &den1
			}
			den := extractL(dens[phi] >> uint(shDen))
			if lSub(mpy32x16(hi, lo, denBest), mpy32x16(hiBest, loBest, den)) > 0 {
				numBest, hiBest, loBest, denBest = num, hi, lo, den
				off, phiBest = o, phi+1
			}
		}
	}

	// Voiced only if num²/(den·ener) > 0.5.
	if numBest == 0 || denBest <= 1 {
		return
	}
	l1 := lMult(denBest, ener)
	l0 := lComp(hiBest, loBest)
	t := add(sub(sub(shl(shNum, 1), shDen), shEner), 1)
	if t < 0 {
		l0 = lShr(l0, negate(t))
	} else if t > 0 {
		l1 = lShr(l1, t)
	}
	if lSub(l0, l1) >= 0 {
		c = ltpChoice{
			delay: sub(add(lambda, 1), off), phase: phiBest,
			num: numBest, den: denBest, shNum: shNum, shDen: shDen,
			offUp: off, voiced: true,
		}
	}
	return
}

// dot40 returns Σ 2·a[i]·b[i] over len(a) <= 40 samples without saturation,
// for signals known to be small enough.
func dot40(a, b []int16) int32 {
	b = b[:len(a)]
	var s int32
	for i, v := range a {
		s += int32(v) * int32(b[i])
	}
	return s << 1
}

// longInterpolate computes the delayed signal with the long (16-tap)
// interpolation filter into y and the numerator and denominator of its gain.
func longInterpolate(sig *[pstResLen]int16, delay, phase int16, y []int16) (num, den, shNum, shDen int16) {
	// As in searchDelay, the justified signal keeps every sum below 2^31.
	h := (*[16]int16)(pstUpLong[int(phase-1)*16:])
	start := pstMemRes + 8 - int(delay)
	for n := range 40 {
		x := (*[16]int16)(sig[start+n-15:])
		var acc int32
		for i := range 16 {
			acc += int32(h[i]) * int32(x[15-i])
		}
		y[n] = int16((acc<<1 + 0x8000) >> 16)
	}
	if acc := dot40(y[:40], sig[pstMemRes:]); acc >= 0 {
		t := max(sub(16, normL(acc)), 0)
		num, shNum = extractL(acc>>uint(t)), t
	}
	acc := dot40(y[:40], y)
	t := max(sub(16, normL(acc)), 0)
	den, shDen = extractL(acc>>uint(t)), t
	return
}

// selectLTP returns 1 if gain num1²/den1 is at least num2²/den2, else 2.
func selectLTP(num1, den1, shNum1, shDen1, num2, den2, shNum2, shDen2 int16) int {
	if den2 == 0 {
		return 1
	}
	hi, lo := lExtract(lMult(num1, num1))
	l1 := mpy32x16(hi, lo, den2)
	hi, lo = lExtract(lMult(num2, num2))
	l2 := mpy32x16(hi, lo, den1)
	t1 := add(shl(shNum1, 1), shDen2)
	t2 := add(shl(shNum2, 1), shDen1)
	if t2 > t1 {
		l1 = lShr(l1, sub(t2, t1))
	} else if t1 > t2 {
		l2 = lShr(l2, sub(t1, t2))
	}
	if lSub(l2, l1) > 0 {
		return 2
	}
	return 1
}

// shortTermGain computes the impulse response of A(z/γ2)/A(z/γ1), returns
// its first reflection coefficient and scales sig by 1/Σ|h| when that sum
// exceeds 1.
func shortTermGain(ap2, ap1 *[11]int16, sig []int16) (parcor0 int16) {
	var x, h [pstHLen]int16
	copy(x[:], ap2[:])
	var zero [10]int16
	synthesize(ap1, x[:], h[:], &zero, false)

	// First parcor from the autocorrelation of h.
	var acc int32
	for _, v := range h {
		acc = lMac(acc, v, v)
	}
	sh := normL(acc)
	acf0 := extractH(lShl(acc, sh))
	acc = 0
	for i := range pstHLen - 1 {
		acc = lMac(acc, h[i], h[i+1])
	}
	acf1 := extractH(lShl(acc, sh))
	if acf0 >= abs16(acf1) {
		parcor0 = divS(abs16(acf1), acf0)
		if acf1 > 0 {
			parcor0 = negate(parcor0)
		}
	}

	var g0l int32
	for _, v := range h {
		g0l = lAdd(g0l, int32(abs16(v)))
	}
	g0 := extractH(lShl(g0l, 14))
	if g0 > 1024 {
		t := divS(1024, g0)
		for i := range 40 {
			sig[i] = multR(sig[i], t)
		}
	}
	return parcor0
}

// tiltCompensate filters sig (sig[0] is the previous sample) through
// (1 + μ z⁻¹)/(1 - |μ|) into out, with μ = γ3·parcor0.
func tiltCompensate(sig *[41]int16, out []int16, parcor0 int16) {
	var mu, fact int16
	var shFact1 int16
	var lFact int32
	if parcor0 > 0 {
		mu = multR(parcor0, pstGamma3Plus)
		shFact1, fact, lFact = 15, 0x4000, 0x4000
	} else {
		mu = multR(parcor0, pstGamma3Min)
		shFact1, fact, lFact = 12, 0x0800, 0x0800
	}
	mu2 := add(32767, sub(1, abs16(mu)))
	ga := divS(fact, mu2)
	mu = shr(mu, 1)
	for n := range 40 {
		acc := int32(sig[n+1]) << 15
		acc = lMac(acc, mu, sig[n])
		acc = lAdd(acc, 0x4000)
		t := extractL(acc >> 15)
		acc = lAdd(lMult(t, ga), lFact)
		out[n] = sat16(lShr(acc, shFact1))
	}
}

// gainControl scales out so that its gain follows that of in, smoothed
// from one sample to the next; it returns the last gain.
func gainControl(in, out []int16, gain int16) int16 {
	acc := absSum(in)
	var g0 int16
	if acc != 0 {
		scIn := normL(acc)
		gIn := extractH(lShl(acc, scIn))
		acc = absSum(out)
		if acc == 0 {
			return 0
		}
		scOut := normL(acc)
		gOut := extractH(lShl(acc, scOut))
		shG0 := sub(add(scIn, 1), scOut)
		if gIn < gOut {
			g0 = divS(gIn, gOut)
		} else {
			g0 = add(shr(divS(sub(gIn, gOut), gOut), 1), 0x4000)
			shG0 = sub(shG0, 1)
		}
		g0 = shr(g0, shG0)
		g0 = multR(g0, pstAGC1)
	}
	for i := range out {
		gain = add(multR(pstAGC, gain), g0)
		out[i] = round16(lShl(lMult(gain, out[i]), 1))
	}
	return gain
}

// absSum returns Σ|x[i]| (the sum of 40 samples cannot saturate).
func absSum(x []int16) int32 {
	var s int32
	for _, v := range x {
		s += max(int32(v), -int32(v))
	}
	return s
}
