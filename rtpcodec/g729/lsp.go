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

// maCompose adds the MA prediction to the quantiser output.
func maCompose(buf, lsf *[10]int16, ma *[4][10]int16, prev *[4][10]int16, sum *[10]int16) {
	for j := range 10 {
		acc := lMult(buf[j], sum[j])
		for k := range 4 {
			acc = lMac(acc, prev[k][j], ma[k][j])
		}
		lsf[j] = extractH(acc)
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
	for i := 5; i > 0; i-- {
		f1[i] = lAdd(f1[i], f1[i-1])
		f2[i] = lSub(f2[i], f2[i-1])
	}
	a[0] = 4096
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
// -32768) the L_shl that follows saturates to the same value. The clamps
// are the saturations of L_shl, L_add and L_sub.
func lspPoly(lsp *[10]int16, first int, f *[6]int32) {
	var g [6]int64
	g[0] = 1 << 24                  // L_mult(4096, 2048)
	g[1] = -int64(lsp[first]) << 10 // L_msu(0, lsp, 512)
	for i := 2; i <= 5; i++ {
		q := int64(lsp[first+2*(i-1)])
		g[i] = g[i-2]
		for k := i; k > 1; k-- {
			t := clamp32(((g[k-1] >> 1) * q >> 15) << 2)
			g[k] = clamp32(clamp32(g[k]+g[k-2]) - t)
		}
		g[1] = clamp32(g[1] - q<<10)
	}
	for i, v := range g {
		f[i] = int32(v)
	}
}
