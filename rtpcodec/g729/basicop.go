package g729

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

// shl shifts left with saturation; a negative n shifts right.
func shl(a, n int16) int16 {
	if n < 0 {
		return shr(a, -n)
	}
	if n > 15 {
		n = 15 // any non-zero a saturates either way
	}
	r := int32(a) << uint(n)
	return sat16(r)
}

// shr shifts right arithmetically; a negative n shifts left.
func shr(a, n int16) int16 {
	if n < 0 {
		return shl(a, -n)
	}
	if n >= 15 {
		if a < 0 {
			return -1
		}
		return 0
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
	if n <= 0 {
		return lShr(a, -n)
	}
	if n >= 31 {
		n = 31
	}
	return sat32(int64(a) << uint(n))
}

// lShr shifts right arithmetically; a negative n shifts left.
func lShr(a int32, n int16) int32 {
	if n < 0 {
		return lShl(a, -n)
	}
	if n >= 31 {
		if a < 0 {
			return -1
		}
		return 0
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
	if a == -1 {
		return 15
	}
	if a < 0 {
		a = ^a
	}
	var n int16
	for a < 0x4000 {
		a <<= 1
		n++
	}
	return n
}

// normL returns the left shift that normalises a.
func normL(a int32) int16 {
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
	for a < 0x40000000 {
		a <<= 1
		n++
	}
	return n
}

// divS is the Q15 quotient a/b for 0 <= a <= b, b > 0.
func divS(a, b int16) int16 {
	if a == 0 || b <= 0 || a < 0 {
		return 0
	}
	if a >= b {
		return maxInt16
	}
	num, den := int32(a), int32(b)
	var q int16
	for i := 0; i < 15; i++ {
		q <<= 1
		num <<= 1
		if num >= den {
			num -= den
			q++
		}
	}
	return q
}

// Double-precision format of the reference (oper_32b): a 32-bit value
// split as hi<<16 + lo<<1.

func lExtract(a int32) (hi, lo int16) {
	hi = extractH(a)
	lo = extractL(lMsu(a>>1, hi, 16384))
	return
}

func lComp(hi, lo int16) int32 { return lMac(depositH(hi), lo, 1) }

func mpy32x16(hi, lo, n int16) int32 { return lMac(lMult(hi, n), mult(lo, n), 1) }
