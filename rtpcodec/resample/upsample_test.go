package resample_test

import (
	"math"
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/resample"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sine(n int, freq, rate, amp float64) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(math.Round(amp * math.Sin(2*math.Pi*freq*float64(i)/rate)))
	}
	return s
}

func upsample(in []int16) []int16 {
	var u resample.Upsampler2
	out := u.Process(nil, in)
	return u.Flush(out)
}

func TestEvenSamplesAreInputs(t *testing.T) {
	in := sine(1000, 1000, 8000, 12000)
	out := upsample(in)
	require.Len(t, out, 2*len(in))
	for n, x := range in {
		if out[2*n] != x {
			t.Fatalf("output %d = %d, want input %d = %d", 2*n, out[2*n], n, x)
		}
	}
}

func TestPassBandAndImage(t *testing.T) {
	for _, tc := range []struct {
		name     string
		freq     float64
		maxError float64 // RMS error against the ideal 16 kHz sine, relative to its RMS
	}{
		{"300 Hz", 300, 0.005},
		{"1 kHz", 1000, 0.005},
		{"3.4 kHz", 3400, 0.02},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const amp = 10000
			in := sine(4000, tc.freq, 8000, amp)
			out := upsample(in)
			want := sine(8000, tc.freq, 16000, amp)
			var e, r float64
			for i := 200; i < 7800; i++ { // skip the edges
				d := float64(out[i]) - float64(want[i])
				e += d * d
				r += float64(want[i]) * float64(want[i])
			}
			assert.Less(t, math.Sqrt(e/r), tc.maxError)
		})
	}
}

func TestSampleRepetitionWouldFail(t *testing.T) {
	// Guard against a regression to sample repetition: the odd samples of
	// a 3 kHz tone must sit between their neighbours, not equal one.
	in := sine(400, 3000, 8000, 10000)
	out := upsample(in)
	same := 0
	for n := 50; n < 350; n++ {
		if out[2*n+1] == out[2*n] {
			same++
		}
	}
	assert.Less(t, same, 10)
}

func TestSplitCallsMatchOneCall(t *testing.T) {
	in := sine(1000, 440, 8000, 9000)
	var u resample.Upsampler2
	out := u.Process(nil, in[:7])
	assert.Equal(t, 0, len(out), "held back during warm-up")
	assert.Equal(t, 7, u.Pending())
	out = u.Process(out, in[7:500])
	out = u.Process(out, in[500:])
	out = u.Flush(out)
	assert.Equal(t, upsample(in), out)
	assert.Equal(t, 0, u.Pending(), "Flush resets")
}

func TestSaturates(t *testing.T) {
	in := make([]int16, 200)
	for i := range in {
		in[i] = math.MaxInt16
		if i%2 == 1 {
			in[i] = math.MinInt16
		}
	}
	out := upsample(in) // a full-scale Nyquist square rings over full scale
	assert.Len(t, out, 400)
}

func TestZeroAllocs(t *testing.T) {
	var u resample.Upsampler2
	in := sine(160, 440, 8000, 9000)
	buf := make([]int16, 0, 400)
	allocs := testing.AllocsPerRun(100, func() { buf = u.Process(buf[:0], in) })
	assert.Zero(t, allocs)
}

func BenchmarkUpsampler2(b *testing.B) {
	var u resample.Upsampler2
	in := sine(160, 440, 8000, 9000)
	buf := make([]int16, 0, 400)
	b.ReportAllocs()
	b.SetBytes(320)
	for b.Loop() {
		buf = u.Process(buf[:0], in)
	}
}

// level returns the amplitude of the freq component of s (16 kHz) by
// correlation.
func level(s []int16, freq float64) float64 {
	var re, im float64
	for i, v := range s {
		a := 2 * math.Pi * freq * float64(i) / 16000
		re += float64(v) * math.Cos(a)
		im += float64(v) * math.Sin(a)
	}
	return 2 * math.Hypot(re, im) / float64(len(s))
}

func TestImageRejection(t *testing.T) {
	for _, tc := range []struct {
		tone, image, minDB float64
	}{
		{1000, 7000, 90},
		{3000, 5000, 75},
		{3400, 4600, 65},
	} {
		in := sine(8000, tc.tone, 8000, 10000)
		out := upsample(in)[2000:14000]
		db := 20 * math.Log10(level(out, tc.tone)/level(out, tc.image))
		t.Logf("%v Hz tone: image at %v Hz is %.1f dB down", tc.tone, tc.image, db)
		assert.Greater(t, db, tc.minDB)
	}
}
