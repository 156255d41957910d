package convert

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// onsetWriter is a WAV sink that keeps no audio: it records, per channel,
// where each sound starts after at least 100 ms of quiet.
type onsetWriter struct {
	pos    int64
	frame  int64
	quiet  [2]int64
	onsets [2][]int64
	hdr    int
	odd    []byte
	closed bool // the WAV writer seeks back only to patch the header
}

func (w *onsetWriter) Write(p []byte) (int, error) {
	n := len(p)
	if w.closed {
		return n, nil
	}
	if w.hdr < 44 {
		k := min(44-w.hdr, len(p))
		w.hdr += k
		p = p[k:]
	}
	p = append(w.odd, p...)
	for len(p) >= 4 {
		for ch := range 2 {
			v := int16(binary.LittleEndian.Uint16(p[2*ch:]))
			if v > 1000 || v < -1000 {
				if w.quiet[ch] >= 800 {
					w.onsets[ch] = append(w.onsets[ch], w.frame)
				}
				w.quiet[ch] = 0
			} else {
				w.quiet[ch]++
			}
		}
		w.frame++
		p = p[4:]
	}
	w.odd = append(w.odd[:0], p...)
	w.pos += int64(n)
	return n, nil
}

func (w *onsetWriter) Seek(off int64, whence int) (int64, error) {
	w.closed = true
	return w.pos, nil
}

// TestDriftTwoHours: a phone whose clock runs 100 ppm fast (or slow)
// against a correct one, talking in 300 ms bursts every 10 s for two hours.
// Without correction its audio would end 720 ms off; the drift rule keeps
// the channels within 20 ms of each other at every talkspurt (to the
// sample: the rule acts once the offset has moved more than 20 ms, and
// positions are whole samples).
func TestDriftTwoHours(t *testing.T) {
	if testing.Short() {
		t.Skip("two hours of packets")
	}
	for _, tc := range []struct {
		name      string
		ppm       float64
		jitter    time.Duration
		tolerance float64 // ms beyond 20
	}{
		{"fast", 100, 0, 1.0 / 8},
		{"slow", -100, 0, 1.0 / 8},
		// With 0–15 ms of jitter, the clock offset is estimated from the
		// earliest of the ~10 packets a window holds at a talkspurt start,
		// which are a few milliseconds late at worst.
		{"fast with jitter", 100, 15 * ms, 3},
		{"slow with jitter", -100, 15 * ms, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const length = 2 * time.Hour
			const every = 10 * time.Second
			var bursts []callgen.Burst
			for at := 5 * time.Second; at < length-every; at += every {
				bursts = append(bursts, callgen.Burst{Start: at, Length: 300 * ms, Freq: 1000})
			}
			mk := func(local bool, ppm float64, start time.Duration) callgen.Stream {
				return callgen.Stream{Local: local, SSRC: 7, Start: start, Length: length, Delay: 10 * ms, Jitter: tc.jitter,
					DTX: true, DriftPPM: ppm, Bursts: bursts}
			}
			c := callgen.Call{Signalling: callgen.Innovaphone, Seed: 3, Streams: []callgen.Stream{
				mk(true, tc.ppm, 1*time.Second), mk(false, 0, 1*time.Second+3*ms),
			}}
			r := generate(t, c)
			w := onsetWriter{quiet: [2]int64{800, 800}}
			open := func() (packetSource, error) { return &sliceSource{p: r.Packets}, nil }
			info, err := run(context.Background(), open, func() {}, &w, Options{})
			require.NoError(t, err)
			require.Len(t, info.Streams, 2)
			require.Empty(t, info.Warnings)
			require.Equal(t, len(bursts), len(w.onsets[0]), "local talkspurts")
			require.Equal(t, len(bursts), len(w.onsets[1]), "remote talkspurts")
			worst := 0.0
			for k, b := range bursts {
				// Capture time of each burst's first packet without its
				// jitter, relative to sample 0, plus the jitter of the
				// stream's anchor packet, which the contract keeps for the
				// whole stream.
				real := func(i int) float64 {
					s := c.Streams[i]
					clean := func(media time.Duration) float64 {
						return float64(s.Start+media)/(1+s.DriftPPM/1e6) + float64(s.Delay)
					}
					seg := r.Segments[i]
					anchorJitter := float64(seg.AnchorAt) - clean(seg.AnchorMedia)
					return (clean(b.Start) + anchorJitter - float64(r.Sample0())) / 1e9 * 8000
				}
				errLocal := float64(w.onsets[0][k]-1) - real(0)
				errRemote := float64(w.onsets[1][k]-1) - real(1)
				skew := math.Abs(errLocal-errRemote) / 8 // ms
				worst = max(worst, skew)
				if skew > 20+tc.tolerance {
					t.Fatalf("burst %d at %v: channels %.1f ms apart (local %.1f, remote %.1f samples off)", k, b.Start, skew, errLocal, errRemote)
				}
			}
			t.Logf("%s: worst skew between channels %.2f ms over %d talkspurts", tc.name, worst, len(bursts))
			assert.Greater(t, worst, 5.0, "the drift was corrected, not absent")
		})
	}
}

