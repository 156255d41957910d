package g729

// Adaptive codebook (G.729 §3.7, §4.1.3): pitch-lag decoding and the
// interpolated past excitation at 1/3-sample resolution.

const (
	pitMin = 20
	pitMax = 143
)

// decodeLag1 decodes the 8-bit pitch index of the first subframe.
func decodeLag1(index int16) (t0, frac int16) {
	if index < 197 {
		t0 = add(mult(add(index, 2), 10923), 19)
		frac = add(sub(index, add(add(t0, t0), t0)), 58)
		return
	}
	return sub(index, 112), 0
}

// decodeLag2 decodes the 5-bit relative pitch index of the second subframe
// around the first subframe's integer lag t1.
func decodeLag2(index, t1 int16) (t0, frac int16) {
	tMin := sub(t1, 5)
	if tMin < pitMin {
		tMin = pitMin
	}
	tMax := add(tMin, 9)
	if tMax > pitMax {
		tMax = pitMax
		tMin = sub(tMax, 9)
	}
	i := sub(mult(add(index, 2), 10923), 1)
	t0 = add(i, tMin)
	frac = sub(sub(index, 2), add(add(i, i), i))
	return
}

// adaptiveVector writes the 40 samples at exc[pos:] from the past excitation
// delayed by t0 - frac/3, with the 1/3-resolution interpolation filter.
// exc must hold at least t0+11 samples of history before pos.
func adaptiveVector(exc []int16, pos int, t0, frac int16) {
	x0 := pos - int(t0)
	frac = -frac
	if frac < 0 {
		frac += 3
		x0--
	}
	c1 := interp3[frac:]
	c2 := interp3[3-frac:]
	for j := range 40 {
		x1 := exc[x0+j-9 : x0+j+1] // x1[9-i] is sample x0+j-i
		x2 := exc[x0+j+1 : x0+j+11]
		var s int32
		for i, k := 0, 0; i < 10; i, k = i+1, k+3 {
			s = lMac(s, x1[9-i], c1[k])
			s = lMac(s, x2[i], c2[k])
		}
		exc[pos+j] = round16(s)
	}
}
