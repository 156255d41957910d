package convert

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/f0fce437/callrec/rtpcodec/g711"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ms = time.Millisecond

// toneAt returns what G.711 A-law makes of sample n of a burst.
func toneAt(b callgen.Burst, n int, rate float64) int16 {
	return toneAtLaw(g711.ALaw, b, n, rate)
}

// toneAtLaw returns what G.711 (either law) makes of sample n of a burst.
func toneAtLaw(law g711.Law, b callgen.Burst, n int, rate float64) int16 {
	amp := b.Amp
	if amp == 0 {
		amp = 8000
	}
	v := int16(math.Round(amp * math.Sin(2*math.Pi*b.Freq*float64(n)/rate)))
	return g711.DecodeSample(law, g711.EncodeSample(law, v))
}

// assertBurst checks that burst b of stream i sits sample-exactly where the
// contract puts it, for n samples (skipping the first `skip`).
func assertBurst(t *testing.T, rec recording, r *callgen.Result, c callgen.Call, i, b, skip, n int) {
	t.Helper()
	ch := rec.channels[r.Channel(i)]
	pos := int(r.BurstStart(i, b, rec.rate))
	burst := c.Streams[i].Bursts[b]
	for j := skip; j < skip+n; j++ {
		want := toneAt(burst, j, 8000)
		require.Less(t, pos+j, len(ch), "recording too short")
		if ch[pos+j] != want {
			// Find where the burst really is, for the message.
			t.Fatalf("stream %d burst %d: sample %d (recording %d) = %d, want %d; the burst seems to start at %d",
				i, b, j, pos+j, ch[pos+j], want, onset(ch, pos-2000))
		}
	}
}

// onset returns the first index from `from` whose magnitude exceeds 100.
func onset(s []int16, from int) int {
	for i := max(from, 0); i < len(s); i++ {
		if s[i] > 100 || s[i] < -100 {
			return i
		}
	}
	return -1
}

func twoWay(sig callgen.Signalling) callgen.Call {
	return callgen.Call{
		Signalling: sig,
		Streams: []callgen.Stream{
			{Local: true, SSRC: 0x1111, Seq: 100, TS: 1000, Start: 50 * ms, Length: 3 * time.Second, Delay: 3 * ms,
				Bursts: []callgen.Burst{{Start: 500 * ms, Length: 400 * ms, Freq: 1000}, {Start: 2 * time.Second, Length: 300 * ms, Freq: 700}}},
			{Local: false, SSRC: 0x2222, Seq: 60000, TS: 77777, Start: 87 * ms, Length: 3 * time.Second, Delay: 5 * ms,
				Bursts: []callgen.Burst{{Start: 1200 * ms, Length: 400 * ms, Freq: 500}}},
		},
	}
}

func TestPlacementSides(t *testing.T) {
	for _, tc := range []struct {
		name string
		sig  callgen.Signalling
	}{
		{"innovaphone", callgen.Innovaphone},
		{"sip caller", callgen.SIP},
		{"no sip", callgen.NoSIP},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := twoWay(tc.sig)
			r := generate(t, c)
			rec := convertPackets(t, r.Packets, Options{})
			require.Len(t, rec.channels, 2)
			assert.Equal(t, 8000, rec.rate)
			assert.Equal(t, 0, r.Channel(0))
			assert.Equal(t, 1, r.Channel(1))
			assertBurst(t, rec, r, c, 0, 0, 0, 400)
			assertBurst(t, rec, r, c, 0, 1, 0, 400)
			assertBurst(t, rec, r, c, 1, 0, 0, 400)
			require.Len(t, rec.info.Streams, 2)
			s := rec.info.Streams[0]
			assert.Equal(t, Local, s.Direction)
			assert.Equal(t, "PCMA", s.Codec)
			assert.Equal(t, 150, s.Packets)
			assert.Equal(t, 3000.0, s.DurationMs)
			assert.Equal(t, 0.0, s.StartMs)
			assert.Equal(t, Remote, rec.info.Streams[1].Direction)
			assert.Equal(t, 39.0, rec.info.Streams[1].StartMs)
		})
	}
}

// TestSidesCallerBehindNAT: the SDP shows private addresses the capture
// never sees, so the caller's streams are found by the address its INVITE
// came from, even when the callee's audio arrives first.
func TestSidesCallerBehindNAT(t *testing.T) {
	c := twoWay(callgen.SIP)
	c.Streams[0].Start, c.Streams[1].Start = 87*ms, 50*ms
	r := generate(t, c)
	for i, p := range r.Packets[:2] { // the INVITE and 200 OK; same lengths
		sdp := strings.NewReplacer("IN IP4 192.0.2.10", "IN IP4 10.10.10.1", "IN IP4 198.51.100.20", "IN IP4 10.100.100.20")
		r.Packets[i].Payload = []byte(sdp.Replace(string(p.Payload)))
		require.Len(t, r.Packets[i].Payload, len(p.Payload))
	}
	rec := convertPackets(t, r.Packets, Options{})
	require.Len(t, rec.info.Streams, 2)
	assert.Equal(t, Remote, rec.info.Streams[0].Direction, "the callee's stream, first")
	assert.Equal(t, Local, rec.info.Streams[1].Direction)
	assertBurst(t, rec, r, c, 0, 0, 0, 400)
	assertBurst(t, rec, r, c, 1, 0, 0, 400)
}