// TestDriftContinuousSpeech: without talkspurts or gaps, the drift is only
// corrected once it exceeds 80 ms (dropping or inserting audio), so the
// channels stay within 80 ms of each other.
func TestDriftContinuousSpeech(t *testing.T) {
	if testing.Short() {
		t.Skip("half an hour of packets")
	}
	for _, ppm := range []float64{150, -150} {
		t.Run(fmt.Sprint(ppm, "ppm"), func(t *testing.T) {
			const length = 30 * time.Minute
			bursts := []callgen.Burst{{Start: 0, Length: length, Sound: callgen.Noise, Amp: 200}}
			var marks []time.Duration
			for at := 5 * time.Second; at < length-10*time.Second; at += 10 * time.Second {
				bursts = append(bursts, callgen.Burst{Start: at, Length: 300 * ms, Freq: 1000})
				marks = append(marks, at)
			}
			mk := func(local bool, ppm float64) callgen.Stream {
				return callgen.Stream{Local: local, SSRC: 7, Start: time.Second, Length: length, Delay: 10 * ms,
					DriftPPM: ppm, Bursts: bursts}
			}
			c := callgen.Call{Signalling: callgen.Innovaphone, Streams: []callgen.Stream{mk(true, ppm), mk(false, 0)}}
			r := generate(t, c)
			w := onsetWriter{quiet: [2]int64{800, 800}}
			open := func() (packetSource, error) { return &sliceSource{p: r.Packets}, nil }
			_, err := run(context.Background(), open, func() {}, &w, Options{})
			require.NoError(t, err)
			require.Equal(t, len(marks), len(w.onsets[0]))
			require.Equal(t, len(marks), len(w.onsets[1]))
			worst := 0.0
			for k := range marks {
				// In capture time the fast (slow) phone's mark comes
				// earlier (later) than the other's by the drift so far.
				at := float64(time.Second + marks[k])
				real := (at/(1+ppm/1e6) - at) / 1e9 * 8000
				skew := math.Abs(float64(w.onsets[0][k]-w.onsets[1][k])-real) / 8
				worst = max(worst, skew)
				// 80 ms to a few samples: the rule acts once more than 80 ms
				// have built up, at the frame given out 200 ms later (the
				// reorder window), and positions are whole samples.
				require.LessOrEqual(t, skew, 80.5, "mark %d at %v", k, marks[k])
			}
			t.Logf("worst skew %.2f ms", worst)
			// Uncorrected, the drift would reach 270 ms.
			assert.Greater(t, worst, 60.0, "drift accumulated before the 80 ms correction")
		})
	}
}
