package g729

// Gain decoding (G.729 §3.9, §4.1.5): conjugate-structure two-stage VQ of
// the pitch gain and of the correction factor of the fixed-codebook gain,
// which MA prediction on the innovation energy (in dB) predicts.

// gainDecoder holds the quantised energies of the last four subframes.
type gainDecoder struct {
	pastEn [4]int16 // Q10
}

func (g *gainDecoder) reset() { g.pastEn = [4]int16{-14336, -14336, -14336, -14336} }

// decode returns the pitch gain (Q14) and the code gain (Q1) of index for
// the codevector code.
func (g *gainDecoder) decode(index int16, code *[40]int16) (gainPitch, gainCode int16) {
	i1 := imap1[index>>4]
	i2 := imap2[index&15]
	gainPitch = add(gbk1[i1][0], gbk2[i2][0])
	gcode0, exp := g.predict(code)
	gbk12 := lAdd(int32(gbk1[i1][1]), int32(gbk2[i2][1])) // Q13
	tmp := extractL(gbk12 >> 1)                           // Q12
	acc := lMult(tmp, gcode0)
	acc = lShl(acc, add(negate(exp), -12-1+1+16))
	gainCode = extractH(acc)
	g.update(gbk12)
	return
}

// conceal ages the gains of an erased subframe and the energy memory.
func (g *gainDecoder) conceal(gainPitch, gainCode int16) (int16, int16) {
	gainPitch = mult(gainPitch, 29491) // ×0.9
	if gainPitch > 29491 {
		gainPitch = 29491
	}
	gainCode = mult(gainCode, 32111) // ×0.98
	var sum int32
	for _, e := range g.pastEn {
		sum = lAdd(sum, int32(e))
	}
	av := sub(extractL(sum>>2), 4096)
	if av < -14336 {
		av = -14336
	}
	g.pastEn[3], g.pastEn[2], g.pastEn[1] = g.pastEn[2], g.pastEn[1], g.pastEn[0]
	g.pastEn[0] = av
	return gainPitch, gainCode
}

// predict returns the predicted code gain gcode0 with its exponent.
func (g *gainDecoder) predict(code *[40]int16) (gcode0, exp int16) {
	var ener int64 // an L_mac chain of squares saturates only at its end
	for _, c := range code {
		ener += int64(c) * int64(c)
	}
	e, f := log2Fixed(int32(min(ener<<1, maxInt32)))
	acc := mpy32x16(e, f, -24660) // -3.0103 in Q13
	acc = lMac(acc, 32588, 32)    // 127.298 in Q14
	acc = lShl(acc, 10)
	for i := range 4 {
		acc = lMac(acc, gainPred[i], g.pastEn[i])
	}
	gcode0 = extractH(acc) // Q8
	acc = lMult(gcode0, 5439)
	acc = acc >> 8
	e, f = lExtract(acc)
	gcode0 = extractL(pow2Fixed(14, f))
	exp = sub(14, e)
	return
}

// update records the quantised energy 20·log10(gbk12) of a good subframe.
func (g *gainDecoder) update(gbk12 int32) {
	g.pastEn[3], g.pastEn[2], g.pastEn[1] = g.pastEn[2], g.pastEn[1], g.pastEn[0]
	e, f := log2Fixed(gbk12)
	acc := lComp(sub(e, 13), f)
	tmp := extractH(lShl(acc, 13))
	g.pastEn[0] = mult(tmp, 24660)
}

// log2Fixed returns the integer and fractional (Q15) parts of log2(x).
func log2Fixed(x int32) (exp, frac int16) {
	if x <= 0 {
		return 0, 0
	}
	n := normL(x)
	x <<= uint(n)
	exp = 30 - n
	x >>= 9
	i := extractH(x) - 32
	x >>= 1
	a := extractL(x) & 0x7fff
	y := depositH(log2Table[i])
	y = lMsu(y, sub(log2Table[i], log2Table[i+1]), a)
	return exp, extractH(y)
}

// pow2Fixed returns 2^(exp + frac/2^15).
func pow2Fixed(exp, frac int16) int32 {
	x := lMult(frac, 32)
	i := extractH(x)
	x >>= 1
	a := extractL(x) & 0x7fff
	x = depositH(pow2Table[i])
	x = lMsu(x, sub(pow2Table[i], pow2Table[i+1]), a)
	return lShrR(x, sub(30, exp))
}

// invSqrtFixed returns 1/sqrt(x) in Q30.
func invSqrtFixed(x int32) int32 {
	if x <= 0 {
		return 0x3fffffff
	}
	n := normL(x)
	x <<= uint(n)
	exp := 30 - n
	if exp&1 == 0 {
		x >>= 1
	}
	exp = (exp >> 1) + 1
	x >>= 9
	i := extractH(x) - 16
	x >>= 1
	a := extractL(x) & 0x7fff
	y := depositH(invSqrtTable[i])
	y = lMsu(y, sub(invSqrtTable[i], invSqrtTable[i+1]), a)
	return lShr(y, exp)
}
