package g729

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The filters take plain-arithmetic shortcuts whenever bounds prove the
// saturating chains of the reference cannot saturate. These tests compare
// them with the chains themselves, written out operator by operator as the
// fixed-point description states them, on random filters and signals that
// include the extremes (loud signals, large coefficients) the ITU vectors
// reach only rarely.

// kernelRand returns a deterministic source and a generator of 16-bit
// values that are loud (near full scale) a quarter of the time.
func kernelRand(seed uint64) (*rand.Rand, func() int16) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return r, func() int16 {
		switch r.IntN(8) {
		case 0:
			return int16(r.IntN(1<<16) - 1<<15)
		case 1:
			return []int16{minInt16, maxInt16, minInt16 + 1, -1, 0, 1}[r.IntN(6)]
		}
		return int16(r.NormFloat64() * 3000)
	}
}

// extreme returns one of the values where the operators saturate.
func extreme(r *rand.Rand) int16 {
	return []int16{maxInt16, minInt16, -maxInt16, 16384, -16384, 0}[r.IntN(6)]
}

// randomFilter returns an LP filter: a0 = 4096 (Q12) mostly, coefficients
// of speech-like size mostly, some large enough to need the limit or the
// exact chain, and some made of extremes only, whose partial sums saturate
// on the way while the sum does not.
func randomFilter(r *rand.Rand, sample func() int16) (a [11]int16) {
	if r.IntN(6) == 0 {
		a[0] = 4096
		for j := 1; j <= 10; j++ {
			a[j] = extreme(r)
		}
		return a
	}
	a[0] = 4096
	if r.IntN(16) == 0 {
		a[0] = sample()
	}
	scale := []float64{2000, 6000, 12000}[r.IntN(3)]
	for j := 1; j <= 10; j++ {
		a[j] = int16(max(min(r.NormFloat64()*scale, maxInt16), minInt16))
		if r.IntN(40) == 0 {
			a[j] = sample()
		}
	}
	return a
}

// refSynth is Syn_filt: the output and the Overflow flag.
func refSynth(a *[11]int16, x []int16, mem []int16) (y []int16, overflow bool) {
	yy := append([]int16(nil), mem...)
	note := func(v int64) int32 {
		if v > maxInt32 || v < minInt32 {
			overflow = true
		}
		return sat32(v)
	}
	for _, xi := range x {
		s := note(2 * int64(xi) * int64(a[0])) // L_mult
		for j := 1; j <= 10; j++ {
			p := note(2 * int64(a[j]) * int64(yy[len(yy)-j])) // L_mult
			s = note(int64(s) - int64(p))                     // L_sub
		}
		s = note(int64(s) << 3)     // L_shl
		s = note(int64(s) + 0x8000) // round
		yy = append(yy, int16(s>>16))
	}
	return yy[10:], overflow
}

// checkSynth compares synthesize with Syn_filt for one subframe.
func checkSynth(t *testing.T, a *[11]int16, xs []int16, mem []int16) {
	t.Helper()
	var x [subLen]int64
	for i, v := range xs {
		x[i] = int64(v)
	}
	var buf [10 + subLen]int64
	for i, v := range mem {
		buf[i] = int64(v)
	}
	want, wantOver := refSynth(a, xs, mem)
	gotOver := synthesize(a, &x, &buf, len(xs))
	for i, w := range want {
		if int64(w) != buf[10+i] {
			t.Fatalf("a=%v x=%v mem=%v: sample %d is %d, want %d", *a, xs, mem, i, buf[10+i], w)
		}
	}
	require.Equal(t, wantOver, gotOver, "a=%v: overflow flag", *a)
}

