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
	pstBlock      = 8 // samples per block of blockPeak
	// The residual histories slide through buffers this many subframes
	// long beyond the window, so that they are moved back only once in as
	// many subframes.
	pstSlide = 8
	pstHist  = pstResLen + (pstSlide-1)*subLen
)

// postFilter holds the post-filter state.
type postFilter struct {
	// res2h holds the A(z/γ2) residual with history: the window res2() at
	// pos.
	res2h [pstHist]int64
	// scaledh holds res2 justified for the long-term search (the window
	// scaled() at pos), shifted left by scaledSh bits (right when
	// negative), from scaledFrom on. The justification changes seldom, so
	// scaled follows res2 and is redone only when it does, and only as far
	// back as a search reads.
	scaledh    [pstHist]int64
	pos        int
	scaledFrom int
	scaledSh   int16
	// up receives the signals interpolated at the seven fractional phases
	// (kept here so that it is not cleared on every subframe).
	up [7][41]int64
	// blockPeak holds the largest magnitude of each 8-sample block of res2,
	// which keeps the justification of res2 from scanning all of it.
	blockPeak [pstResLen / pstBlock]int64
	memStp    [10]int64 // memory of 1/A(z/γ1)
	gainPrec  int16     // last gain of the gain control (Q14)
}

func (pf *postFilter) reset() {
	*pf = postFilter{gainPrec: 16384}
}

// res2 returns the residual of the current subframe (at pstMemRes) with its
// history.
func (pf *postFilter) res2() *[pstResLen]int64 { return (*[pstResLen]int64)(pf.res2h[pf.pos:]) }

// scaled returns the justified residual, as res2.
func (pf *postFilter) scaled() *[pstResLen]int64 { return (*[pstResLen]int64)(pf.scaledh[pf.pos:]) }

// advance slides the windows by a subframe.
func (pf *postFilter) advance() {
	pf.pos += subLen
	if pf.pos+pstResLen > pstHist {
		copy(pf.res2h[:pstMemRes], pf.res2h[pf.pos:])
		copy(pf.scaledh[:pstMemRes], pf.scaledh[pf.pos:])
		pf.scaledFrom = max(pf.scaledFrom-pf.pos, 0)
		pf.pos = 0
	}
}

// filter post-filters the subframe synth[10:] (synth[:10] holding the
// preceding synthesis) with the subframe's LP filter az into out. t0 is the
// decoded pitch lag of the frame's first subframe; harmonic enables the
// long-term post-filter (Annex B disables it in inactive frames). It returns
// the long-term delay found, 0 for unvoiced.
func (pf *postFilter) filter(t0 int16, synth *[10 + subLen]int64, az *[11]int16, out *[subLen]int64, harmonic bool) (vo int16) {
	var ap1, ap2 [11]int16
	weightLPC(az, &gamma1Powers, &ap1)
	weightLPC(az, &gamma2Powers, &ap2)
	res := (*[subLen]int64)(pf.res2()[pstMemRes:])
	residual(&ap2, synth, res)
	justify40((*[subLen]int64)(pf.scaled()[pstMemRes:]), res, pf.scaledSh)
	copy(pf.blockPeak[:], pf.blockPeak[subLen/pstBlock:])
	for i := range subLen / pstBlock {
		pf.blockPeak[pstMemRes/pstBlock+i] = peak(res[i*pstBlock : (i+1)*pstBlock])
	}

	var ltp [subLen]int64
	if harmonic {
		// A lag of 144 (19 1/3 ≤ lag ≤ 144 2/3 decode, but 144 only from a
		// second-subframe index no encoder emits) would make the search read
		// before its history, where the reference is undefined: limit it.
		vo = pf.longTerm(min(t0, pitMax), &ltp)
	} else {
		ltp = *res
	}

	var syn1 synthFilter // 1/A(z/γ1), twice
	syn1.init(&ap1)
	parcor0 := shortTermGain(&ap2, &syn1, &ltp)
	// 1/A(z/γ1) into st[10:], st[:10] being its memory; the tilt
	// compensation reads st[9:], the last output before the subframe first.
	var st [10 + subLen]int64
	copy(st[:10], pf.memStp[:])
	syn1.run(&ltp, &st, subLen)
	copyFresh(pf.memStp[:], st[subLen:])
	outAbs := tiltCompensate((*[1 + subLen]int64)(st[9:]), out, parcor0)
	pf.gainPrec = gainControl((*[subLen]int64)(synth[10:]), out, outAbs, pf.gainPrec)
	pf.advance()
	return vo
}

