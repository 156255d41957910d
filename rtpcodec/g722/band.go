package g722

// band is the state of one sub-band ADPCM coder (lower or higher), which the
// encoder and the decoder keep identically. Names follow the Recommendation
// with the band letter dropped: s is SL (or SH), det is DETL (or DETH), and
// so on. All values stay within 16 bits; they are held in int32 so that
// products need no conversion.
type band struct {
	s   int32    // predictor output SL for the current sample
	sz  int32    // output SZL of the zero (six-tap) section
	a1  int32    // pole coefficient AL1 (Q14)
	a2  int32    // pole coefficient AL2 (Q14)
	b   [6]int32 // zero coefficients BL1..BL6 (Q14)
	d   [6]int32 // the quantised difference signal doubled: DLT1+DLT1 .. DLT6+DLT6, newest first
	r1  int32    // reconstructed signal RLT1, doubled and saturated (FILTEP's RLT1+RLT1)
	r2  int32    // RLT2+RLT2, saturated
	p1  int32    // partially reconstructed signal PLT1
	p2  int32    // partially reconstructed signal PLT2
	nb  int32    // log scale factor NBL
	det int32    // scale factor DETL
}

// Initial scale factors of the reset state: the smallest each band's
// SCALEL/SCALEH block can produce.
const (
	detLowerReset  = 32
	detHigherReset = 8
)

func (b *band) reset(det int32) { *b = band{det: det} }

// Basic operators of the fixed-point description: 16-bit saturation and the
// Q15 product. They are small enough for the compiler to inline.

func sat16(x int32) int32 { return clamp(x, -32768, 32767) }

// clamp limits x to [lo, hi]. Limiting is rare: a predictable branch around
// it shortens the chain of dependent instructions, which conditional moves
// done every time would lengthen.
func clamp(x, lo, hi int32) int32 {
	if uint32(x-lo) > uint32(hi-lo) {
		x = min(max(x, lo), hi)
	}
	return x
}

func mulQ15(a, b int32) int32 { return (a * b) >> 15 }

// magnitude returns the magnitude WD of a 16-bit difference signal as
// QUANTL and QUANTH form it: x itself when non-negative, else its ones'
// complement (-x-1, kept to 15 bits).
func magnitude(x int32) int32 {
	if x >= 0 {
		return x
	}
	return (32767 - x) & 32767
}

// quantLower is block 1L, QUANTL: the 6-bit code word IL of the difference
// signal el for the scale factor det.
func quantLower(el, det int32) int32 {
	wd := magnitude(el)
	mil := 1
	for ; mil < 30; mil++ {
		if wd < (q6[mil]<<3)*det>>15 {
			break
		}
	}
	if el < 0 {
		return int32(iln[mil])
	}
	return int32(ilp[mil])
}

// quantHigher is block 1H, QUANTH: the 2-bit code word IH of eh.
func quantHigher(eh, det int32) int32 {
	mih := 1
	if magnitude(eh) >= (q2<<3)*det>>15 {
		mih = 2
	}
	if eh < 0 {
		return int32(ihn[mih])
	}
	return int32(ihp[mih])
}

// scaling holds what blocks 3L and 3H need from a code word, for adapt:
// the log scale-factor multiplier (WL or WH), the upper limit of the log
// scale factor, and SCALEL or SCALEH by nb >> 6.
type scaling struct {
	step int32
	max  int32
	det  *[detTableLen]int32
}

// lowerScaling is block 3L's scaling for the 4-bit code il4 (LOGSCL,
// SCALEL).
func lowerScaling(il4 int32) scaling { return scaling{wlByCode[il4&15], 18432, &detLower} }

// higherScaling is block 3H's for the 2-bit code ih (LOGSCH, SCALEH).
func higherScaling(ih int32) scaling { return scaling{whByCode[ih&3], 22528, &detHigher} }

// linearScale is the common part of SCALEL and SCALEH: ILB of the
// fractional part of the log scale factor nb, shifted by its integer part,
// times 4. bias is 8 for the lower band and 10 for the higher band. It
// depends on nb >> 6 only, so detLower and detHigher tabulate it.
func linearScale(nb int32, bias int32) int32 {
	wd1 := ilb[(nb>>6)&31]
	shift := bias - nb>>11
	if shift < 0 {
		return (wd1 << -shift) << 2
	}
	return (wd1 >> shift) << 2
}

