package resample

import "math"

// Taps is the number of filter coefficients on each side of an
// interpolated sample; it is also the delay, in input samples, between
// pushing a sample and getting its outputs.
const Taps = 16

// coef holds the half-band filter's odd-phase coefficients in Q15: coef[k]
// weights the inputs k+½ samples before and after the interpolated point.
// Computed once at load; read-only afterwards.
var coef = func() (c [Taps]int32) {
	const beta = 8.0
	var f [Taps]float64
	sum := 0.0
	for k := range f {
		t := float64(k) + 0.5
		sinc := math.Sin(math.Pi*t) / (math.Pi * t)
		r := t / (Taps + 0.5)
		f[k] = sinc * bessel0(beta*math.Sqrt(1-r*r)) / bessel0(beta)
		sum += 2 * f[k]
	}
	for k := range f {
		c[k] = int32(math.Round(f[k] / sum * (1 << 15)))
	}
	return c
}()

// bessel0 is the modified Bessel function of the first kind, order 0.
func bessel0(x float64) float64 {
	s, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		s += term
		if term < 1e-12*s {
			break
		}
	}
	return s
}

// Upsampler2 doubles the sample rate of one stream. Its zero value is ready
// to use and behaves as if the stream was preceded by silence. It is not
// safe for concurrent use.
type Upsampler2 struct {
	// hist holds the last 2*Taps inputs twice over (at i and i+2*Taps), so
	// that the window ending at any position is contiguous.
	hist [4 * Taps]int16
	pos  int // next write index in [0, 2*Taps)
	fill int // inputs received, saturating at Taps (warm-up)
}

// Process appends 2 output samples per input sample to dst and returns the
// extended slice. Outputs lag inputs by Taps input samples (the filter looks
// Taps samples ahead): the outputs of input n come out when input n+Taps is
// pushed, and Flush gives out the rest. Output 2n is always input n.
func (u *Upsampler2) Process(dst []int16, in []int16) []int16 {
	for _, x := range in {
		dst = u.push(dst, x)
	}
	return dst
}

func (u *Upsampler2) push(dst []int16, x int16) []int16 {
	u.hist[u.pos] = x
	u.hist[u.pos+2*Taps] = x
	u.pos++
	if u.pos == 2*Taps {
		u.pos = 0
	}
	if u.fill < Taps {
		u.fill++
		return dst
	}
	return u.emit(dst)
}

// emit appends the two outputs of the input Taps samples back.
func (u *Upsampler2) emit(dst []int16) []int16 {
	// w holds the last 2*Taps inputs, oldest first: the centre input is
	// w[Taps-1], its right neighbour w[Taps].
	w := u.hist[u.pos : u.pos+2*Taps]
	var acc int64
	for k := range Taps {
		acc += int64(coef[k]) * (int64(w[Taps-1-k]) + int64(w[Taps+k]))
	}
	acc = (acc + 1<<14) >> 15
	if acc > math.MaxInt16 {
		acc = math.MaxInt16
	} else if acc < math.MinInt16 {
		acc = math.MinInt16
	}
	return append(dst, w[Taps-1], int16(acc))
}

// Pending returns how many inputs have been pushed but not given out.
func (u *Upsampler2) Pending() int { return u.fill }

// Flush appends the outputs still held back (2 per pending input, the
// signal being taken as silent after its end) and resets u for a new
// stream.
func (u *Upsampler2) Flush(dst []int16) []int16 {
	for range Taps {
		dst = u.push(dst, 0)
	}
	*u = Upsampler2{}
	return dst
}