func TestSynthesizeMatchesReference(t *testing.T) {
	r, sample := kernelRand(1)
	t.Run("random", func(t *testing.T) {
		for iter := range 20000 {
			a := randomFilter(r, sample)
			xs := make([]int16, []int{subLen, 20, 22}[iter%3])
			for i := range xs {
				xs[i] = sample()
				if iter%4 == 0 { // full-scale square waves make the outputs saturate
					xs[i] = []int16{maxInt16, minInt16}[i/(1+iter%13)%2]
				}
			}
			mem := make([]int16, 10)
			for i := range mem {
				mem[i] = sample()
				if iter%4 == 1 {
					mem[i] = extreme(r)
				}
			}
			checkSynth(t, &a, xs, mem)
		}
	})
	// Filters of extreme coefficients excited by a small impulse from
	// silence: the outputs grow past the limit of plain arithmetic, and
	// partial sums saturate on the way while the outputs do not.
	t.Run("growing", func(t *testing.T) {
		for iter := range 20000 {
			a := [11]int16{4096}
			for j := 1; j <= 10; j++ {
				a[j] = extreme(r)
				if iter%2 == 0 {
					a[j] = int16(r.IntN(1<<16) - 1<<15)
				}
			}
			xs := make([]int16, subLen)
			xs[iter%7] = int16(r.IntN(2000) - 1000)
			checkSynth(t, &a, xs, make([]int16, 10))
		}
	})
}

// refResidu is Residu.
func refResidu(a *[11]int16, x []int16) []int16 {
	var y []int16
	for i := 10; i < len(x); i++ {
		s := lMult(x[i], a[0])
		for j := 1; j <= 10; j++ {
			s = lMac(s, a[j], x[i-j])
		}
		y = append(y, round16(lShl(s, 3)))
	}
	return y
}

func TestResidualMatchesReference(t *testing.T) {
	r, sample := kernelRand(2)
	for iter := range 20000 {
		a := randomFilter(r, sample)
		var x [10 + subLen]int64
		xs := make([]int16, len(x))
		for i := range xs {
			xs[i] = sample()
			x[i] = int64(xs[i])
		}
		var y [subLen]int64
		residual(&a, &x, &y)
		for i, w := range refResidu(&a, xs) {
			require.Equal(t, int64(w), y[i], "iteration %d, sample %d", iter, i)
		}
	}
}

// refPredLt3 is Pred_lt_3 on exc[pos:pos+40].
func refPredLt3(exc []int16, pos int, t0, frac int16) {
	x0 := pos - int(t0)
	frac = negate(frac)
	if frac < 0 {
		frac = add(frac, 3)
		x0--
	}
	for j := range subLen {
		x1, x2 := x0+j, x0+j+1
		var s int32
		for i := range 10 {
			s = lMac(s, exc[x1-i], interp3[int(frac)+3*i])
			s = lMac(s, exc[x2+i], interp3[3-int(frac)+3*i])
		}
		exc[pos+j] = round16(s)
	}
}

func TestAdaptiveVectorMatchesReference(t *testing.T) {
	r, sample := kernelRand(3)
	for iter := range 20000 {
		ref := make([]int16, excHist+subLen)
		for i := range excHist {
			ref[i] = sample()
		}
		got := make([]int64, len(ref))
		for i, v := range ref {
			got[i] = int64(v)
		}
		t0 := int16(pitMin - 1 + r.IntN(pitMax-pitMin+2))
		frac := int16(r.IntN(3) - 1)
		refPredLt3(ref, excHist, t0, frac)
		adaptiveVector(got, excHist, t0, frac)
		for i := excHist; i < len(ref); i++ {
			require.Equal(t, int64(ref[i]), got[i], "iteration %d, lag %d %d/3, sample %d", iter, t0, frac, i-excHist)
		}
	}
}

// refPostProcess is Post_Process with the output history in double
// precision.
type refPostProcess struct {
	y1Hi, y1Lo, y2Hi, y2Lo, x0, x1 int16
}

func (f *refPostProcess) filter(sig []int16) {
	for i, x := range sig {
		x2 := f.x1
		f.x1 = f.x0
		f.x0 = x
		acc := mpy32x16(f.y1Hi, f.y1Lo, hp100A[1])
		acc = lAdd(acc, mpy32x16(f.y2Hi, f.y2Lo, hp100A[2]))
		acc = lMac(acc, f.x0, hp100B[0])
		acc = lMac(acc, f.x1, hp100B[1])
		acc = lMac(acc, x2, hp100B[2])
		acc = lShl(acc, 2)
		sig[i] = round16(lShl(acc, 1))
		f.y2Hi, f.y2Lo = f.y1Hi, f.y1Lo
		f.y1Hi, f.y1Lo = lExtract(acc)
	}
}

