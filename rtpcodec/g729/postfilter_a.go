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
	res2     [pstAResLen]int16 // A(z/γ2) residual with pitMax samples of history
	memStp   [10]int16         // memory of 1/A(z/γ1)
	memPre   int16             // last input sample of the pre-emphasis
	pastGain int16             // last gain of the gain control (Q12)
}

func (pf *postFilterA) reset() {
	*pf = postFilterA{pastGain: 4096}
}

// filter post-filters the subframe synth[off:off+40] (synth[off-10:off]
// must hold the preceding synthesis) with the subframe's LP filter az into
// out. t0 is the subframe's decoded integer pitch lag; harmonic enables the
// long-term post-filter (Annex B disables it in inactive frames).
func (pf *postFilterA) filter(t0 int16, synth []int16, off int, az *[11]int16, out []int16, harmonic bool) {
	var ap3, ap4 [11]int16
	weightLPC(az, pstGamma2, &ap3)
	weightLPC(az, pstGamma1, &ap4)
	res := (*[subLen]int16)(pf.res2[pitMax:])
	residual(&ap3, synth, off, res[:])

	var sig [subLen]int16
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
	pf.memPre = preEmphasize(&sig, tiltFactor(&ap3, &ap4), pf.memPre)
	synthesize(&ap4, sig[:], out, &pf.memStp, true)
	pf.pastGain = gainControlA(synth[off:off+subLen], out, pf.pastGain)
	copy(pf.res2[:pitMax], pf.res2[subLen:])
}

// harmonic runs the long-term post-filter over the integer delays
// tMin..tMax on the current residual into out.
func (pf *postFilterA) harmonic(tMin, tMax int16, out *[subLen]int16) {
	// The search runs on the residual divided by 4, against energy overflow.
	var scaled [pstAResLen]int16
	for i, v := range pf.res2 {
		scaled[i] = v >> 2
	}
	cur := (*[subLen]int16)(scaled[pitMax:])
	corMax := int32(minInt32)
	t := tMin
	for i := tMin; i <= tMax; i++ {
		if c := corr40(cur, (*[subLen]int16)(scaled[pitMax-int(i):])); c > corMax {
			corMax, t = c, i
		}
	}
	ener := energy40(1, (*[subLen]int16)(scaled[pitMax-int(t):]))
	ener0 := energy40(1, cur)
	corMax = max(corMax, 0)

	// Scale the correlation and the energies on 16 bits.
	j := normL(max(corMax, ener, ener0))
	cmax := round16(lShl(corMax, j))
	en := round16(lShl(ener, j))
	en0 := round16(lShl(ener0, j))

	res := &pf.res2
	// Off when the prediction gain cmax²/(en·en0) is below 3 dB.
	if lSub(lMult(cmax, cmax), lMult(en, en0)>>1) < 0 {
		copy(out[:], res[pitMax:])
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
	past := res[pitMax-int(t):]
	for i := range subLen {
		out[i] = add(mult(g0, res[pitMax+i]), mult(gain, past[i]))
	}
}

// corr40 returns the saturating L_mac correlation of two 40-sample vectors.
func corr40(a, b *[subLen]int16) int32 {
	var s int64
	var peak int32
	for i := range subLen {
		s += int64(int32(a[i]) * int32(b[i]))
		peak |= max(int32(a[i]), -int32(a[i])) | max(int32(b[i]), -int32(b[i]))
	}
	// Below 2^12 every partial sum of 40 doubled products stays below 2^31.
	if peak < 1<<12 {
		return int32(s << 1)
	}
	var acc int32
	for i := range subLen {
		acc = lMac(acc, a[i], b[i])
	}
	return acc
}

// energy40 returns acc + Σ 2·x[i]² with the saturation of an L_mac chain;
// the terms being non-negative, that is the sum clamped to 2^31-1.
func energy40(acc int32, x *[subLen]int16) int32 {
	s := int64(acc)
	for _, v := range x {
		s += int64(int32(v)*int32(v)) << 1
	}
	return int32(min(s, maxInt32))
}

// tiltFactor returns the pre-emphasis factor of the tilt compensation from
// the first two autocorrelations of the impulse response of
// A(z/γ2)/A(z/γ1): 0.8·r1/r0, or 0 when r1 <= 0.
func tiltFactor(ap3, ap4 *[11]int16) int16 {
	var h [pstAHLen]int16
	copy(h[:], ap3[:])
	var zero [10]int16
	synthesize(ap4, h[:], h[:], &zero, false)
	var acc int32
	for _, v := range h {
		acc = lMac(acc, v, v)
	}
	r0 := extractH(acc)
	acc = 0
	for i := range pstAHLen - 1 {
		acc = lMac(acc, h[i], h[i+1])
	}
	r1 := extractH(acc)
	if r1 <= 0 {
		return 0
	}
	return divS(mult(r1, pstAMu), r0)
}

// preEmphasize filters sig through 1 - g·z⁻¹ in place, mem being the
// sample before sig[0]; it returns the new memory.
func preEmphasize(sig *[subLen]int16, g, mem int16) int16 {
	last := sig[subLen-1]
	for i := subLen - 1; i > 0; i-- {
		sig[i] = sub(sig[i], mult(g, sig[i-1]))
	}
	sig[0] = sub(sig[0], mult(g, mem))
	return last
}

// gainControlA scales out so that its energy follows that of in, the gain
// smoothed from one sample to the next (Q12); it returns the last gain.
func gainControlA(in, out []int16, pastGain int16) int16 {
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
	gain := pastGain
	for i := range out {
		gain = add(mult(gain, pstAAGC), g0)
		out[i] = extractH(lShl(lMult(out[i], gain), 3))
	}
	return gain
}

// energyShr2 returns Σ 2·(x[i]>>2)² with the saturation of an L_mac chain
// (the sum clamped, the terms being non-negative).
func energyShr2(x []int16) int32 {
	var s int64
	for _, v := range x {
		v >>= 2
		s += int64(int32(v) * int32(v))
	}
	return int32(min(s<<1, maxInt32))
}
