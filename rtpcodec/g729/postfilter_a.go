package g729

// Reduced-complexity post-filter of G.729 Annex A (§A.4.2): the long-term
// post-filter searches integer delays only, around each subframe's own pitch
// lag; the tilt compensation is a first-order pre-emphasis driven by the
// impulse response of A(z/γ2)/A(z/γ1), and the gain control follows the
// energy (not the magnitude) of the signal with a faster smoothing factor.

const (
	pstAHLen   = 22    // truncated impulse response of A(z/γ2)/A(z/γ1)
	pstAMu     = 26214 // tilt factor 0.8 (Q15)
	pstAGammaP = 16384 // harmonic weighting γp = 0.5 (Q15)
	pstAInvGP  = 21845 // 1/(1+γp) (Q15)
	pstAGP2    = 10923 // γp/(1+γp) (Q15)
	pstAAGC    = 29491 // gain-control smoothing 0.9 (Q15)
	pstAAGC1   = 3276  // 1 - 0.9 (Q15)
	pstAResLen = pitMax + subLen
)

// postFilterA holds the state of the Annex A post-filter.
type postFilterA struct {
	res2     [pstAResLen]int64 // A(z/γ2) residual with pitMax samples of history
	scaled   [pstAResLen]int64 // res2/4, on which the delay search runs
	memStp   [10]int64         // memory of 1/A(z/γ1)
	memPre   int64             // last input sample of the pre-emphasis
	pastGain int16             // last gain of the gain control (Q12)
}

func (pf *postFilterA) reset() {
	*pf = postFilterA{pastGain: 4096}
}

// filter post-filters the subframe synth[10:] (synth[:10] holding the
// preceding synthesis) with the subframe's LP filter az into out. t0 is the
// subframe's decoded integer pitch lag; harmonic enables the long-term
// post-filter (Annex B disables it in inactive frames).
func (pf *postFilterA) filter(t0 int16, synth *[10 + subLen]int64, az *[11]int16, out *[subLen]int64, harmonic bool) {
	var ap3, ap4 [11]int16
	weightLPC(az, &gamma2Powers, &ap3)
	weightLPC(az, &gamma1Powers, &ap4)
	res := (*[subLen]int64)(pf.res2[pitMax:])
	residual(&ap3, synth, res)
	scaled := (*[subLen]int64)(pf.scaled[pitMax:])
	for i, v := range res {
		scaled[i] = v >> 2
	}

	var sig [subLen]int64
	if harmonic {
		tMin := t0 - 3
		tMax := tMin + 6
		if tMax > pitMax {
			tMax = pitMax
			tMin = tMax - 6
		}
		pf.harmonic(tMin, tMax, &sig)
	} else {
		sig = *res
	}
	var syn4 synthFilter // 1/A(z/γ1), twice
	syn4.init(&ap4)
	pf.memPre = preEmphasize(&sig, tiltFactor(&ap3, &syn4), pf.memPre)
	// 1/A(z/γ1) into st[10:], st[:10] being its memory.
	var st [10 + subLen]int64
	copy(st[:10], pf.memStp[:])
	syn4.run(&sig, &st, subLen)
	copyFresh(pf.memStp[:], st[subLen:])
	copyFresh(out[:], st[10:])
	pf.pastGain = gainControlA((*[subLen]int64)(synth[10:]), out, pf.pastGain)
	copy(pf.res2[:pitMax], pf.res2[subLen:])
	copy(pf.scaled[:pitMax], pf.scaled[subLen:])
}

