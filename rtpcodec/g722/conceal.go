package g722

import (
	"math"
	"slices"
)

// Packet-loss concealment. G.722 itself has none; this one works on the
// 16 kHz output, in the spirit of G.711 Appendix I, and is described in the
// package doc. All lengths are in 16 kHz samples.
const (
	histLen    = 640 // audio kept for the pitch search: 40 ms
	corrLen    = 320 // length of the correlated segment: 20 ms
	minPitch   = 80  // shortest repetition period: 5 ms (200 Hz; higher voices repeat two periods)
	maxPitch   = 320 // longest: 20 ms (50 Hz); corrLen+maxPitch must not exceed histLen
	holdLen    = 160 // the repetition plays at full level for 10 ms,
	fadeLen    = 320 // then fades out linearly over 20 ms, then silence
	mergeLen   = 80  // after a loss, decoded audio fades in over 5 ms against the repetition
	recoverLen = 320 // and is limited to the level before the loss for 20 ms
)

// concealer keeps the recent output and generates the stand-in audio.
type concealer struct {
	hist       [histLen]int16 // the last histLen output samples, a ring
	hpos       int            // next write position in hist
	inLoss     bool           // whether the last call was Conceal
	lost       int            // concealed samples since the loss began (sets the gain)
	mergeDue   int            // samples of the fade-in still to do
	recoverDue int            // samples of the limiting still to do
	limit      int32          // peak level of the audio before the loss
	gain       int32          // the limiter's gain, Q15
	period     int            // repetition period of the current loss
	phase      int            // position in cycle of the next concealed sample
	cycle      [maxPitch]int16
}

// Conceal appends n samples standing in for lost audio (n/2 lost octets)
// and returns the extended slice; it allocates only when dst lacks capacity.
// It repeats the last pitch period of the audio before the loss, fading it
// out, and leaves the decoder state as it was, as the package doc explains.
func (d *Decoder) Conceal(dst []int16, n int) []int16 {
	if n <= 0 {
		return dst
	}
	start := len(dst)
	dst = slices.Grow(dst, n)[:start+n]
	if !d.plc.inLoss {
		d.plc.begin()
	}
	d.plc.conceal(dst[start:])
	return dst
}

// begin starts a loss: it finds the pitch period of the history, takes its
// last period as the cycle to repeat and its peak as the level to limit
// the recovery to.
func (c *concealer) begin() {
	var h [histLen]int16
	n := copy(h[:], c.hist[c.hpos:])
	copy(h[n:], c.hist[:c.hpos])
	c.period = pitchPeriod(&h)
	copy(c.cycle[:c.period], h[histLen-c.period:])
	c.limit = 0
	for _, v := range h {
		c.limit = max(c.limit, int32(v), -int32(v))
	}
	c.phase, c.lost, c.mergeDue, c.recoverDue = 0, 0, 0, 0
	c.inLoss = true
}

// pitchPeriod returns the lag in [minPitch, maxPitch] that best predicts the
// last corrLen samples of h from the samples one lag earlier (maximum
// normalised cross-correlation).
func pitchPeriod(h *[histLen]int16) int {
	x := h[histLen-corrLen:]
	best, bestScore := minPitch, math.Inf(-1)
	for lag := minPitch; lag <= maxPitch; lag++ {
		y := h[histLen-corrLen-lag : histLen-lag]
		var xy, yy int64
		for i := range x {
			xy += int64(x[i]) * int64(y[i])
			yy += int64(y[i]) * int64(y[i])
		}
		if yy == 0 {
			continue
		}
		if score := float64(xy) / math.Sqrt(float64(yy)); score > bestScore {
			best, bestScore = lag, score
		}
	}
	return best
}

// next returns the next sample of the repetition at its current gain: full
// for holdLen samples, then fading linearly to zero over fadeLen.
func (c *concealer) next() int32 {
	var g int32
	switch {
	case c.lost < holdLen:
		g = fadeLen
	case c.lost < holdLen+fadeLen:
		g = int32(holdLen + fadeLen - c.lost)
	}
	v := int32(c.cycle[c.phase]) * g / fadeLen
	c.lost++
	if c.phase++; c.phase == c.period {
		c.phase = 0
	}
	return v
}

// conceal fills out with the repetition and records it.
func (c *concealer) conceal(out []int16) {
	i := 0
	for ; i < len(out) && c.lost < holdLen+fadeLen; i++ {
		out[i] = int16(c.next())
	}
	clear(out[i:])
	c.lost += len(out) - i
	c.remember(out)
}

// decoded is called with the freshly decoded samples of every Decode. After
// a loss it cross-fades them from the repetition (going on at its fading
// gain) and limits them to the level before the loss; then it records them.
func (c *concealer) decoded(out []int16) {
	if c.inLoss {
		c.inLoss = false
		c.mergeDue, c.recoverDue, c.gain = mergeLen, recoverLen, 1<<15
	}
	for i := 0; i < len(out) && c.recoverDue > 0; i++ {
		v := int32(out[i])
		if c.mergeDue > 0 {
			w := int32(mergeLen + 1 - c.mergeDue) // weight of the decoded audio, 1..mergeLen
			v = (v*w + c.next()*(mergeLen+1-w)) / (mergeLen + 1)
			c.mergeDue--
		}
		// Limiter: instant attack, release towards unity over ~4 ms.
		if a := max(v, -v); a*c.gain>>15 > c.limit {
			c.gain = c.limit << 15 / a
		}
		out[i] = int16(v * c.gain >> 15)
		c.gain += (1<<15 - c.gain) >> 6
		c.recoverDue--
	}
	c.remember(out)
}

// remember appends out to the history.
func (c *concealer) remember(out []int16) {
	if len(out) >= histLen {
		copy(c.hist[:], out[len(out)-histLen:])
		c.hpos = 0
		return
	}
	n := copy(c.hist[c.hpos:], out)
	copy(c.hist[:], out[n:])
	c.hpos = (c.hpos + len(out)) % histLen
}