// Tables derived from the Recommendation's when the package is
// initialised, and only read afterwards: SCALEL and SCALEH by nb >> 6, and
// the log scale-factor multipliers by code word (WL through RL42, WH
// through RH2).
var (
	detLower  = scaleTable(8, 18432)
	detHigher = scaleTable(10, 22528)
	wlByCode  = [16]int32{
		wl[rl42[0]], wl[rl42[1]], wl[rl42[2]], wl[rl42[3]], wl[rl42[4]], wl[rl42[5]], wl[rl42[6]], wl[rl42[7]],
		wl[rl42[8]], wl[rl42[9]], wl[rl42[10]], wl[rl42[11]], wl[rl42[12]], wl[rl42[13]], wl[rl42[14]], wl[rl42[15]],
	}
	whByCode = [4]int32{wh[rh2[0]], wh[rh2[1]], wh[rh2[2]], wh[rh2[3]]}
)

const detTableLen = 22528>>6 + 1

func scaleTable(bias, maxNB int32) (t [detTableLen]int32) {
	for i := int32(0); i <= maxNB>>6; i++ {
		t[i] = linearScale(i<<6, bias)
	}
	return t
}

// adapt runs blocks 3 and 4 for the quantised difference signal d (DLT or
// DH) of the current sample: it adapts the scale factor (LOGSCL and SCALEL,
// or LOGSCH and SCALEH, as sc says), reconstructs the signal (RECONS,
// PARREC), adapts
// the pole and zero coefficients (UPPOL2, UPPOL1, UPZERO), shifts the delay
// lines (DELAYA) and computes the prediction of the next sample (FILTEP,
// FILTEZ, PREDIC) into b.s and b.sz.
//
// The sign comparisons of the Recommendation (SG0 == SG1, zero counting as
// positive) are computed without branches, which the CPU could not predict:
// (x ^ y) >> 31 is -1 when x and y differ in sign and 0 otherwise, and
// (v ^ m) - m negates v when m is -1. Saturations that the value ranges make
// impossible are left out (noted where it happens).
func (b *band) adapt(d int32, sc scaling) {
	// Block 3: the log scale factor leaks by 127/128 and moves by the code
	// word's multiplier; the linear one follows through ILB.
	nb := clamp(mulQ15(b.nb, 32512)+sc.step, 0, sc.max)
	b.nb = nb
	b.det = sc.det[nb>>6]

	r := sat16(b.s + d)  // RECONS: reconstructed signal
	p := sat16(b.sz + d) // PARREC: partially reconstructed signal

	differ1 := (p ^ b.p1) >> 31
	differ2 := (p ^ b.p2) >> 31

	// UPPOL2: a2 = a2*(1-2^-7) + 2^-7*sgn(p*p2) - 2^-7*f(a1)*sgn(p*p1),
	// where f(a1) = 4*a1 saturated.
	wd1 := sat16(b.a1 << 2)
	same1 := ^differ1
	wd2 := min((wd1^same1)-same1, 32767) >> 7 // -wd1 when the signs agree, saturated
	wd3 := (128 ^ differ2) - differ2          // +128 when the signs agree
	// No sat16: the limit to ±12288 lies inside it.
	a2 := clamp(wd2+wd3+mulQ15(b.a2, 32512), -12288, 12288)

	// UPPOL1: a1 = a1*(1-2^-8) + 3*2^-8*sgn(p*p1), limited by the new a2 so
	// that the pole section stays stable.
	lim := 15360 - a2
	a1 := clamp((192^differ1)-differ1+mulQ15(b.a1, 32640), -lim, lim)

	// UPZERO, DELAYA of the DLT line and FILTEZ, tap by tap from the
	// oldest (BL6, DLT6) to the newest, the order in which FILTEZ adds its
	// terms, saturating after each addition. Partial sums seldom leave 16
	// bits, so they are added plainly and checked all at once: when every
	// one fits (the OR of the values offset by 2^15 stays below 2^16), the
	// saturating sum is the plain one.
	var step int32 // 2^-7 * sgn(DLT) in Q14; 0 when DLT is 0
	if d != 0 {
		step = (128 ^ (d >> 31)) - (d >> 31)
	}
	d2x := d + d // the line holds DLT doubled; no sat16: |DLT| <= 20456*16384>>15
	s6 := b.zeroTap(5, b.d[4], step)
	s5 := s6 + b.zeroTap(4, b.d[3], step)
	s4 := s5 + b.zeroTap(3, b.d[2], step)
	s3 := s4 + b.zeroTap(2, b.d[1], step)
	s2 := s3 + b.zeroTap(1, b.d[0], step)
	sz := s2 + b.zeroTap(0, d2x, step)
	if uint32(s6+32768)|uint32(s5+32768)|uint32(s4+32768)|uint32(s3+32768)|uint32(s2+32768)|uint32(sz+32768) >= 1<<16 {
		sz = 0
		for i := 5; i >= 0; i-- {
			sz = sat16(sz + mulQ15(b.b[i], b.d[i]))
		}
	}

	// DELAYA of the other lines; FILTEP; PREDIC.
	r2x := sat16(r + r)
	spl := sat16(mulQ15(a1, r2x) + mulQ15(a2, b.r1))
	b.r2, b.r1 = b.r1, r2x
	b.p2, b.p1 = b.p1, p
	b.a1, b.a2 = a1, a2
	b.sz = sz
	b.s = sat16(spl + sz)
}