func TestHighPassMatchesReference(t *testing.T) {
	_, sample := kernelRand(4)
	var ref refPostProcess
	var hp highPass
	for iter := range 5000 {
		var in [FrameSamples]int64
		want := make([]int16, FrameSamples)
		for i := range want {
			want[i] = sample()
			if iter%7 == 0 { // runs of full scale drive the filter into saturation
				want[i] = []int16{maxInt16, minInt16}[i/9%2]
			}
			in[i] = int64(want[i])
		}
		ref.filter(want)
		var got [FrameSamples]int16
		hp.filter(&in, &got)
		require.Equal(t, want, got[:], "frame %d", iter)
	}
}

// refLspPoly is Get_lsp_pol.
func refLspPoly(lsp *[10]int16, first int, f *[6]int32) {
	f[0] = lMult(4096, 2048)
	f[1] = lMsu(0, lsp[first], 512)
	for i := 2; i <= 5; i++ {
		q := lsp[first+2*(i-1)]
		f[i] = f[i-2]
		for k := i; k > 1; k-- {
			hi, lo := lExtract(f[k-1])
			t := lShl(mpy32x16(hi, lo, q), 1)
			f[k] = lAdd(f[k], f[k-2])
			f[k] = lSub(f[k], t)
		}
		f[1] = lMsu(f[1], q, 512)
	}
}

