package g729

// Comfort-noise generation of G.729 Annex B (§4): SID decoding (LSFs with
// their own MA predictors, quantised energy), the smoothed gain, and the
// random excitation mixing an adaptive-codebook part, a Gaussian part and
// four ACELP pulses.

const (
	cngSeedInit = 11111 // seed of the excitation generator ("INIT_SEED")
	cngGainOld  = 28672 // gain smoothing: 0.875·old + 0.125·SID (Q15)
	cngGainSID  = 4096
	cngFrac1    = 19043 // sqrt(40)·α/2 - 1 with α = 0.5 (Q15)
	cngK0       = 24576 // 1 - α² (Q15)
	cngGMax     = 5000  // bound of the pulse gain
)

// random is the reference's 16-bit linear congruential generator.
func random(seed *int16) int16 {
	*seed = *seed*31821 + 13849
	return *seed
}

// sidParams are the fields of a SID frame.
type sidParams struct {
	ma, l1, l2, gain int16
}

// decodeSIDLSP decodes the SID LSF indices into LSPs, updating the shared
// MA predictor memory.
func (l *lsfDecoder) decodeSID(p *sidParams, lsp *[10]int16) {
	var buf, lsf [10]int16
	buf = lspcb1[sidL1[p.l1]]
	lo, hi := &lspcb2[sidL2[0][p.l2]], &lspcb2[sidL2[1][p.l2]]
	for i := range 5 {
		buf[i] = add(buf[i], lo[i])
	}
	for i := 5; i < 10; i++ {
		buf[i] = add(buf[i], hi[i])
	}
	// Minimum distance of 10 (Q13) between neighbours.
	for j := 1; j < 10; j++ {
		acc := lMult(buf[j-1], 16384)
		acc = lMac(acc, buf[j], -16384)
		acc = lMac(acc, 10, 16384)
		if k := extractH(acc); k > 0 {
			buf[j-1] = sub(buf[j-1], k)
			buf[j] = add(buf[j], k)
		}
	}
	maCompose(&buf, &lsf, &noiseMA[p.ma], &l.prev, &noiseMASum[p.ma])
	l.push(&buf)
	stabilize(&lsf)
	lsfToLSP(&lsf, lsp)
}

// quantizeErasedSIDGain quantises the energy of the last good frame (as
// ener·2^sh) into a SID gain index, for a first SID frame that was lost.
func quantizeErasedSIDGain(ener, sh int16) int16 {
	acc := lShl(int32(ener), sh)
	hi, lo := lExtract(acc)
	x := mpy32x16(hi, lo, sidGainFact0)
	e, f := log2Fixed(x)
	eTmp := shl(e, 10)
	eTmp = add(eTmp, multR(f, 1024))
	switch {
	case eTmp <= -2721: // -8 dB
		return 0
	case eTmp > 22111: // 65 dB
		return 31
	case eTmp <= 4762: // 14 dB
		idx := mult(add(eTmp, 3401), 24)
		if idx < 1 {
			idx = 1
		}
		return idx
	}
	idx := sub(shr(mult(sub(eTmp, 340), 193), 2), 1)
	if idx < 6 {
		idx = 6
	}
	return idx
}

