package rtpcodec

import "math"

// ComfortNoise generates the comfort noise of RFC 3389 at a signalled
// level. It produces white noise (the spectral coefficients a CN payload
// may carry are ignored) from a fixed-seed generator, so conversions are
// reproducible. Its zero value is silent; it is not safe for concurrent use.
type ComfortNoise struct {
	amp  int32 // peak amplitude of the uniform noise
	seed uint32
}

// SetLevel sets the level from a CN payload: its first byte is the noise
// level in -dBov (0 is the overload point, 127 is -127 dBov). An empty
// payload leaves the level unchanged.
func (c *ComfortNoise) SetLevel(payload []byte) {
	if len(payload) == 0 {
		return
	}
	level := payload[0] & 0x7F
	// RMS relative to a full-scale square wave (32767); uniform noise of
	// peak A has RMS A/sqrt(3).
	rms := 32767 * math.Pow(10, -float64(level)/20)
	c.amp = int32(math.Min(32767, rms*math.Sqrt(3)))
}

// Level returns the current peak amplitude (0 when silent).
func (c *ComfortNoise) Level() int32 { return c.amp }

// Generate appends n samples of noise to dst.
func (c *ComfortNoise) Generate(dst []int16, n int) []int16 {
	if c.seed == 0 {
		c.seed = 0x2545F491
	}
	for range n {
		if c.amp == 0 {
			dst = append(dst, 0)
			continue
		}
		// xorshift32: cheap and good enough for noise.
		c.seed ^= c.seed << 13
		c.seed ^= c.seed >> 17
		c.seed ^= c.seed << 5
		v := int32(int64(int32(c.seed>>16)-32768) * int64(c.amp) >> 15)
		dst = append(dst, int16(v))
	}
	return dst
}
