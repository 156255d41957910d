package g722

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// refAdapt is block 4 written plainly after the Recommendation, with the
// 16-bit saturating additions of its fixed-point description everywhere and
// no shortcuts: the model that adapt, which is optimised, must match.
func refAdapt(b *band, d int32) {
	sgn := func(x int32) int32 { return x >> 15 } // 0 or -1 for 16-bit x
	r := sat16(b.s + d)
	p := sat16(b.sz + d)

	wd1 := sat16(b.a1 + b.a1)
	wd1 = sat16(wd1 + wd1)
	wd2 := wd1
	if sgn(p) == sgn(b.p1) {
		wd2 = sat16(-wd1)
	}
	wd2 >>= 7
	wd3 := int32(-128)
	if sgn(p) == sgn(b.p2) {
		wd3 = 128
	}
	a2 := sat16(sat16(wd2+wd3) + sat16(mulQ15(b.a2, 32512)))
	a2 = min(max(a2, -12288), 12288)

	wd1 = -192
	if sgn(p) == sgn(b.p1) {
		wd1 = 192
	}
	a1 := sat16(wd1 + mulQ15(b.a1, 32640))
	a1 = min(max(a1, -(15360-a2)), 15360-a2)

	var step int32
	if d != 0 {
		step = 128
	}
	for i := range b.b {
		wd := -step
		if sgn(d) == sgn(b.d[i]) {
			wd = step
		}
		b.b[i] = sat16(wd + mulQ15(b.b[i], 32640))
	}
	for i := 5; i > 0; i-- {
		b.d[i] = b.d[i-1]
	}
	b.d[0] = d
	b.r2, b.r1 = b.r1, r
	b.p2, b.p1 = b.p1, p
	b.a1, b.a2 = a1, a2

	spl := sat16(mulQ15(b.a1, sat16(b.r1+b.r1)) + mulQ15(b.a2, sat16(b.r2+b.r2)))
	var sz int32
	for i := 5; i >= 0; i-- {
		sz = sat16(sz + mulQ15(sat16(b.d[i]+b.d[i]), b.b[i]))
	}
	b.sz = sz
	b.s = sat16(spl + sz)
}

// randomBand returns a band state with every variable anywhere in its
// reachable range, extremes included: coefficients to their limits, the
// signals to 16 bits, the quantised differences to the largest magnitude
// INVQAL can give (20456 * 16384 >> 15), which keeps DLT+DLT within 16
// bits.
func randomBand(rng *rand.Rand) band {
	pick := func(lo, hi int32) int32 {
		switch rng.IntN(8) {
		case 0:
			return lo
		case 1:
			return hi
		case 2:
			return 0
		}
		return lo + rng.Int32N(hi-lo+1)
	}
	var b band
	b.s, b.sz = pick(-32768, 32767), pick(-32768, 32767)
	b.a2 = pick(-12288, 12288)
	b.a1 = pick(-(15360 - b.a2), 15360-b.a2)
	for i := range b.b {
		b.b[i] = pick(-32768, 32767)
		b.d[i] = pick(-10228, 10228)
	}
	b.r1, b.r2 = pick(-32768, 32767), pick(-32768, 32767)
	b.p1, b.p2 = pick(-32768, 32767), pick(-32768, 32767)
	b.nb = pick(0, 18432)
	b.det = linearScale(b.nb, 8)
	return b
}

// doubled returns a plain band state in adapt's representation.
func doubled(b band) band {
	for i := range b.d {
		b.d[i] *= 2
	}
	b.r1, b.r2 = sat16(b.r1+b.r1), sat16(b.r2+b.r2)
	return b
}

// adapt runs block 3 too; the test checks the lower band's (the higher
// band's differs only in its tables, which the conformance tests cover).
func TestAdaptMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		got := randomBand(rng)
		want := got
		d := rng.Int32N(2*10228+1) - 10228
		if rng.IntN(4) == 0 {
			d = 0
		}
		// adapt keeps the DLT and RLT lines doubled (RLT saturated).
		il4 := rng.Int32N(16)
		adapt := doubled(got)
		adapt.adapt(d, lowerScaling(il4))
		refAdapt(&want, d)
		// LOGSCL and SCALEL, plainly.
		want.nb = min(max(mulQ15(want.nb, 32512)+wl[rl42[il4]], 0), 18432)
		want.det = linearScale(want.nb, 8)
		want = doubled(want)
		require.Equal(t, want, adapt, "state %+v, d %d", got, d)
	}
}
