package g729

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// The operators are checked against direct statements of the basic-operator
// definitions (ITU-T G.191 STL), written for clarity not speed: shifts bit
// by bit with a saturation test at every step, normalisation by repeated
// doubling, division by restoring long division.

func refShl(a, n int16) int16 {
	if n < 0 {
		return refShr(a, int16(min(-int32(n), 16)))
	}
	r := int32(a)
	for ; n > 0; n-- {
		r *= 2
		if r > maxInt16 {
			return maxInt16
		}
		if r < minInt16 {
			return minInt16
		}
	}
	return int16(r)
}

func refShr(a, n int16) int16 {
	if n < 0 {
		return refShl(a, int16(min(-int32(n), 16)))
	}
	if n >= 15 {
		if a < 0 {
			return -1
		}
		return 0
	}
	r := int32(a)
	for ; n > 0; n-- {
		r = int32(math.Floor(float64(r) / 2))
	}
	return int16(r)
}

func refLShl(a int32, n int16) int32 {
	if n < 0 {
		return refLShr(a, int16(min(-int32(n), 32)))
	}
	r := int64(a)
	for ; n > 0; n-- {
		if r > 0x3fffffff {
			return maxInt32
		}
		if r < -0x40000000 {
			return minInt32
		}
		r *= 2
	}
	return int32(r)
}

func refLShr(a int32, n int16) int32 {
	if n < 0 {
		return refLShl(a, int16(min(-int32(n), 32)))
	}
	if n >= 31 {
		if a < 0 {
			return -1
		}
		return 0
	}
	return int32(math.Floor(float64(a) / math.Exp2(float64(n))))
}

func refNormL(a int32) int16 {
	if a == 0 {
		return 0
	}
	if a == -1 {
		return 31
	}
	if a < 0 {
		a = ^a
	}
	var n int16
	for ; a < 0x40000000; a <<= 1 {
		n++
	}
	return n
}

func refNormS(a int16) int16 {
	if a == 0 {
		return 0
	}
	if a == -1 {
		return 15
	}
	if a < 0 {
		a = ^a
	}
	var n int16
	for ; a < 0x4000; a <<= 1 {
		n++
	}
	return n
}

func refDivS(a, b int16) int16 {
	if a == b {
		return maxInt16
	}
	num, den := int32(a), int32(b)
	var q int16
	for range 15 {
		q <<= 1
		num <<= 1
		if num >= den {
			num -= den
			q++
		}
	}
	return q
}

var (
	edge16 = []int16{minInt16, minInt16 + 1, -16385, -16384, -16383, -257, -256, -255, -3, -2, -1, 0, 1, 2, 3, 255, 256, 257, 16383, 16384, 16385, maxInt16 - 1, maxInt16}
	edge32 = []int32{minInt32, minInt32 + 1, -0x40000001, -0x40000000, -0x3fffffff, -65537, -65536, -32768, -2, -1, 0, 1, 2, 32767, 65535, 65536, 0x3fffffff, 0x40000000, maxInt32 - 1, maxInt32}
	counts = []int16{minInt16, -100, -33, -32, -31, -17, -16, -15, -14, -2, -1, 0, 1, 2, 14, 15, 16, 17, 30, 31, 32, 33, 100, maxInt16}
)

func TestShifts(t *testing.T) {
	for _, a := range edge16 {
		for _, n := range counts {
			require.Equal(t, refShl(a, n), shl(a, n), "shl(%d, %d)", a, n)
			require.Equal(t, refShr(a, n), shr(a, n), "shr(%d, %d)", a, n)
		}
	}
	for _, a := range edge32 {
		for _, n := range counts {
			require.Equal(t, refLShl(a, n), lShl(a, n), "lShl(%d, %d)", a, n)
			require.Equal(t, refLShr(a, n), lShr(a, n), "lShr(%d, %d)", a, n)
		}
	}
}

func TestNormAndDiv(t *testing.T) {
	for a := int32(minInt16); a <= maxInt16; a++ {
		require.Equal(t, refNormS(int16(a)), normS(int16(a)), "normS(%d)", a)
	}
	for _, a := range edge32 {
		require.Equal(t, refNormL(a), normL(a), "normL(%d)", a)
	}
	for b := int32(1); b <= maxInt16; b += 97 {
		for a := int32(1); a <= b; a += 89 {
			require.Equal(t, refDivS(int16(a), int16(b)), divS(int16(a), int16(b)), "divS(%d, %d)", a, b)
		}
		require.Equal(t, refDivS(int16(b), int16(b)), divS(int16(b), int16(b)))
	}
}

func TestMpy32x16(t *testing.T) {
	for _, hi := range edge16 {
		for _, lo := range []int16{0, 1, 16384, maxInt16} {
			for _, n := range edge16 {
				want := lMac(lMult(hi, n), mult(lo, n), 1)
				require.Equal(t, want, mpy32x16(hi, lo, n), "mpy32x16(%d, %d, %d)", hi, lo, n)
			}
		}
	}
}
