package g729

// LSP decoding (G.729 §3.2.4, §4.1.1): two-stage VQ of the LSFs with
// switched 4th-order MA prediction, rearrangement for a minimum distance,
// stability enforcement, LSF→LSP conversion, interpolation between frames
// and LSP→LPC conversion.

const (
	lsfGap1  = 10    // minimum distance after the first rearrangement, Q13
	lsfGap2  = 5     // minimum distance after the second rearrangement, Q13
	lsfGap3  = 321   // minimum distance of the stable LSFs, Q13
	lsfLimLo = 40    // lowest LSF, Q13 (0.005)
	lsfLimHi = 25681 // highest LSF, Q13 (3.135)
)

// lsfDecoder holds the MA predictor memory of the LSF quantiser and what the
// bad-frame path needs: the last good LSFs and predictor.
type lsfDecoder struct {
	prev   [4][10]int16 // quantiser outputs of the last four frames, Q13
	prevMA int16        // MA predictor of the last good frame
	last   [10]int16    // last good LSFs, Q13
}

func (l *lsfDecoder) reset() {
	for k := range l.prev {
		l.prev[k] = lsfInit
	}
	l.prevMA = 0
	l.last = lsfInit
}

// decode reconstructs the LSPs (Q15) of one frame from the indices L0..L3
// packed as in the bit stream (lsp0 = L0L1, lsp1 = L2L3), or, for an erased
// frame, repeats the last good LSFs and keeps the predictor memory in step.
func (l *lsfDecoder) decode(lsp0, lsp1 int16, erased bool, lsp *[10]int16) {
	var lsf [10]int16
	if !erased {
		mode := (lsp0 >> 7) & 1
		c0 := lsp0 & 127
		c1 := (lsp1 >> 5) & 31
		c2 := lsp1 & 31
		var buf [10]int16
		for j := range 5 {
			buf[j] = add(lspcb1[c0][j], lspcb2[c1][j])
		}
		for j := 5; j < 10; j++ {
			buf[j] = add(lspcb1[c0][j], lspcb2[c2][j])
		}
		rearrange(&buf, lsfGap1)
		rearrange(&buf, lsfGap2)
		maCompose(&buf, &lsf, &lspMA[mode], &l.prev, &lspMASum[mode])
		l.push(&buf)
		stabilize(&lsf)
		l.last = lsf
		l.prevMA = mode
	} else {
		lsf = l.last
		var buf [10]int16
		maExtract(&l.last, &buf, &lspMA[l.prevMA], &l.prev, &lspMASumInv[l.prevMA])
		l.push(&buf)
	}
	lsfToLSP(&lsf, lsp)
}

// push shifts a new quantiser output into the predictor memory.
func (l *lsfDecoder) push(buf *[10]int16) {
	l.prev[3] = l.prev[2]
	l.prev[2] = l.prev[1]
	l.prev[1] = l.prev[0]
	l.prev[0] = *buf
}

// rearrange enforces a minimum distance gap between neighbouring LSFs.
func rearrange(buf *[10]int16, gap int16) {
	for j := 1; j < 10; j++ {
		diff := sub(buf[j-1], buf[j])
		tmp := shr(add(diff, gap), 1)
		if tmp > 0 {
			buf[j-1] = sub(buf[j-1], tmp)
			buf[j] = add(buf[j], tmp)
		}
	}
}

// maCompose adds the MA prediction to the quantiser output. The
// coefficients of every predictor are positive and, with its sum, add up to
// at most 32767 (TestMAPredictorsCannotSaturate), so no partial sum of the
// L_mac chain reaches 2·32768·32767 < 2^31: plain arithmetic is exact.
func maCompose(buf, lsf *[10]int16, ma *[4][10]int16, prev *[4][10]int16, sum *[10]int16) {
	for j := range 10 {
		acc := int32(buf[j])*int32(sum[j]) + int32(prev[0][j])*int32(ma[0][j]) + int32(prev[1][j])*int32(ma[1][j]) +
			int32(prev[2][j])*int32(ma[2][j]) + int32(prev[3][j])*int32(ma[3][j])
		lsf[j] = int16(acc >> 15) // extract_h of the doubled sum
	}
}

// maExtract recovers the quantiser output that would have produced lsf.
func maExtract(lsf, buf *[10]int16, ma *[4][10]int16, prev *[4][10]int16, sumInv *[10]int16) {
	for j := range 10 {
		acc := depositH(lsf[j])
		for k := range 4 {
			acc = lMsu(acc, prev[k][j], ma[k][j])
		}
		t := extractH(acc)
		acc = lMult(t, sumInv[j])
		buf[j] = extractH(lShl(acc, 3))
	}
}

// stabilize orders the LSFs and enforces their limits and minimum distance.
func stabilize(buf *[10]int16) {
	for j := range 9 {
		if int32(buf[j+1])-int32(buf[j]) < 0 {
			buf[j], buf[j+1] = buf[j+1], buf[j]
		}
	}
	if buf[0] < lsfLimLo {
		buf[0] = lsfLimLo
	}
	for j := range 9 {
		if int32(buf[j+1])-int32(buf[j]) < lsfGap3 {
			buf[j+1] = add(buf[j], lsfGap3)
		}
	}
	if buf[9] > lsfLimHi {
		buf[9] = lsfLimHi
	}
}