// cngExcitation writes 80 samples of comfort-noise excitation at
// exc[pos:], whose history the adaptive part reads.
func cngExcitation(gain int16, exc []int64, pos int, seed *int16) {
	if gain == 0 {
		clear(exc[pos : pos+80])
		return
	}
	for sf := pos; sf < pos+80; sf += 40 {
		cur := exc[sf : sf+40]
		// Random adaptive-codebook lag, pulse positions and signs, pitch gain.
		r := random(seed)
		frac := sub(r&3, 1)
		if frac == 2 {
			frac = 0
		}
		r = shr(r, 2)
		t0 := add(r&0x3f, 40)
		r = shr(r, 6)
		var posn [4]int
		var sign [4]int16
		posn[0] = int(r&7) * 5
		r = shr(r, 3)
		sign[0] = r & 1
		r = shr(r, 1)
		posn[1] = int(r&7)*5 + 1
		r = shr(r, 3)
		sign[1] = r & 1
		r = random(seed)
		posn[2] = int(r&7)*5 + 2
		r = shr(r, 3)
		sign[2] = r & 1
		r = shr(r, 1)
		t := r & 0xf
		posn[3] = int(t&1) + 3 + int((t>>1)&7)*5
		r = shr(r, 4)
		sign[3] = r & 1
		gp := random(seed) & 0x1fff // < 0.5 in Q14
		gp2 := shl(gp, 1)

		// Gaussian excitation scaled to the target gain.
		var excg, excs [40]int16
		var acc int32
		for i := range 40 {
			g := gauss(seed)
			acc = lMac(acc, g, g)
			excg[i] = g
		}
		acc = invSqrtFixed(acc >> 1)
		hi, lo := lExtract(acc)
		t1 := add(gain, multR(gain, cngFrac1))
		acc = mpy32x16(hi, lo, t1)
		sh := normL(acc)
		t1 = extractH(lShl(acc, sh))
		sh = sub(sh, 14)
		for i := range 40 {
			excg[i] = shrR(multR(excg[i], t1), sh)
		}

		// Adaptive part plus Gaussian part.
		adaptiveVector(exc, sf, t0, frac)
		var peak int16
		for i := range 40 {
			v := add(multR(int16(cur[i]), gp2), excg[i])
			cur[i] = int64(v)
			if a := abs16(v); a > peak {
				peak = a
			}
		}
		sh = 0
		if peak != 0 {
			sh = sub(3, normS(peak))
			if sh <= 0 {
				sh = 0
			}
		}
		for i := range 40 {
			excs[i] = shr(int16(cur[i]), sh)
		}

		// Pulse gain g solving 4g² + 2bg + c = 0 for the target energy.
		var ener int32
		for i := range 40 {
			ener = lMac(ener, excs[i], excs[i])
		}
		var inter int16
		for i := range 4 {
			if sign[i] == 0 {
				inter = sub(inter, excs[posn[i]])
			} else {
				inter = add(inter, excs[posn[i]])
			}
		}
		acc = lMult(gain, 40)
		acc = acc >> 6
		k := lMult(gain, extractL(acc))
		acc = lShr(k, add(1, shl(sh, 1)))
		acc = lSub(acc, ener)
		inter = shr(inter, 1)
		acc = lMac(acc, inter, inter)
		sh = add(sh, 1)
		if acc < 0 {
			// Negative discriminant: drop the adaptive part.
			for i, v := range excg {
				cur[i] = int64(v)
			}
			m := abs16(excg[posn[0]]) | abs16(excg[posn[1]]) | abs16(excg[posn[2]]) | abs16(excg[posn[3]])
			sh = 1
			if m&0x4000 != 0 {
				sh = 2
			}
			inter = 0
			for i := range 4 {
				v := shr(excg[posn[i]], sh)
				if sign[i] == 0 {
					inter = sub(inter, v)
				} else {
					inter = add(inter, v)
				}
			}
			hi, lo := lExtract(k)
			acc = mpy32x16(hi, lo, cngK0)
			acc = lShr(acc, sub(shl(sh, 1), 1))
			acc = lMac(acc, inter, inter)
		}
		root := sqrtHalf(acc)
		x1 := sub(root, inter)
		x2 := negate(add(inter, root))
		if abs16(x2) < abs16(x1) {
			x1 = x2
		}
		g := shrR(x1, sub(2, sh))
		if g >= 0 {
			if g > cngGMax {
				g = cngGMax
			}
		} else if add(g, cngGMax) < 0 {
			g = negate(cngGMax)
		}
		for i := range 4 {
			if sign[i] != 0 {
				cur[posn[i]] = int64(add(int16(cur[posn[i]]), g))
			} else {
				cur[posn[i]] = int64(sub(int16(cur[posn[i]]), g))
			}
		}
	}
}

// gauss returns an approximately Gaussian sample (sum of 12 uniforms).
func gauss(seed *int16) int16 {
	var acc int32
	for range 12 {
		acc = lAdd(acc, int32(random(seed)))
	}
	return extractL(acc >> 7)
}

// sqrtHalf returns sqrt(x/2) by bitwise search.
func sqrtHalf(x int32) int16 {
	var r int16
	e := int16(0x4000)
	for range 14 {
		t := add(r, e)
		if lSub(x, lMult(t, t)) >= 0 {
			r = t
		}
		e >>= 1
	}
	return r
}