// zeroTap adapts zero coefficient i (UPZERO: b*(1-2^-8) + step*sgn(old
// DLT(i+1))), shifts next into the line in its place (DELAYA) and returns
// the FILTEZ term of the new coefficient and line value. The update needs no
// sat16: |b| <= 32768 gives |b*32640>>15| + 128 <= 32768, with the sign
// that fits.
func (b *band) zeroTap(i int, next, step int32) int32 {
	m := b.d[i] >> 31
	bi := (step ^ m) - m + mulQ15(b.b[i], 32640)
	b.b[i] = bi
	b.d[i] = next
	return mulQ15(bi, next)
}

// Lower sub-band, encoder side: blocks 1L to 4L for one input sample xl
// (15 bits). It returns the 6-bit code word IL.
func (b *band) encodeLower(xl int32) int32 {
	il := quantLower(sat16(xl-b.s), b.det)
	b.adaptLower(il >> 2)
	return il
}

// Higher sub-band, encoder side: blocks 1H to 4H for xh. It returns the
// 2-bit code word IH.
func (b *band) encodeHigher(xh int32) int32 {
	ih := quantHigher(sat16(xh-b.s), b.det)
	b.adaptHigher(ih)
	return ih
}

// adaptLower runs the adaptation path shared by the lower-band encoder and
// decoder for the 4-bit code il4: INVQAL, then LOGSCL/SCALEL and block 4L.
func (b *band) adaptLower(il4 int32) {
	dlt := mulQ15(qm4[il4&15], b.det) // INVQAL
	b.adapt(dlt, lowerScaling(il4))
}

// adaptHigher is the higher-band counterpart: INVQAH, LOGSCH/SCALEH, 4H.
func (b *band) adaptHigher(ih int32) {
	dh := mulQ15(qm2[ih&3], b.det) // INVQAH
	b.adapt(dh, higherScaling(ih))
}

// decodeLower is the lower sub-band decoder for the 6-bit code il but for
// blocks 3L and 4L, which the caller runs with adapt(dlt, lowerScaling(il>>2)):
// it returns the limited output RL (blocks 5L, INVQBL, with dq the mode's
// output levels by 6-bit code, and 6L, LIMIT; 15 bits) and the quantised
// difference DLT (INVQAL). Leaving adapt to the caller lets this inline into
// the hot loop.
func (b *band) decodeLower(il int32, dq *[64]int32) (rl, dlt int32) {
	return limit15(b.s + mulQ15(dq[il&63], b.det)), mulQ15(qm4[il>>2&15], b.det)
}

// decodeHigher is the higher sub-band decoder for the 2-bit code ih but for
// blocks 3H and 4H (adapt(dh, higherScaling(ih))): it returns the limited
// output RH and the quantised difference DH (INVQAH).
func (b *band) decodeHigher(ih int32) (rh, dh int32) {
	dh = mulQ15(qm2[ih&3], b.det)
	return limit15(b.s + dh), dh
}

// limit15 is block LIMIT: the sub-band decoders' output to 15 bits.
func limit15(x int32) int32 { return clamp(x, -16384, 16383) }