// refLspAz is Lsp_Az.
func refLspAz(lsp *[10]int16, a *[11]int16) {
	var f1, f2 [6]int32
	refLspPoly(lsp, 0, &f1)
	refLspPoly(lsp, 1, &f2)
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

func TestLSPPolyMatchesReference(t *testing.T) {
	r, sample := kernelRand(5)
	check := func(t *testing.T, iter int, lsp *[10]int16) {
		t.Helper()
		for first := range 2 {
			var want, got [6]int32
			refLspPoly(lsp, first, &want)
			lspPoly(lsp, first, &got)
			require.Equal(t, want, got, "iteration %d, lsp %v", iter, *lsp)
		}
		var want, got [11]int16
		refLspAz(lsp, &want)
		lspToLPC(lsp, &got)
		require.Equal(t, want, got, "iteration %d, lsp %v: LP coefficients", iter, *lsp)
	}
	t.Run("random", func(t *testing.T) {
		for iter := range 50000 {
			var lsp [10]int16
			for i := range lsp {
				lsp[i] = sample()
			}
			check(t, iter, &lsp)
		}
	})
	// LSPs at or near ±1 make the coefficients of the last step reach
	// 252·2^24, far past saturation: only there may the chain saturate.
	t.Run("extreme", func(t *testing.T) {
		near := []int16{minInt16, minInt16 + 1, -32000, -30000, maxInt16, 32000, 30000}
		for iter := range 50000 {
			var lsp [10]int16
			for i := range lsp {
				lsp[i] = near[r.IntN(len(near))]
				if r.IntN(4) == 0 {
					lsp[i] = sample()
				}
			}
			check(t, iter, &lsp)
		}
	})
}

// TestMAPredictorsCannotSaturate checks the bound maCompose relies on: for
// every LSF predictor (speech and SID), the coefficients are positive and
// with the predictor's sum add up to at most 32767.
func TestMAPredictorsCannotSaturate(t *testing.T) {
	check := func(t *testing.T, ma *[4][10]int16, sum *[10]int16) {
		t.Helper()
		for j := range 10 {
			total := int32(sum[j])
			require.Positive(t, sum[j])
			for k := range 4 {
				require.Positive(t, ma[k][j])
				total += int32(ma[k][j])
			}
			require.LessOrEqual(t, total, int32(maxInt16), "coefficient %d", j)
		}
	}
	for m := range 2 {
		check(t, &lspMA[m], &lspMASum[m])
		check(t, &noiseMA[m], &noiseMASum[m])
	}
}

// refScaleSt is the adaptive gain control of the main body's post-filter
// (scale_st): it scales out in place and returns the last gain.
func refScaleSt(in, out []int16, gainPrec int16) int16 {
	absSum := func(x []int16) int32 {
		var acc int32
		for _, v := range x {
			acc = lAdd(acc, lAbs(int32(v)))
		}
		return acc
	}
	var g0 int16
	if acc := absSum(in); acc != 0 {
		scIn := normL(acc)
		gIn := extractH(lShl(acc, scIn))
		acc = absSum(out)
		if acc == 0 {
			return 0
		}
		scOut := normL(acc)
		gOut := extractH(lShl(acc, scOut))
		shG0 := sub(add(scIn, 1), scOut)
		if sub(gIn, gOut) < 0 {
			g0 = divS(gIn, gOut)
		} else {
			g0 = add(shr(divS(sub(gIn, gOut), gOut), 1), 0x4000)
			shG0 = sub(shG0, 1)
		}
		g0 = multR(shr(g0, shG0), pstAGC1)
	}
	gain := gainPrec
	for i, v := range out {
		gain = add(multR(pstAGC, gain), g0)
		out[i] = round16(lShl(lMult(gain, v), 1))
	}
	return gain
}

func TestGainControlMatchesReference(t *testing.T) {
	r, sample := kernelRand(6)
	for iter := range 50000 {
		ins, outs := make([]int16, subLen), make([]int16, subLen)
		var in, out [subLen]int64
		quiet := r.IntN(5) == 0 // a quiet input against a loud output drives g0 to its largest
		for i := range subLen {
			ins[i], outs[i] = sample(), sample()
			if quiet {
				ins[i] = int16(r.IntN(5) - 2)
			}
			if iter%9 == 0 {
				outs[i] = extreme(r)
			}
			in[i], out[i] = int64(ins[i]), int64(outs[i])
		}
		gain := int16(r.IntN(1 << 15))
		if iter%3 == 0 {
			gain = []int16{0, 16384, maxInt16, 32358}[r.IntN(4)]
		}
		want := refScaleSt(ins, outs, gain)
		got := gainControl(&in, &out, absSum(&out), gain)
		require.Equal(t, want, got, "iteration %d: gain", iter)
		for i, w := range outs {
			require.Equal(t, int64(w), out[i], "iteration %d, sample %d", iter, i)
		}
	}
}

// refTiltCompensate is the tilt compensation (filt_mu) with the saturating
// operators, step by step: the first-order filter in 32 bits, extract_l of
// its rounded high half, and the gain with its shift and saturation.
func refTiltCompensate(sig *[1 + subLen]int64, out *[subLen]int64, parcor0 int16) {
	var mu, fact int16
	var shFact1 uint
	if parcor0 > 0 {
		mu = multR(parcor0, pstGamma3Plus)
		shFact1, fact = 15, 0x4000
	} else {
		mu = multR(parcor0, pstGamma3Min)
		shFact1, fact = 12, 0x0800
	}
	ga := divS(fact, add(32767, sub(1, abs16(mu))))
	m := shr(mu, 1)
	for n := range out {
		acc := lAdd(lMac(lShr(depositH(int16(sig[n+1])), 1), m, int16(sig[n])), 0x4000)
		t := extractL(acc >> 15)
		acc = lAdd(lMult(t, ga), int32(fact))
		out[n] = int64(sat16(acc >> shFact1))
	}
}

func TestTiltCompensateMatchesReference(t *testing.T) {
	r, sample := kernelRand(7)
	for iter := range 50000 {
		var sig [1 + subLen]int64
		for i := range sig {
			sig[i] = int64(sample())
			if iter%5 == 0 {
				sig[i] = int64(extreme(r))
			}
		}
		parcor0 := sample()
		if iter%4 == 0 {
			parcor0 = extreme(r)
		}
		var want, got [subLen]int64
		refTiltCompensate(&sig, &want, parcor0)
		sum := tiltCompensate(&sig, &got, parcor0)
		require.Equal(t, want, got, "iteration %d, parcor0 %d", iter, parcor0)
		require.Equal(t, absSum(&want), sum, "iteration %d, parcor0 %d: Σ|out|", iter, parcor0)
	}
}

func TestExcitationMatchesReference(t *testing.T) {
	r, sample := kernelRand(8)
	for iter := range 200000 {
		v, c := sample(), sample()
		gp, gc := int16(r.IntN(1<<15)), int16(r.IntN(1<<15))
		if iter%3 == 0 {
			v, c = extreme(r), extreme(r)
			gp, gc = []int16{0, 1, 16384, maxInt16}[r.IntN(4)], []int16{0, 1, 16384, maxInt16}[r.IntN(4)]
		}
		want := round16(lShl(lMac(lMult(v, gp), c, gc), 1))
		require.Equal(t, int64(want), excitation(int64(v), int64(c), int64(gp), int64(gc)), "v %d c %d gp %d gc %d", v, c, gp, gc)
	}
}
