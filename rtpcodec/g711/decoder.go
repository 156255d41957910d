package g711

// historyLen is the audio kept for concealment: 30 ms, twice the longest
// pitch period searched.
const historyLen = 240

const (
	minPitch  = 40  // 5 ms at 8 kHz
	maxPitch  = 120 // 15 ms
	fullLevel = 80  // samples of loss repeated at full level (10 ms)
	fadeEnd   = 480 // silence from here on (60 ms)
)

// Decoder decodes one G.711 stream. Its zero value is not usable; call
// NewDecoder. It is not safe for concurrent use.
type Decoder struct {
	table *[256]int16

	// hist holds the last historyLen decoded samples, oldest first; n says
	// how many of them are real.
	hist [historyLen]int16
	n    int

	// Concealment state: the period being repeated, the read position in
	// it, and how many samples of the current loss have been produced.
	period   int
	phase    int
	lossRun  int
	inLoss   bool
	periodAt int // start of the repeated period in hist
}

// NewDecoder returns a decoder for law.
func NewDecoder(law Law) *Decoder {
	d := &Decoder{table: &alawDecode}
	if law == MuLaw {
		d.table = &ulawDecode
	}
	return d
}

// Decode appends one sample per payload byte to dst and returns the extended
// slice. Every byte is a valid code word, so it never fails. It does not
// retain payload.
func (d *Decoder) Decode(dst []int16, payload []byte) ([]int16, error) {
	n := len(dst)
	dst = grow(dst, len(payload))
	out := dst[n:]
	t := d.table
	for i, c := range payload {
		out[i] = t[c]
	}
	d.inLoss = false
	d.remember(out)
	return dst, nil
}

// remember keeps the tail of s as concealment history.
func (d *Decoder) remember(s []int16) {
	if len(s) >= historyLen {
		copy(d.hist[:], s[len(s)-historyLen:])
		d.n = historyLen
		return
	}
	keep := historyLen - len(s)
	copy(d.hist[:keep], d.hist[len(s):])
	copy(d.hist[keep:], s)
	d.n = min(historyLen, d.n+len(s))
}

// Conceal appends n samples standing in for lost audio: the last pitch
// period repeated, fading to silence (see the package doc).
func (d *Decoder) Conceal(dst []int16, n int) []int16 {
	start := len(dst)
	dst = grow(dst, n)
	out := dst[start:]
	if !d.inLoss {
		d.inLoss = true
		d.lossRun = 0
		d.period = d.pitch()
		d.periodAt = historyLen - d.period
		d.phase = 0
	}
	if d.period == 0 {
		clear(out)
		return dst
	}
	for i := range out {
		if d.lossRun >= fadeEnd {
			clear(out[i:])
			break
		}
		v := int32(d.hist[d.periodAt+d.phase])
		if d.lossRun > fullLevel {
			v = v * int32(fadeEnd-d.lossRun) / (fadeEnd - fullLevel)
		}
		out[i] = int16(v)
		d.phase++
		if d.phase == d.period {
			d.phase = 0
		}
		d.lossRun++
	}
	return dst
}

// pitch returns the lag in [minPitch, maxPitch] that maximises the
// normalised autocorrelation of the history, or 0 when there is not enough
// history (nothing was decoded yet).
func (d *Decoder) pitch() int {
	if d.n < 2*maxPitch {
		if d.n >= minPitch {
			return minPitch
		}
		return 0
	}
	h := d.hist[:]
	const win = maxPitch // correlate the last 15 ms with its lagged copy
	best, bestLag := int64(-1)<<62, minPitch
	for lag := minPitch; lag <= maxPitch; lag++ {
		var xy, yy int64
		for i := historyLen - win; i < historyLen; i++ {
			x, y := int64(h[i]), int64(h[i-lag])
			xy += x * y
			yy += y * y
		}
		if yy == 0 {
			continue
		}
		// Compare xy/sqrt(yy) without the root: sign-preserving square.
		score := xy * (xy >> 16) / (yy>>16 + 1)
		if xy < 0 {
			score = -score
		}
		if score > best {
			best, bestLag = score, lag
		}
	}
	return bestLag
}