// justify writes src shifted left by sh bits (right when negative) into
// dst. (The masks, a no-op, spare Go its handling of shifts by 64 or more.)
func justify(dst, src []int64, sh int16) {
	dst = dst[:len(src)]
	if sh >= 0 {
		for i, v := range src { // small enough not to saturate
			dst[i] = v << (uint(sh) & 63)
		}
		return
	}
	for i, v := range src {
		dst[i] = v >> (uint(-sh) & 63)
	}
}

// justify40 is justify for one subframe.
func justify40(dst, src *[subLen]int64, sh int16) {
	if sh >= 0 {
		l := uint(sh) & 63
		for i := 0; i < subLen; i += 4 {
			dst[i], dst[i+1], dst[i+2], dst[i+3] = src[i]<<l, src[i+1]<<l, src[i+2]<<l, src[i+3]<<l
		}
		return
	}
	r := uint(-sh) & 63
	for i := 0; i < subLen; i += 4 {
		dst[i], dst[i+1], dst[i+2], dst[i+3] = src[i]>>r, src[i+1]>>r, src[i+2]>>r, src[i+3]>>r
	}
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
func (pf *postFilter) longTerm(t0 int16, out *[subLen]int64) (vo int16) {
	res2 := pf.res2()
	in := (*[subLen]int64)(res2[pstMemRes:])
	// Justify the signal on 13 bits for the search. The reference ORs the
	// magnitudes of all of res2; their maximum has the same leading bit.
	m := peak(pf.blockPeak[:])
	// sh is the right shift of the reference.
	sh := sub(3, normS(int16(min(m, maxInt16))))
	sig := pf.scaled()
	// The search and the long interpolation read sig from b - t0 - 9 on
	// (the delays searched are at most t0 + 2, the long filter reaches 15
	// samples behind and 8 ahead of its delay).
	from := pstMemRes - int(t0) - 9
	if -sh != pf.scaledSh {
		pf.scaledSh = -sh
		justify(sig[from:], res2[from:], pf.scaledSh)
		pf.scaledFrom = pf.pos + from
	} else if to := pf.scaledFrom - pf.pos; from < to {
		justify(sig[from:to], res2[from:to], pf.scaledSh)
		pf.scaledFrom = pf.pos + from
	}
	up := &pf.up
	c := searchDelay(t0, sig, up)
	if !c.voiced {
		*out = *in
		return 0
	}
	vo = c.delay
	var y *[subLen]int64
	var r uint // the right shift that takes y back to the scale of res2
	if c.phase == 0 {
		y = (*[subLen]int64)(res2[pstMemRes-int(c.delay):])
	} else {
		num2, den2, shNum2, shDen2 := longInterpolate(sig, c.delay, c.phase, out)
		if selectLTP(c.num, c.den, c.shNum, c.shDen, num2, den2, shNum2, shDen2) == 1 {
			y = (*[subLen]int64)(up[c.phase-1][c.offUp:])
		} else {
			c.num, c.den, c.shNum, c.shDen = num2, den2, shNum2, shDen2
			y = out
		}
		if sh < 0 {
			r = uint(-sh) & 63 // (the mask, a no-op, spares Go its handling of shifts by 64)
		} else if sh > 0 {
			for i := range y {
				y[i] = int64(shl(int16(y[i]), sh))
			}
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
	g1 := int64(add(sub(32767, gain), 1))
	g := int64(gain)
	// gain + g1 <= 2^15, so the sum of the two products never saturates.
	for n := range subLen {
		out[n] = (g*in[n] + g1*(y[n]>>r) + 0x4000) >> 15
	}
	return vo
}

// searchDelay finds the best integer delay around t0 and refines it with
// fractional delays at 1/8 resolution (short interpolation filters). sig is
// the justified residual with history, the current subframe at pstMemRes;
// up receives the signals interpolated at the seven fractional phases.
func searchDelay(t0 int16, sig *[pstResLen]int64, up *[7][41]int64) (c ltpChoice) {
	// sig is justified below 2^12 and the interpolation filters have a gain
	// below 1.2, so no correlation or energy of 40 products here can reach
	// 2^31: the saturating accumulations of the reference reduce to plain
	// integer arithmetic.
	const b = pstMemRes
	in := (*[subLen]int64)(sig[b:])
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

	// ip[n] pairs in[n] and in[n-1] (in[-1] = in[40] = 0): Σ s[k+n]·ip[n]
	// over n = 0..40 correlates the subframe with the delay line starting
	// at k (low lane) and at k+1 (high lane) at once.
	var ip [subLen + 1]int64
	ip[0] = in[0]
	for n := 1; n < subLen; n++ {
		ip[n] = in[n-1]<<32 + in[n]
	}
	ip[subLen] = in[subLen-1] << 32

	// Best of three integer delays around t0: t0-1 and t0 as a pair.
	lambda := sub(t0, 1)
	w := (*[subLen + 1]int64)(sig[b-int(lambda)-1:])
	cLate, cEarly := unpair(pairBias + sum40((*[subLen]int64)(w[:subLen]), (*[subLen]int64)(ip[:subLen])) + w[subLen]*ip[subLen])
	corr := [3]int32{cEarly << 1, cLate << 1, dot40(in, (*[subLen]int64)(sig[b-int(lambda)-2:]))}
	// The first of the largest (negative ones counting as 0), without
	// branches.
	numInt := max(corr[0], 0)
	var iMax int16
	if c := max(corr[1], 0); c > numInt {
		numInt, iMax = c, 1
	}
	if c := max(corr[2], 0); c > numInt {
		numInt, iMax = c, 2
	}
	if numInt == 0 {
		return
	}
	lambda = add(lambda, iMax)
	past := (*[subLen]int64)(sig[b-int(lambda):])
	denInt := dot40(past, past)
	if denInt == 0 {
		return
	}

	// Signals interpolated at the delays lambda+1-phi/8 (offset 0 in up)
	// and lambda-phi/8 (offset 1), with their energies and their
	// correlations with the subframe.
	//
	// Every sum here stays within 31 bits, so two neighbouring outputs share
	// their multiplies as the lanes of a pair (vector.go): xp[n] pairs the
	// samples x[n], x[n+1] of the delayed signal, and ip[n] pairs in[n],
	// in[n-1] so that Σ y[n]·ip[n] yields both correlations at once.
	var den, num [14]int32 // [2·phi + offset]
	denMax := denInt
	x := (*[45]int64)(sig[b-int(lambda)+1-3:])
	var xp [44]int64
	for n := range xp {
		xp[n] = x[n+1]<<32 + x[n]
	}
	// The filters of the phases phi and 6-phi are mirror images (phase 3
	// its own): interpolating them together takes half the multiplies.
	for phi := range 3 {
		interpolateMirrored((*[4]int16)(pstUpShort[phi*4:]), &xp, &up[phi], &up[6-phi])
	}
	interpolateSymmetric((*[4]int16)(pstUpShort[3*4:]), &xp, &up[3])
	for phi := range 7 {
		y := &up[phi]
		y[subLen] = interpolateLast((*[4]int16)(pstUpShort[phi*4:]), x)
		phaseSums(y, &ip, (*[2]int32)(den[2*phi:]), (*[2]int32)(num[2*phi:]))
		// The reference takes the energy of the offset whose end sample
		// (y[0] or y[40]) is the larger in magnitude: the larger energy.
		denMax = max(denMax, den[2*phi], den[2*phi+1])
	}
	shDen := sub(16, normL(denMax))
	if shDen <= 0 { // dynamic between subframe and delay line too high
		return
	}
	shNum := max(shDen, shEner)

	// Select the best num²/den, starting from the integer delay. The
	// reference compares Mpy_32_16 products of the split squares, which are
	// 2·((sq >> 1)·den >> 15) exactly (den >= 0); sq holds L_mult(num, num)
	// >> 1, and the comparison drops the common factor 2.
	denBest := extractL(denInt >> uint(shDen))
	numBest := extractL(numInt >> uint(shNum))
	sqBest := int64(lMult(numBest, numBest)) >> 1
	k, sqBest, denBest := selectPhase(&num, &den, shNum, shDen, sqBest, denBest)
	var phiBest int16
	off := int16(1)
	if k >= 0 {
		numBest, phiBest, off = phaseNum(&num, k, shNum), int16(k>>1)+1, int16(k&1)
	}

	// Voiced only if num²/(den·ener) > 0.5.
	if numBest == 0 || denBest <= 1 {
		return
	}
	l1 := lMult(denBest, ener)
	l0 := int32(sqBest << 1) // L_Comp of the split square
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

// phaseNum returns the numerator of candidate k (2·phi + o) of selectPhase,
// 0 if negative. (shNum is at most 16: the mask, a no-op, spares Go its
// handling of shifts by 32 or more.)
func phaseNum(num *[14]int32, k int, shNum int16) int16 {
	return extractL(max(num[k]>>(uint(shNum)&31), 0))
}

// selectPhase returns the candidate k = 2·phi + o of the fractional delays
// with the best num²/den if it beats the integer delay's sq/den, else -1,
// with the best sq and den. The outcomes of the comparisons are data, not
// patterns a branch predictor learns: the loop carries the best through
// conditional moves.
func selectPhase(num, den *[14]int32, shNum, shDen int16, sqBest int64, denBest int16) (k int, _ int64, _ int16) {
	k = -1
	for i := range 14 {
		n := phaseNum(num, i, shNum)
		sq := int64(lMult(n, n)) >> 1
		d := extractL(den[i] >> (uint(shDen) & 31))
		better := (sq*int64(denBest))>>15 > (sqBest*int64(d))>>15
		if better {
			k = i
		}
		if better {
			sqBest = sq
		}
		if better {
			denBest = d
		}
	}
	return k, sqBest, denBest
}

// The short interpolation filters of searchDelay: phase phi computes, for
// n = 0..40,
//
//	y[n] = (h0·x[n+3] + h1·x[n+2] + h2·x[n+1] + h3·x[n] + 2^14) >> 15
//
// (that is round(2a) of the reference), with h the four taps of the phase
// and x the delayed signal, paired in xp[n] = (x[n], x[n+1]). Every sum is
// far below 2^30, so two neighbouring outputs share each multiply as the
// lanes of a pair (vector.go).

// interpolateMirrored computes the phases with taps h (into ya) and with
// the reversed taps (into yb), n = 0..39. With a and b their sums, a + b
// and a - b take two multiplies each on the sums and differences of the
// symmetric inputs: a + b = (h0+h3)·(x3+x0) + (h1+h2)·(x2+x1), a - b =
// (h0-h3)·(x3-x0) + (h1-h2)·(x2-x1).
func interpolateMirrored(h *[4]int16, xp *[44]int64, ya, yb *[41]int64) {
	s03, s12 := int64(h[0])+int64(h[3]), int64(h[1])+int64(h[2])
	d03, d12 := int64(h[0])-int64(h[3]), int64(h[1])-int64(h[2])
	// 2a + 2^15 and 2b + 2^15 in both lanes of (a+b) ± (a-b) + rnd, the
	// low lane lifted by pairBias: the high lane >> 16 is the whole >> 48,
	// the low one the low 32 bits >> 16 less 2^15.
	const rnd = pairBias + 1<<15<<32 + 1<<15
	_, _ = *ya, *yb // nil checks once, not in the loop
	for n := 0; n < subLen; n += 2 {
		x := (*[4]int64)(xp[n : n+4])
		sum := s03*(x[3]+x[0]) + s12*(x[2]+x[1])
		dif := d03*(x[3]-x[0]) + d12*(x[2]-x[1])
		a, b := sum+dif+rnd, sum-dif+rnd
		ya[n], ya[n+1] = int64(uint32(a)>>16)-1<<15, a>>48
		yb[n], yb[n+1] = int64(uint32(b)>>16)-1<<15, b>>48
	}
}

// interpolateSymmetric computes the phase whose taps are symmetric (h0 = h3,
// h1 = h2) into y, n = 0..39: two multiplies per pair of outputs.
func interpolateSymmetric(h *[4]int16, xp *[44]int64, y *[41]int64) {
	h0, h1 := int64(h[0]), int64(h[1])
	const rnd = pairBias + 0x4000<<32 + 0x4000
	for n := 0; n < subLen; n += 2 {
		x := (*[4]int64)(xp[n : n+4])
		acc := rnd + h0*(x[3]+x[0]) + h1*(x[2]+x[1])
		y[n], y[n+1] = int64(int32(uint32(acc)^pairBias))>>15, acc>>47
	}
}

// interpolateLast returns output 40 of the phase with taps h.
func interpolateLast(h *[4]int16, x *[45]int64) int64 {
	return (int64(h[0])*x[subLen+3] + int64(h[1])*x[subLen+2] + int64(h[2])*x[subLen+1] + int64(h[3])*x[subLen] + 0x4000) >> 15
}

// phaseSums returns the energies (den) and the correlations with the
// subframe (num) of an interpolated signal y for the offsets 0 and 1 of
// searchDelay; ip[n] pairs in[n] and in[n-1], so that Σ y[n]·ip[n] yields
// both correlations at once.
func phaseSums(y *[41]int64, ip *[subLen + 1]int64, den, num *[2]int32) {
	e, cc := phaseSums40(y, ip)
	cc += y[subLen] * ip[subLen]
	e -= y[0] * y[0] // y[1..39], common to both offsets
	c0, c1 := unpair(cc)
	den[0], den[1] = int32((e+y[0]*y[0])<<1), int32((e+y[subLen]*y[subLen])<<1)
	num[0], num[1] = c0<<1, c1<<1
}

// phaseSums40 returns Σ y[n]² and pairBias + Σ y[n]·ip[n] over n = 0..39
// (a loop of its own, which keeps its values in registers).
func phaseSums40(y *[41]int64, ip *[subLen + 1]int64) (e, cc int64) {
	cc = pairBias
	var cc2, e2 int64
	for n := 0; n < subLen; n += 4 {
		v := (*[4]int64)(y[n : n+4])
		p := (*[4]int64)(ip[n : n+4])
		cc += v[0]*p[0] + v[1]*p[1]
		cc2 += v[2]*p[2] + v[3]*p[3]
		e += v[0]*v[0] + v[1]*v[1]
		e2 += v[2]*v[2] + v[3]*v[3]
	}
	return e + e2, cc + cc2
}

// longInterpolate computes the delayed signal with the long (16-tap)
// interpolation filter into y and the numerator and denominator of its gain.
func longInterpolate(sig *[pstResLen]int64, delay, phase int16, y *[subLen]int64) (num, den, shNum, shDen int16) {
	// As in searchDelay, the justified signal keeps every sum below 2^31,
	// and two neighbouring outputs share their multiplies as a pair: xp[k]
	// pairs x[k] and x[k+1].
	var h [16]int64
	for i, v := range pstUpLong[int(phase-1)*16 : int(phase)*16] {
		h[15-i] = int64(v)
	}
	x := (*[subLen + 15]int64)(sig[pstMemRes+8-int(delay)-15:])
	var xp [subLen + 14]int64
	for k := range xp {
		xp[k] = x[k+1]<<32 + x[k]
	}
	const rnd = pairBias + 0x4000<<32 + 0x4000 // with the rounding of both lanes
	// Four outputs at a time, two pairs that share the loads of the taps
	// and of 14 of their samples. (The bound n < subLen-3 proves n <= 36 to
	// Go: no bounds checks.)
	for n := 0; n < subLen-3; n += 4 {
		w := (*[18]int64)(xp[n : n+18])
		a, b := int64(rnd), int64(rnd)
		a, b = a+h[0]*w[0], b+h[0]*w[2]
		a, b = a+h[1]*w[1], b+h[1]*w[3]
		a, b = a+h[2]*w[2], b+h[2]*w[4]
		a, b = a+h[3]*w[3], b+h[3]*w[5]
		a, b = a+h[4]*w[4], b+h[4]*w[6]
		a, b = a+h[5]*w[5], b+h[5]*w[7]
		a, b = a+h[6]*w[6], b+h[6]*w[8]
		a, b = a+h[7]*w[7], b+h[7]*w[9]
		a, b = a+h[8]*w[8], b+h[8]*w[10]
		a, b = a+h[9]*w[9], b+h[9]*w[11]
		a, b = a+h[10]*w[10], b+h[10]*w[12]
		a, b = a+h[11]*w[11], b+h[11]*w[13]
		a, b = a+h[12]*w[12], b+h[12]*w[14]
		a, b = a+h[13]*w[13], b+h[13]*w[15]
		a, b = a+h[14]*w[14], b+h[14]*w[16]
		a, b = a+h[15]*w[15], b+h[15]*w[17]
		// y = (2a + 2^15) >> 16 = (a + 2^14) >> 15 for both lanes.
		y[n], y[n+1] = int64(int32(uint32(a)^pairBias))>>15, a>>47
		y[n+2], y[n+3] = int64(int32(uint32(b)^pairBias))>>15, b>>47
	}
	if acc := dot40(y, (*[subLen]int64)(sig[pstMemRes:])); acc >= 0 {
		t := max(sub(16, normL(acc)), 0)
		num, shNum = extractL(acc>>uint(t)), t
	}
	acc := dot40(y, y)
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

// impulseResponse computes the first n samples of the impulse response of
// A(z/γ2)/A(z/γ1) (num = A(z/γ2), den = 1/A(z/γ1)) into h.
func impulseResponse(num *[11]int16, den *synthFilter, h *[10 + subLen]int64, n int) {
	var x [subLen]int64
	for i, v := range num {
		x[i] = int64(v)
	}
	*h = [10 + subLen]int64{}
	den.run(&x, h, n)
}

// autocorr returns the saturating L_mac sums Σ h[i]² and Σ h[i]·h[i+1]
// over h[:n].
func autocorr(h []int64) (r0, r1 int32) {
	// When 2·n·peak² < 2^31 no partial sum of the n doubled products
	// reaches 2^31 (h[0] is 4096, so the bound must allow it).
	if p := peak(h); len(h) > 1 && len(h) <= subLen && 2*int64(len(h))*p*p <= maxInt32 {
		e, c := h[0]*h[0], int64(0)
		for i := 1; i < len(h); i++ {
			e += h[i] * h[i]
			c += h[i-1] * h[i]
		}
		return int32(e << 1), int32(c << 1)
	}
	for i, v := range h {
		r0 = lMac(r0, int16(v), int16(v))
		if i > 0 {
			r1 = lMac(r1, int16(h[i-1]), int16(v))
		}
	}
	return r0, r1
}

// shortTermGain computes the impulse response of A(z/γ2)/A(z/γ1), returns
// its first reflection coefficient and scales sig by 1/Σ|h| when that sum
// exceeds 1.
func shortTermGain(ap2 *[11]int16, syn1 *synthFilter, sig *[subLen]int64) (parcor0 int16) {
	var buf [10 + subLen]int64
	impulseResponse(ap2, syn1, &buf, pstHLen)
	h := buf[10 : 10+pstHLen]

	// First parcor from the autocorrelation of h.
	r0, r1 := autocorr(h)
	sh := normL(r0)
	acf0 := extractH(lShl(r0, sh))
	acf1 := extractH(lShl(r1, sh))
	if acf0 >= abs16(acf1) {
		parcor0 = divS(abs16(acf1), acf0)
		if acf1 > 0 {
			parcor0 = negate(parcor0)
		}
	}

	var g0l int32
	for _, v := range h {
		g0l += int32(min(max(v, -v), maxInt16)) // abs_s
	}
	g0 := extractH(lShl(g0l, 14))
	if g0 > 1024 {
		t := int64(divS(1024, g0))
		for i, v := range sig {
			sig[i] = (v*t + 0x4000) >> 15 // mult_r: t < 2^15 keeps it in range
		}
	}
	return parcor0
}

// tiltCompensate filters sig (sig[0] is the previous sample) through
// (1 + μ z⁻¹)/(1 - |μ|) into out, with μ = γ3·parcor0. It returns
// Σ|out[n]| (40 samples cannot saturate it), which the gain control takes
// next.
func tiltCompensate(sig *[1 + subLen]int64, out *[subLen]int64, parcor0 int16) (outAbs int32) {
	var mu, fact int16
	var shFact1 uint
	if parcor0 > 0 {
		mu = multR(parcor0, pstGamma3Plus)
		shFact1, fact = 15, 0x4000
	} else {
		mu = multR(parcor0, pstGamma3Min)
		shFact1, fact = 12, 0x0800
	}
	mu2 := add(32767, sub(1, abs16(mu)))
	ga := int64(divS(fact, mu2))
	m2 := 2 * int64(shr(mu, 1))
	// |μ/2| <= 2^14 and ga >= 0 keep every step of the reference within
	// 32 bits: only the final saturation to 16 bits and the truncation of
	// extract_l remain. The last step, (2t·ga + fact) >> shFact1 (fact
	// being 2^(shFact1-1)), is (t·g2 + 2^14) >> 15 with g2 = 2·ga <<
	// (15-shFact1) for both shifts; its saturation is seldom needed.
	g2 := 2 * ga << (15 - shFact1)
	var sum int64
	for n := range out {
		acc := sig[n+1]<<15 + m2*sig[n] + 0x4000
		t := int64(int16(acc >> 15))
		y := clamp16((t*g2 + 0x4000) >> 15)
		out[n] = y
		sum += max(y, -y)
	}
	return int32(sum)
}

// gainControl scales out so that its gain follows that of in, smoothed
// from one sample to the next; it returns the last gain. outAbs is
// Σ|out[n]|.
func gainControl(in, out *[subLen]int64, outAbs int32, gain int16) int16 {
	acc := absSum(in)
	var g0 int16
	if acc != 0 {
		scIn := normL(acc)
		gIn := extractH(lShl(acc, scIn))
		acc = outAbs
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
	// gain = add(mult_r(0.9875, gain), g0) and out = round(L_shl(L_mult(
	// gain, out), 1)). The gain stays within 16 bits without saturation:
	// mult_r(0.9875, 32767) = 32357 and g0 = mult_r(x, 410) <= 410. Adding
	// g0·2^15 before the shift of mult_r adds g0 after it, which takes the
	// addition off the recursion, the loop's critical path. The output is
	// (gain·out + 2^13) >> 14 saturated to 16 bits, which it seldom needs.
	gl, k := int64(gain), 0x4000+int64(g0)<<15
	for i := 0; i < subLen; i += 2 {
		ga := (gl*pstAGC + k) >> 15
		gl = (ga*pstAGC + k) >> 15
		out[i], out[i+1] = clamp16((ga*out[i]+0x2000)>>14), clamp16((gl*out[i+1]+0x2000)>>14)
	}
	return int16(gl)
}

// absSum returns Σ|x[i]| (the sum of 40 samples cannot saturate).
func absSum(x *[subLen]int64) int32 {
	var s0, s1 int64
	for i := 0; i < subLen; i += 4 {
		s0 += max(x[i], -x[i]) + max(x[i+1], -x[i+1])
		s1 += max(x[i+2], -x[i+2]) + max(x[i+3], -x[i+3])
	}
	return int32(s0 + s1)
}