// harmonic runs the long-term post-filter over the integer delays
// tMin..tMax on the current residual into out.
func (pf *postFilterA) harmonic(tMin, tMax int16, out *[subLen]int64) {
	cur := (*[subLen]int64)(pf.scaled[pitMax:])
	first := pitMax - int(tMax) // the first sample a delayed window reads
	// With every sample read at most 5180 in magnitude, no partial sum of
	// 40 doubled products reaches 2^31 and plain arithmetic is exact.
	var corr [7]int32 // for the delays tMax, tMax-1, ..., tMin
	win := (*[46]int64)(pf.scaled[first:])
	if peak(cur[:]) <= 5180 && peak(win[:]) <= 5180 {
		// Two delays share their multiplies as a pair: yp[k] pairs the
		// samples k and k+1 of the delay line.
		var yp [44]int64
		for k := range yp {
			yp[k] = win[k+1]<<32 + win[k]
		}
		for d := 0; d < 6; d += 2 {
			c0, c1 := unpair(pairBias + sum40(cur, (*[subLen]int64)(yp[d:])))
			corr[d], corr[d+1] = c0<<1, c1<<1
		}
		corr[6] = dot40(cur, (*[subLen]int64)(win[6:]))
	} else {
		for d := range corr {
			corr[d] = corr40Exact(cur, (*[subLen]int64)(win[d:]))
		}
	}
	corMax := int32(minInt32)
	t := tMin
	for i := tMin; i <= tMax; i++ {
		if c := corr[tMax-i]; c > corMax {
			corMax, t = c, i
		}
	}
	ener := energy40(1, (*[subLen]int64)(pf.scaled[pitMax-int(t):]))
	ener0 := energy40(1, cur)
	corMax = max(corMax, 0)

	// Scale the correlation and the energies on 16 bits.
	j := normL(max(corMax, ener, ener0))
	cmax := round16(lShl(corMax, j))
	en := round16(lShl(ener, j))
	en0 := round16(lShl(ener0, j))

	res := (*[subLen]int64)(pf.res2[pitMax:])
	// Off when the prediction gain cmax²/(en·en0) is below 3 dB.
	if lSub(lMult(cmax, cmax), lMult(en, en0)>>1) < 0 {
		*out = *res
		return
	}
	var g0, gain int16
	if cmax > en { // pitch gain above 1
		g0, gain = pstAInvGP, pstAGP2
	} else {
		cmax = shr(mult(cmax, pstAGammaP), 1)
		en >>= 1
		if s := add(cmax, en); s > 0 {
			gain = divS(cmax, s)
			g0 = 32767 - gain
		} else {
			g0, gain = 32767, 0
		}
	}
	past := (*[subLen]int64)(pf.res2[pitMax-int(t):])
	g0l, gl := int64(g0), int64(gain)
	for i := range out {
		// add(mult(g0, x), mult(gain, y)): with g0 + gain <= 2^15 the sum
		// stays within 16 bits.
		out[i] = (g0l*res[i])>>15 + (gl*past[i])>>15
	}
}

// corr40Exact returns the L_mac correlation of two 40-sample vectors with
// the saturation of every step.
func corr40Exact(a, b *[subLen]int64) int32 {
	var acc int32
	for i := range a {
		acc = lMac(acc, int16(a[i]), int16(b[i]))
	}
	return acc
}

// tiltFactor returns the pre-emphasis factor of the tilt compensation from
// the first two autocorrelations of the impulse response of
// A(z/γ2)/A(z/γ1): 0.8·r1/r0, or 0 when r1 <= 0.
func tiltFactor(ap3 *[11]int16, syn4 *synthFilter) int16 {
	var buf [10 + subLen]int64
	impulseResponse(ap3, syn4, &buf, pstAHLen)
	r0, r1 := autocorr(buf[10 : 10+pstAHLen])
	if extractH(r1) <= 0 {
		return 0
	}
	return divS(mult(extractH(r1), pstAMu), extractH(r0))
}

// preEmphasize filters sig through 1 - g·z⁻¹ in place, mem being the
// sample before sig[0]; it returns the new memory.
func preEmphasize(sig *[subLen]int64, g int16, mem int64) int64 {
	last := sig[subLen-1]
	gl := int64(g)
	for i := subLen - 1; i > 0; i-- {
		sig[i] = int64(sat16(int32(sig[i] - (gl*sig[i-1])>>15)))
	}
	sig[0] = int64(sat16(int32(sig[0] - (gl*mem)>>15)))
	return last
}

// gainControlA scales out so that its energy follows that of in, the gain
// smoothed from one sample to the next (Q12); it returns the last gain.
func gainControlA(in, out *[subLen]int64, pastGain int16) int16 {
	s := energyShr2(out)
	if s == 0 {
		return 0
	}
	exp := sub(normL(s), 1)
	gOut := round16(lShl(s, exp))
	var g0 int16
	if s = energyShr2(in); s != 0 {
		i := normL(s)
		gIn := round16(lShl(s, i))
		exp = sub(exp, i)
		// g0 = sqrt(gIn/gOut)·(1 - 0.9)
		s = lShr(lShl(int32(divS(gOut, gIn)), 7), exp)
		s = invSqrtFixed(s)
		g0 = mult(round16(lShl(s, 9)), pstAAGC1)
	}
	// gain = add(mult(gain, 0.9), g0) and out = extract_h(L_shl(L_mult(out,
	// gain), 3)): the gain stays within [0, 32766] (0 <= g0 <= 3275 and
	// 0.9·32767 + 3275 < 32767), so only the shift can saturate.
	gain, g := int64(pastGain), int64(g0)
	for i, v := range out {
		gain = (gain*pstAAGC)>>15 + g
		out[i] = min(max(v*gain<<4, minInt32), maxInt32) >> 16
	}
	return int16(gain)
}

// energyShr2 returns Σ 2·(x[i]>>2)² with the saturation of an L_mac chain
// (the sum clamped, the terms being non-negative).
func energyShr2(x *[subLen]int64) int32 {
	var s0, s1 int64
	for i := 0; i < subLen; i += 4 {
		a, b, c, d := x[i]>>2, x[i+1]>>2, x[i+2]>>2, x[i+3]>>2
		s0 += a*a + b*b
		s1 += c*c + d*d
	}
	return int32(min((s0+s1)<<1, maxInt32))
}
