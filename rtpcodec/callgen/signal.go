package callgen

import (
	"math"
	"time"
)

// Sound is the kind of signal of a Burst.
type Sound uint8

// Sounds a Burst can hold.
const (
	Tone   Sound = iota // a sine at Freq
	Sweep               // a linear chirp from Freq to Freq2
	Noise               // white noise
	Speech              // a 120 Hz harmonic series with a syllable-rate envelope
)

// Burst is a stretch of sound in a stream's media time; the rest is
// silence.
type Burst struct {
	Start, Length time.Duration
	Sound         Sound
	Freq, Freq2   float64 // Hz
	// Amp is the peak amplitude (0 means 8000).
	Amp float64
}

func (b Burst) amp() float64 {
	if b.Amp == 0 {
		return 8000
	}
	return b.Amp
}

// sample returns the burst's value t seconds into it (t in [0, Length)),
// with n the sample index for the noise generator.
func (b Burst) sample(t float64, n int64) float64 {
	a := b.amp()
	switch b.Sound {
	case Sweep:
		d := b.Length.Seconds()
		f := b.Freq + (b.Freq2-b.Freq)*t/(2*d)
		return a * math.Sin(2*math.Pi*f*t)
	case Noise:
		// A stateless hash of n: deterministic whatever the framing.
		x := uint64(n)*0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019
		x ^= x >> 31
		x *= 0xBF58476D1CE4E5B9
		x ^= x >> 29
		return a * (float64(x>>11)/float64(1<<53)*2 - 1)
	case Speech:
		env := 0.5 - 0.5*math.Cos(2*math.Pi*4*t) // 4 syllables per second
		v := 0.0
		for h := 1; h <= 12; h++ {
			v += math.Sin(2*math.Pi*120*float64(h)*t) / float64(h)
		}
		return a * env * v / 3
	}
	return a * math.Sin(2*math.Pi*b.Freq*t)
}
