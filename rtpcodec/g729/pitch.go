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

// adaptiveTaps[f] holds, for the fractional phase f, the 20 taps of the
// interpolation filter interp3 in the order of the samples they weigh,
// exc[x0-9] .. exc[x0+10]: the taps c1 = interp3[f:] reach back from x0,
// c2 = interp3[3-f:] forward from x0+1, every third one.
var adaptiveTaps = func() (t [3][20]int32) {
	for f := range 3 {
		for i := range 10 {
			t[f][9-i] = int32(interp3[f+3*i])
			t[f][10+i] = int32(interp3[3-f+3*i])
		}
	}
	return t
}()

// adaptivePairTaps[f][m] packs the taps of two neighbouring outputs into
// one int64 (see dotPair): the low lane weighs w[m] for output j, the high
// lane for output j+1, whose window starts one sample later.
var adaptivePairTaps = func() (t [3][21]int64) {
	for f, taps := range adaptiveTaps {
		for m := range 21 {
			var lo, hi int32
			if m < 20 {
				lo = taps[m]
			}
			if m > 0 {
				hi = taps[m-1]
			}
			t[f][m] = pair(lo, hi)
		}
	}
	return t
}()

// adaptiveLimit[f] is the largest sample magnitude for which no partial sum
// of phase f, rounding included, can leave 32 bits: 2·Σ|taps|·peak + 2^15
// < 2^31.
var adaptiveLimit = func() (l [3]int64) {
	for f, taps := range adaptiveTaps {
		var gain int32
		for _, c := range taps {
			gain += max(c, -c)
		}
		l[f] = int64((maxInt32 - 0x8000) / (2 * gain))
	}
	return l
}()

// adaptiveVector writes the 40 samples at exc[pos:] from the past excitation
// delayed by t0 - frac/3, with the 1/3-resolution interpolation filter.
// exc must hold at least t0+11 samples of history before pos. For lags
// shorter than the subframe the filter reads samples it has written: output
// j reads at most exc[pos+j-10], so two neighbouring outputs can be computed
// together.
func adaptiveVector(exc []int64, pos int, t0, frac int16) {
	x0 := pos - int(t0)
	frac = -frac
	if frac < 0 {
		frac += 3
		x0--
	}
	taps := &adaptivePairTaps[frac]
	limit := adaptiveLimit[frac]
	// Plain arithmetic while every sample read is at most limit in
	// magnitude: the past excitation, and for lags below 50 the outputs.
	feedback := x0+50 > pos
	plain := peak(exc[x0-9:min(x0+50, pos)]) <= limit
	out := (*[subLen]int64)(exc[pos : pos+subLen])
	// The outputs j and j+1 read win[j:j+21] (the last one 0 for j).
	win := (*[subLen + 20]int64)(exc[x0-9 : x0+51])
	// Every partial sum is below 2^30: the pair packing is exact.
	// round(2s) = (s + 2^14) >> 15, the 2^14 of both lanes in rnd.
	const rnd = pairBias + 1<<14<<32 + 1<<14
	// For lags shorter than a subframe the filter reads samples it has
	// written: output j reads at most exc[pos+j-10], so four neighbouring
	// outputs can still be computed together, two pairs that share the
	// loads of the taps and of 19 of their samples.
	// (The bound j < subLen-3 proves j <= 36 to Go: no bounds checks.)
	for j := 0; j < subLen-3; j += 4 {
		w := (*[23]int64)(win[j : j+23])
		var v0, v1, v2, v3 int64
		if plain {
			t := taps
			a, b := int64(rnd), int64(rnd)
			a, b = a+w[0]*t[0], b+w[2]*t[0]
			a, b = a+w[1]*t[1], b+w[3]*t[1]
			a, b = a+w[2]*t[2], b+w[4]*t[2]
			a, b = a+w[3]*t[3], b+w[5]*t[3]
			a, b = a+w[4]*t[4], b+w[6]*t[4]
			a, b = a+w[5]*t[5], b+w[7]*t[5]
			a, b = a+w[6]*t[6], b+w[8]*t[6]
			a, b = a+w[7]*t[7], b+w[9]*t[7]
			a, b = a+w[8]*t[8], b+w[10]*t[8]
			a, b = a+w[9]*t[9], b+w[11]*t[9]
			a, b = a+w[10]*t[10], b+w[12]*t[10]
			a, b = a+w[11]*t[11], b+w[13]*t[11]
			a, b = a+w[12]*t[12], b+w[14]*t[12]
			a, b = a+w[13]*t[13], b+w[15]*t[13]
			a, b = a+w[14]*t[14], b+w[16]*t[14]
			a, b = a+w[15]*t[15], b+w[17]*t[15]
			a, b = a+w[16]*t[16], b+w[18]*t[16]
			a, b = a+w[17]*t[17], b+w[19]*t[17]
			a, b = a+w[18]*t[18], b+w[20]*t[18]
			a, b = a+w[19]*t[19], b+w[21]*t[19]
			a, b = a+w[20]*t[20], b+w[22]*t[20]
			v0, v1 = int64(int32(uint32(a)^pairBias))>>15, a>>47
			v2, v3 = int64(int32(uint32(b)^pairBias))>>15, b>>47
		} else {
			t := &adaptiveTaps[frac]
			v0, v1 = adaptiveExact(t, (*[20]int64)(w[0:])), adaptiveExact(t, (*[20]int64)(w[1:]))
			v2, v3 = adaptiveExact(t, (*[20]int64)(w[2:])), adaptiveExact(t, (*[20]int64)(w[3:]))
		}
		// (Sample by sample: an array would be built on the stack and
		// copied in 16-byte moves, which cannot be forwarded from the
		// 8-byte stores that built it.)
		out[j], out[j+1], out[j+2], out[j+3] = v0, v1, v2, v3
		if feedback && (max(v0, v1, v2, v3) > limit || -min(v0, v1, v2, v3) > limit) {
			plain = false
		}
	}
}

// adaptiveExact evaluates one interpolated sample with the saturation of
// every step, in the reference's order: x0, x0+1, x0-1, x0+2, ...
func adaptiveExact(taps *[20]int32, w *[20]int64) int64 {
	var acc int32
	for i := range 10 {
		acc = lMac(acc, int16(w[9-i]), int16(taps[9-i]))
		acc = lMac(acc, int16(w[10+i]), int16(taps[10+i]))
	}
	return int64(round16(acc))
}