// lsfToLSP converts LSFs (Q13, radians) to LSPs (Q15 cosines) by table
// look-up with linear interpolation.
func lsfToLSP(lsf, lsp *[10]int16) {
	for i := range 10 {
		freq := mult(lsf[i], 20861) // 1/(2π) in Q17
		ind := freq >> 8
		offset := freq & 0xff
		if ind > 63 {
			ind = 63
		}
		acc := lMult(lspCosSlope[ind], offset)
		lsp[i] = add(lspCos[ind], extractL(acc>>13))
	}
}

// interpolateLPC turns the LSPs of the previous and the current frame into
// the LP filters of the two subframes: the mean for the first, the current
// LSPs for the second.
func interpolateLPC(old, cur *[10]int16, az *[2][11]int16) {
	var mid [10]int16
	for i := range 10 {
		mid[i] = add(cur[i]>>1, old[i]>>1)
	}
	lspToLPC(&mid, &az[0])
	lspToLPC(cur, &az[1])
}

// lspToLPC converts LSPs (Q15) to the LP coefficients a[0..10] (Q12) through
// the symmetric and antisymmetric polynomials F1 and F2.
func lspToLPC(lsp *[10]int16, a *[11]int16) {
	var f1, f2 [6]int32
	lspPoly(lsp, 0, &f1)
	lspPoly(lsp, 1, &f2)
	a[0] = 4096
	var m int32
	for i := 1; i <= 5; i++ {
		m |= (f1[i] ^ f1[i]>>31) | (f2[i] ^ f2[i]>>31)
	}
	if m < 1<<29 {
		// Every coefficient is within ±2^29, so neither the sums and
		// differences of neighbours (within ±2^30) nor their sums and
		// differences (within ±2^31) saturate; L_shr_r by 13 is then
		// (x + 2^12) >> 13.
		for i, j := 1, 10; i <= 5; i, j = i+1, j-1 {
			p := int64(f1[i]) + int64(f1[i-1])
			q := int64(f2[i]) - int64(f2[i-1])
			a[i] = int16((p + q + 1<<12) >> 13)
			a[j] = int16((p - q + 1<<12) >> 13)
		}
		return
	}
	for i := 5; i > 0; i-- {
		f1[i] = lAdd(f1[i], f1[i-1])
		f2[i] = lSub(f2[i], f2[i-1])
	}
	for i, j := 1, 10; i <= 5; i, j = i+1, j-1 {
		a[i] = extractL(lShrR(lAdd(f1[i], f2[i]), 13))
		a[j] = extractL(lShrR(lSub(f1[i], f2[i]), 13))
	}
}

// lspPoly expands the polynomial with roots at the LSPs lsp[first],
// lsp[first+2], ... into f[0..5] (Q24).
//
// The reference multiplies the double-precision split (hi, lo) of f[k-1]
// by q with Mpy_32_16; that is 2·((f[k-1] >> 1)·q >> 15) exactly (hi·q·2^15
// is a multiple of 2^15), and where its L_mult would saturate (hi = q =
// -32768) the L_shl that follows saturates to the same value.
//
// Each of the five steps multiplies the polynomial by 1 - 2q·z⁻¹ + z⁻², and
// |q| ≤ 1, so after i steps every coefficient k (and every partial sum of
// step i, which is at most the sum of the magnitudes that make it up) is
// within C(2i, k)·2^24 of 0, give or take a few units of rounding: below
// 70·2^24 < 2^31 for the first four steps, which therefore cannot saturate.
// In the fifth, the partial sums f[k] + f[k-2] stay below 112·2^24 and
// the products 2q·f[k-1] below 112·2^24 but for k = 5 (140·2^24); the
// results for k = 2, 3 below 120·2^24, those for k = 4, 5 not. Only those
// three steps take the clamps that are the saturations of L_shl and L_sub.
func lspPoly(lsp *[10]int16, first int, f *[6]int32) {
	l := (*[9]int16)(lsp[first:])
	m := func(g, q int64) int64 { return ((g >> 1) * q >> 15) << 2 }
	const g0 = 1 << 24 // L_mult(4096, 2048)
	q := int64(l[0])
	g1 := -q << 10 // L_msu(0, lsp, 512)
	q = int64(l[2])
	g2 := 2*g0 - m(g1, q)
	g1 -= q << 10
	q = int64(l[4])
	g3 := 2*g1 - m(g2, q)
	g2 += g0 - m(g1, q)
	g1 -= q << 10
	q = int64(l[6])
	g4 := 2*g2 - m(g3, q)
	g3 += g1 - m(g2, q)
	g2 += g0 - m(g1, q)
	g1 -= q << 10
	q = int64(l[8])
	g5 := clamp32(2*g3 - clamp32(m(g4, q)))
	g4 = clamp32(g4 + g2 - m(g3, q))
	g3 += g1 - m(g2, q)
	g2 += g0 - m(g1, q)
	g1 -= q << 10
	// (Element by element: a composite literal would be built on the stack
	// and copied in 16-byte moves, which cannot be forwarded from the
	// stores that built it.)
	f[0], f[1], f[2], f[3], f[4], f[5] = g0, int32(g1), int32(g2), int32(g3), int32(g4), int32(g5)
}
