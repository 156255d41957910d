package convert

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/f0fce437/callrec/rtpcodec/g722"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wide is a lossless stand-in for G.722 with its RTP quirk: 16-bit
// big-endian PCM at 16 kHz, on an 8000 Hz RTP clock.
type wideCodec struct{}

func (wideCodec) Encode(dst []byte, pcm []int16) []byte {
	for _, v := range pcm {
		dst = binary.BigEndian.AppendUint16(dst, uint16(v))
	}
	return dst
}

func (wideCodec) Decode(dst []int16, p []byte) ([]int16, error) {
	for i := 0; i+1 < len(p); i += 2 {
		dst = append(dst, int16(binary.BigEndian.Uint16(p[i:])))
	}
	return dst, nil
}

func (wideCodec) Conceal(dst []int16, n int) []int16 { return append(dst, make([]int16, n)...) }

func wideRegistry() *rtpcodec.Registry {
	r := rtpcodec.DefaultRegistry()
	r.Register(rtpcodec.Codec{Name: "WIDE", PayloadType: -1, ClockRate: 8000, SampleRate: 16000,
		NewDecoder: func(string) (rtpcodec.Decoder, error) { return wideCodec{}, nil },
		Ticks:      func(p []byte) int { return len(p) / 4 }})
	return r
}

func TestWidebandRecording(t *testing.T) {
	wide := callgen.Codec{Name: "WIDE", PayloadType: 96, ClockRate: 8000, SampleRate: 16000,
		NewEncoder: func() callgen.Encoder { return wideCodec{} }}
	c := twoWay(callgen.Innovaphone)
	c.Streams[0].Codec = wide
	r := generate(t, c)
	rec := convertPackets(t, r.Packets, Options{Registry: wideRegistry()})
	require.Equal(t, 16000, rec.rate, "any wideband stream makes the recording 16 kHz")
	assert.Equal(t, "WIDE", rec.info.Streams[0].Codec)
	assert.Equal(t, 3000.0, rec.info.Streams[0].DurationMs, "RTP clock 8000, not the audio rate")

	// The wideband stream lands sample-exactly at 16 kHz.
	for b, burst := range c.Streams[0].Bursts {
		pos := int(r.BurstStart(0, b, 16000))
		for j := range 800 {
			want := int16(math.Round(8000 * math.Sin(2*math.Pi*burst.Freq*float64(j)/16000)))
			require.Equal(t, want, rec.channels[0][pos+j], "burst %d sample %d", b, j)
		}
	}
	// The 8 kHz stream is interpolated: its samples sit on the even
	// positions, and the odd ones lie between their neighbours.
	burst := c.Streams[1].Bursts[0]
	pos := int(r.BurstStart(1, 0, 16000))
	for n := range 400 {
		require.Equal(t, toneAt(burst, n, 8000), rec.channels[1][pos+2*n], "8 kHz sample %d", n)
	}
	for n := 100; n < 300; n++ {
		want := 8000 * math.Sin(2*math.Pi*burst.Freq*(float64(n)+0.5)/8000)
		assert.InDelta(t, want, float64(rec.channels[1][pos+2*n+1]), 150, "odd sample after %d", n)
	}
	assert.Equal(t, int(r.Position(1, 3*time.Second, 16000)), len(rec.channels[1]), "the recording ends with the last frame")
}

// TestG722Call: a generated G.722 call (local) against G.711 (remote) is
// recorded at 16 kHz, the G.722 side exactly as its decoder decodes the
// stream, at the contract's place and at the right speed (3 s of media are
// 48,000 samples).
func TestG722Call(t *testing.T) {
	c := twoWay(callgen.Innovaphone)
	c.Streams[0].Codec = callgen.G722()
	r := generate(t, c)
	rec := convertPackets(t, r.Packets, Options{})
	require.Equal(t, 16000, rec.rate)
	assert.Equal(t, "G722", rec.info.Streams[0].Codec)
	assert.Equal(t, 3000.0, rec.info.Streams[0].DurationMs)

	dec := g722.NewDecoder(g722.Mode64)
	var want []int16
	for _, p := range r.Packets {
		if p.Src.Port() == callgen.InnovaphoneLocalPort && len(p.Payload) > 12 && p.Payload[1]&0x7F == 9 {
			want, _ = dec.Decode(want, p.Payload[12:])
		}
	}
	require.Len(t, want, 48000)
	start := int(r.Position(0, 0, 16000))
	require.Equal(t, want, rec.channels[0][start:start+len(want)])
	assert.Equal(t, int16(0), rec.channels[0][start+len(want)])
}
