package g722_test

import (
	"math"
	"testing"

	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/g722"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var _ rtpcodec.Decoder = (*g722.Decoder)(nil)

func TestDecodeLength(t *testing.T) {
	for _, tc := range []struct {
		name    string
		prefix  int
		payload int
	}{
		{"empty", 0, 0},
		{"one octet", 0, 1},
		{"20 ms", 0, 160},
		{"appends after existing samples", 7, 160},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := make([]int16, tc.prefix)
			for i := range dst {
				dst[i] = int16(i + 1)
			}
			got, err := g722.NewDecoder(g722.Mode64).Decode(dst, make([]byte, tc.payload))
			require.NoError(t, err)
			require.Len(t, got, tc.prefix+2*tc.payload)
			for i := range tc.prefix {
				require.Equal(t, int16(i+1), got[i], "existing sample %d kept", i)
			}
		})
	}
}

func TestConcealLength(t *testing.T) {
	for _, n := range []int{-1, 0, 1, 7, 320, 10000} {
		dec := g722.NewDecoder(g722.Mode64)
		got := dec.Conceal([]int16{42}, n)
		require.Len(t, got, 1+max(n, 0), "n=%d", n)
		assert.Equal(t, int16(42), got[0])
		for i, v := range got[1:] {
			require.Zero(t, v, "a decoder that has heard nothing conceals with silence (sample %d)", i)
		}
	}
}

// In modes 2 and 3 the low one or two bits of each octet are data.
func TestModeIgnoresDataBits(t *testing.T) {
	payload := g722.NewEncoder().Encode(nil, tone(3200, 700, 9000))
	for _, tc := range []struct {
		mode g722.Mode
		data byte
	}{
		{g722.Mode56, 0x01},
		{g722.Mode48, 0x03},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			withData := make([]byte, len(payload))
			for i, c := range payload {
				withData[i] = c ^ (byte(i) & tc.data)
			}
			want, err := g722.NewDecoder(tc.mode).Decode(nil, payload)
			require.NoError(t, err)
			got, err := g722.NewDecoder(tc.mode).Decode(nil, withData)
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}

func TestNewDecoderRejectsInvalidMode(t *testing.T) {
	for _, m := range []g722.Mode{0, 4, 255} {
		assert.PanicsWithValue(t, "g722: NewDecoder with invalid "+m.String(), func() { g722.NewDecoder(m) })
	}
	assert.Equal(t, "56 kbit/s", g722.Mode56.String())
	assert.Equal(t, g722.Mode48, g722.NewDecoder(g722.Mode48).Mode())
}

func TestReset(t *testing.T) {
	payload := g722.NewEncoder().Encode(nil, tone(3200, 500, 8000))
	dec := g722.NewDecoder(g722.Mode64)
	first, err := dec.Decode(nil, payload)
	require.NoError(t, err)
	dec.Conceal(nil, 100)
	dec.Reset()
	again, err := dec.Decode(nil, payload)
	require.NoError(t, err)
	require.Equal(t, first, again)
}

// Decoding a packet at a time gives the same audio as decoding it all at
// once: no state is lost between calls.
func TestDecodeInPackets(t *testing.T) {
	payload := g722.NewEncoder().Encode(nil, tone(16000, 300, 10000))
	whole, err := g722.NewDecoder(g722.Mode64).Decode(nil, payload)
	require.NoError(t, err)
	require.Equal(t, whole, decodeWithLoss(t, payload, nil))
}

// Encoding in pieces of any length, odd ones included, gives the same octets
// as encoding everything at once.
func TestEncodeInPieces(t *testing.T) {
	pcm := tone(4000, 1234, 15000)
	whole := g722.NewEncoder().Encode(nil, pcm)
	require.Len(t, whole, len(pcm)/2)
	enc := g722.NewEncoder()
	var got []byte
	for i, size := 0, 1; i < len(pcm); size = size%13 + 1 {
		end := min(len(pcm), i+size)
		got = enc.Encode(got, pcm[i:end])
		i = end
	}
	require.Equal(t, whole, got)
}

// The codec reproduces a tone with a good signal-to-noise ratio once its
// adaptation has settled (a sanity check; bit-exactness is in the
// conformance tests).
func TestRoundTripQuality(t *testing.T) {
	for _, freq := range []float64{200, 1000, 3000, 6000} {
		pcm := tone(16000, freq, 10000)
		out, err := g722.NewDecoder(g722.Mode64).Decode(nil, g722.NewEncoder().Encode(nil, pcm))
		require.NoError(t, err)
		// The QMF pair delays the signal by 22 samples.
		var sig, noise float64
		for i := 4000; i < len(pcm)-100; i++ {
			d := float64(out[i+22]) - float64(pcm[i])
			sig += float64(pcm[i]) * float64(pcm[i])
			noise += d * d
		}
		assert.Greater(t, 10*math.Log10(sig/noise), 25.0, "SNR at %v Hz", freq)
	}
}

func TestNoAllocations(t *testing.T) {
	payload := g722.NewEncoder().Encode(nil, tone(320, 440, 8000))
	dec := g722.NewDecoder(g722.Mode64)
	buf := make([]int16, 0, 4*len(payload))
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		_, _ = dec.Decode(buf, payload)
	}), "Decode")
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		dec.Conceal(buf, 2*len(payload))
		_, _ = dec.Decode(buf, payload)
	}), "Conceal and the recovery after it")
	enc := g722.NewEncoder()
	pcm := tone(320, 440, 8000)
	out := make([]byte, 0, len(pcm))
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		enc.Encode(out, pcm)
	}), "Encode")
}
