package g722_test

import (
	"math"
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/g722"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const packetOctets = 160 // 20 ms

// tone returns n samples of a sine of freq Hz at 16 kHz with peak amp.
func tone(n int, freq, amp float64) []int16 {
	pcm := make([]int16, n)
	for i := range pcm {
		pcm[i] = int16(math.Round(amp * math.Sin(2*math.Pi*freq*float64(i)/g722.SampleRate)))
	}
	return pcm
}

// decodeWithLoss decodes payload packet by packet, concealing the packets
// for which lost returns true (a nil lost decodes everything).
func decodeWithLoss(t *testing.T, payload []byte, lost func(packet int) bool) []int16 {
	t.Helper()
	dec := g722.NewDecoder(g722.Mode64)
	var out []int16
	for p := 0; p*packetOctets < len(payload); p++ {
		pkt := payload[p*packetOctets : min(len(payload), (p+1)*packetOctets)]
		if lost != nil && lost(p) {
			out = dec.Conceal(out, 2*len(pkt))
			continue
		}
		var err error
		out, err = dec.Decode(out, pkt)
		require.NoError(t, err)
	}
	return out
}

func rms(x []int16) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(len(x)))
}

func peak(x []int16) int {
	m := 0
	for _, v := range x {
		m = max(m, int(v), -int(v))
	}
	return m
}

// maxStep is the largest difference between neighbouring samples: a click
// shows up as a step far above what the signal itself makes.
func maxStep(x []int16) int {
	m := 0
	for i := 1; i < len(x); i++ {
		d := int(x[i]) - int(x[i-1])
		m = max(m, d, -d)
	}
	return m
}

func TestConcealBurstInTone(t *testing.T) {
	for _, tc := range []struct {
		name        string
		first, last int // lost packets, inclusive
	}{
		{"one packet", 20, 20},
		{"two packets", 20, 21},
		{"100 ms burst", 20, 24},
		{"400 ms burst", 20, 39},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, freq := range []float64{220, 440, 1000, 3100} {
				pcm := tone(2*g722.SampleRate, freq, 12000)
				payload := g722.NewEncoder().Encode(nil, pcm)
				clean := decodeWithLoss(t, payload, nil)
				lossy := decodeWithLoss(t, payload, func(p int) bool { return p >= tc.first && p <= tc.last })
				zeroFilled := append([]int16(nil), clean...)
				clear(zeroFilled[tc.first*2*packetOctets : (tc.last+1)*2*packetOctets])
				require.Len(t, lossy, len(clean))

				steady := clean[g722.SampleRate/2 : g722.SampleRate] // after the codec's start-up
				toneRMS, tonePeak := rms(steady), peak(steady)
				resume := (tc.last + 1) * 2 * packetOctets

				// Energy never exceeds the tone's (by more than the 10 %
				// the decoder's recovery may cost), in any 10 ms window.
				for w := 0; w+160 <= len(lossy); w += 80 {
					require.LessOrEqual(t, rms(lossy[w:w+160]), 1.1*toneRMS, "%v Hz: window at %d", freq, w)
				}
				// No overshoot when decoding resumes.
				assert.LessOrEqual(t, peak(lossy[resume:resume+320]), tonePeak, "%v Hz: peak after the loss", freq)
				// No click: no step much larger than the tone makes itself
				// and, for tones whose steps are small against their
				// amplitude (where cutting to silence clicks), smaller than
				// when the loss is filled with silence.
				around := tc.first*2*packetOctets - 1000
				assert.LessOrEqual(t, maxStep(lossy[around:]), maxStep(steady)*13/10, "%v Hz: step", freq)
				if freq <= 1000 {
					assert.Less(t, maxStep(lossy[around:]), maxStep(zeroFilled[around:]), "%v Hz: step versus silence", freq)
				}
				// The decoder recovers: 100 ms after the loss the level is
				// the tone's again.
				after := lossy[resume+1600 : resume+3200]
				assert.InEpsilon(t, toneRMS, rms(after), 0.1, "%v Hz: level after recovery", freq)
			}
		})
	}
}
