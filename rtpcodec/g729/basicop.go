package g729

import "math/bits"

// Saturating fixed-point operators of the ITU-T basic-operator set
// (ITU-T G.191 STL, as used by the normative G.729 fixed-point description).
// Word16 values are int16, Word32 values are int32. Each operator saturates
// exactly where the reference saturates; the decoder's results depend on it.
// They are kept small so that the compiler inlines them.

const (
	maxInt16 = 32767
	minInt16 = -32768
	maxInt32 = 2147483647
	minInt32 = -2147483648
)

// sat16 saturates a 32-bit value to 16 bits ("sature").
func sat16(x int32) int16 {
	if x > maxInt16 {
		return maxInt16
	}
	if x < minInt16 {
		return minInt16
	}
	return int16(x)
}

// clamp16 is sat16 kept in 64 bits, for values that seldom need it: the
// test that they do not is a single comparison.
func clamp16(x int64) int64 {
	if uint64(x+1<<15) >= 1<<16 {
		x = min(max(x, minInt16), maxInt16)
	}
	return x
}

// clamp32 is sat32 kept in 64 bits.
func clamp32(x int64) int64 { return min(max(x, minInt32), maxInt32) }

// sat32 saturates a 64-bit value to 32 bits.
func sat32(x int64) int32 {
	if x > maxInt32 {
		return maxInt32
	}
	if x < minInt32 {
		return minInt32
	}
	return int32(x)
}

func add(a, b int16) int16 { return sat16(int32(a) + int32(b)) }
func sub(a, b int16) int16 { return sat16(int32(a) - int32(b)) }

func negate(a int16) int16 {
	if a == minInt16 {
		return maxInt16
	}
	return -a
}

func abs16(a int16) int16 {
	if a < 0 {
		return negate(a)
	}
	return a
}

// mult is the Q15 product a*b>>15.
func mult(a, b int16) int16 { return sat16((int32(a) * int32(b)) >> 15) }

// multR is mult with rounding.
func multR(a, b int16) int16 { return sat16((int32(a)*int32(b) + 0x4000) >> 15) }

// lMult is the doubled product 2*a*b in 32 bits.
func lMult(a, b int16) int32 {
	p := int32(a) * int32(b)
	if p == 0x40000000 {
		return maxInt32
	}
	return p << 1
}

func lAdd(a, b int32) int32 { return sat32(int64(a) + int64(b)) }
func lSub(a, b int32) int32 { return sat32(int64(a) - int64(b)) }

// lMac is acc + 2*a*b with the saturation of both steps.
func lMac(acc int32, a, b int16) int32 { return sat32(int64(acc) + int64(lMult(a, b))) }

// lMsu is acc - 2*a*b with the saturation of both steps.
func lMsu(acc int32, a, b int16) int32 { return sat32(int64(acc) - int64(lMult(a, b))) }

func lAbs(a int32) int32 {
	if a < 0 {
		if a == minInt32 {
			return maxInt32
		}
		return -a
	}
	return a
}

// The shifts take their count as the reference does, a negative count
// shifting the other way. Go defines a right shift by at least the width as
// the sign (-1 or 0), which is what the reference returns there, and the
// left shifts clamp the count where any non-zero value saturates; so none
// needs a loop or a recursive call, and all four inline.

// shl shifts left with saturation; a negative n shifts right.
func shl(a, n int16) int16 {
	if n < 0 {
		return a >> uint(-int32(n))
	}
	return sat16(int32(a) << uint(min(n, 16)))
}

// shr shifts right arithmetically; a negative n shifts left with
// saturation.
func shr(a, n int16) int16 {
	if n < 0 {
		return sat16(int32(a) << uint(min(-int32(n), 16)))
	}
	return a >> uint(n)
}

// shrR is shr with rounding.
func shrR(a, n int16) int16 {
	if n > 15 {
		return 0
	}
	r := shr(a, n)
	if n > 0 && a&(1<<uint(n-1)) != 0 {
		r++
	}
	return r
}

// lShl shifts left with saturation; a negative n shifts right.
func lShl(a int32, n int16) int32 {
	if n < 0 {
		return a >> uint(-int32(n))
	}
	return sat32(int64(a) << uint(min(n, 32)))
}

// lShr shifts right arithmetically; a negative n shifts left with
// saturation.
func lShr(a int32, n int16) int32 {
	if n < 0 {
		return sat32(int64(a) << uint(min(-int32(n), 32)))
	}
	return a >> uint(n)
}

// lShrR is lShr with rounding.
func lShrR(a int32, n int16) int32 {
	if n > 31 {
		return 0
	}
	r := lShr(a, n)
	if n > 0 && a&(1<<uint(n-1)) != 0 {
		r++
	}
	return r
}

// round16 returns the rounded high half of a ("round").
func round16(a int32) int16 { return int16(lAdd(a, 0x8000) >> 16) }

func extractH(a int32) int16 { return int16(a >> 16) }
func extractL(a int32) int16 { return int16(a) }
func depositH(a int16) int32 { return int32(a) << 16 }

// normS returns the left shift that normalises a.
func normS(a int16) int16 {
	if a == 0 {
		return 0
	}
	return int16(bits.LeadingZeros16(uint16(a^(a>>15)))) - 1
}

// normL returns the left shift that normalises a.
func normL(a int32) int16 {
	if a == 0 {
		return 0
	}
	return int16(bits.LeadingZeros32(uint32(a^(a>>31)))) - 1
}

// divS is the Q15 quotient a/b for 0 <= a <= b, b > 0: the reference's
// 15-step restoring division computes floor(a·2^15/b).
func divS(a, b int16) int16 {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a >= b {
		return maxInt16
	}
	return int16((int32(a) << 15) / int32(b))
}

// Double-precision format of the reference (oper_32b): a 32-bit value
// split as hi<<16 + lo<<1.

func lExtract(a int32) (hi, lo int16) {
	hi = extractH(a)
	lo = extractL(lMsu(a>>1, hi, 16384))
	return
}

func lComp(hi, lo int16) int32 { return lMac(depositH(hi), lo, 1) }

// mpy32x16 multiplies the double-precision hi·2^16 + lo·2 by n (Q15),
// as L_mac(L_mult(hi, n), mult(lo, n), 1) does: each min is the single case
// where L_mult or mult saturates (both operands -32768).
func mpy32x16(hi, lo, n int16) int32 {
	p := min(int64(int32(hi)*int32(n))<<1, maxInt32)
	q := min((int32(lo)*int32(n))>>15, maxInt16)
	return sat32(p + int64(q)<<1)
}
