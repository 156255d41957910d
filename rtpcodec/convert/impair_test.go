package convert

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oneStream is a local stream with tone bursts before and after the
// impairments at packets 40–80.
func oneStream(mod func(s *callgen.Stream)) callgen.Call {
	s := callgen.Stream{Local: true, SSRC: 0xABCD, Seq: 1, TS: 5000, Start: 20 * ms, Length: 4 * time.Second, Delay: 2 * ms,
		Bursts: []callgen.Burst{
			{Start: 200 * ms, Length: 400 * ms, Freq: 1000},
			{Start: 2000 * ms, Length: 600 * ms, Freq: 600},
			{Start: 3200 * ms, Length: 400 * ms, Freq: 800},
		}}
	if mod != nil {
		mod(&s)
	}
	return callgen.Call{Signalling: callgen.Innovaphone, Streams: []callgen.Stream{s}}
}

func TestImpairments(t *testing.T) {
	tests := []struct {
		name    string
		mod     func(s *callgen.Stream)
		streams int
		want    func(t *testing.T, st []Stream)
	}{
		{
			name: "loss is counted and later audio keeps its place",
			mod:  func(s *callgen.Stream) { s.Loss = []int{40, 41, 70, 150} },
			want: func(t *testing.T, st []Stream) {
				assert.Equal(t, 4, st[0].Lost)
				assert.Equal(t, 196, st[0].Packets)
			},
		},
		{
			name: "reordered packets are put back",
			mod:  func(s *callgen.Stream) { s.Late = map[int]int{12: 1, 30: 3, 101: 9, 120: 2} },
			want: func(t *testing.T, st []Stream) {
				assert.Zero(t, st[0].Lost)
				assert.Zero(t, st[0].Late)
			},
		},
		{
			name: "a packet later than the window is late, not lost",
			mod:  func(s *callgen.Stream) { s.Late = map[int]int{60: 15} }, // 300 ms > 200 ms
			want: func(t *testing.T, st []Stream) {
				assert.Zero(t, st[0].Lost)
				assert.Equal(t, 1, st[0].Late)
				assert.Equal(t, 200, st[0].Packets)
			},
		},
		{
			name: "at 40 ms a packet 9 packets late is within the window of 10 packets",
			mod:  func(s *callgen.Stream) { s.Ptime, s.Late = 40*ms, map[int]int{20: 9} }, // 360 ms > 200 ms
			want: func(t *testing.T, st []Stream) {
				assert.Zero(t, st[0].Late)
				assert.Zero(t, st[0].Lost)
				assert.Equal(t, 100, st[0].Packets)
			},
		},
		{
			name: "at 40 ms a packet 11 packets late is late",
			mod:  func(s *callgen.Stream) { s.Ptime, s.Late = 40*ms, map[int]int{20: 11} }, // 440 ms > 400 ms
			want: func(t *testing.T, st []Stream) {
				assert.Equal(t, 1, st[0].Late)
				assert.Zero(t, st[0].Lost)
				assert.Equal(t, 100, st[0].Packets)
			},
		},
		{
			name: "duplicates are dropped",
			mod:  func(s *callgen.Stream) { s.Duplicate = []int{5, 90, 91} },
			want: func(t *testing.T, st []Stream) {
				assert.Equal(t, 3, st[0].Duplicates)
				assert.Equal(t, 200, st[0].Packets)
			},
		},
		{
			name: "sequence and timestamp wrap-around",
			mod:  func(s *callgen.Stream) { s.Seq, s.TS = 65500, 0xFFFF0000 },
			want: func(t *testing.T, st []Stream) {
				assert.Zero(t, st[0].Lost)
				assert.Equal(t, 4000.0, st[0].DurationMs)
			},
		},
		{
			name: "arrival jitter within the window",
			mod:  func(s *callgen.Stream) { s.Jitter = 60 * ms },
			want: func(t *testing.T, st []Stream) {
				assert.Zero(t, st[0].Late)
				assert.Greater(t, st[0].JitterMs, 5.0)
			},
		},
		{
			name: "SSRC change starts a segment anchored anew",
			mod: func(s *callgen.Stream) {
				s.NewSSRCAt = 1500 * ms
				s.Jitter = 4 * ms
			},
			streams: 2,
			want: func(t *testing.T, st []Stream) {
				assert.Equal(t, uint32(0xABCD), st[0].SSRC)
				assert.Equal(t, uint32(0xABCD^0x5EED5EED), st[1].SSRC)
				assert.Equal(t, 1500.0, st[0].DurationMs)
				assert.Equal(t, Local, st[1].Direction)
			},
		},
		{
			name: "DTX gaps are silence",
			mod:  func(s *callgen.Stream) { s.DTX = true },
			want: func(t *testing.T, st []Stream) {
				assert.Equal(t, 70, st[0].Packets)
				assert.Zero(t, st[0].Lost)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := oneStream(tc.mod)
			r := generate(t, c)
			rec := convertPackets(t, r.Packets, Options{})
			want := tc.streams
			if want == 0 {
				want = 1
			}
			require.Len(t, rec.info.Streams, want)
			for b := range c.Streams[0].Bursts {
				assertBurst(t, rec, r, c, 0, b, 0, int(c.Streams[0].Bursts[b].Length/ms)*8)
			}
			tc.want(t, rec.info.Streams)
		})
	}
}

func TestLossIsConcealed(t *testing.T) {
	// A continuous tone with two lost packets: the gap is concealed, not
	// silent, and no louder than the tone.
	c := oneStream(func(s *callgen.Stream) {
		s.Bursts = []callgen.Burst{{Start: 0, Length: 4 * time.Second, Freq: 400}}
		s.Loss = []int{50, 51}
	})
	r := generate(t, c)
	rec := convertPackets(t, r.Packets, Options{})
	pos := int(r.Position(0, 1000*ms, 8000))
	gap := rec.channels[0][pos : pos+320]
	energy := 0.0
	for _, v := range gap {
		energy += float64(v) * float64(v)
		assert.LessOrEqual(t, math.Abs(float64(v)), 8200.0)
	}
	assert.Greater(t, math.Sqrt(energy/320), 3000.0, "the first 40 ms of a loss repeat the tone")
	assertBurst(t, rec, r, c, 0, 0, 8*1040, 800) // after the gap: exact again
}

func TestComfortNoise(t *testing.T) {
	c := oneStream(func(s *callgen.Stream) { s.DTX, s.CNLevel = true, 40 })
	r := generate(t, c)
	rec := convertPackets(t, r.Packets, Options{})
	for b := range c.Streams[0].Bursts {
		assertBurst(t, rec, r, c, 0, b, 0, 400)
	}
	// Between the first two bursts: noise at -40 dBov.
	from := int(r.Position(0, 800*ms, 8000))
	to := int(r.Position(0, 1800*ms, 8000))
	energy := 0.0
	for _, v := range rec.channels[0][from:to] {
		energy += float64(v) * float64(v)
	}
	level := 20 * math.Log10(math.Sqrt(energy/float64(to-from))/32767)
	assert.InDelta(t, -40, level, 1)
	assert.Equal(t, 70, rec.info.Streams[0].Packets, "CN packets are not audio")
}

func TestDTMF(t *testing.T) {
	c := oneStream(func(s *callgen.Stream) {
		s.DTMF = []callgen.Digit{{Key: '1', Start: 1000 * ms, Length: 200 * ms}, {Key: '#', Start: 1400 * ms, Length: 160 * ms}}
	})
	r := generate(t, c)
	rec := convertPackets(t, r.Packets, Options{})
	st := rec.info.Streams[0]
	assert.Equal(t, "1#", st.DTMF)
	require.Len(t, st.DTMFEvents, 2)
	for i, d := range c.Streams[0].DTMF {
		want := float64(r.Position(0, d.Start, 8000)) / 8
		assert.Equal(t, want, st.DTMFEvents[i].StartMs, "event %d start", i)
		assert.Equal(t, float64(d.Length/ms), st.DTMFEvents[i].DurationMs)
	}
	assert.Equal(t, 200-18, st.Packets, "no audio while a key is down")
	assert.Zero(t, st.Lost)
	for b := range c.Streams[0].Bursts {
		assertBurst(t, rec, r, c, 0, b, 0, 400)
	}
	// The key presses are silent in the recording.
	from := int(r.Position(0, 1000*ms, 8000))
	for _, v := range rec.channels[0][from : from+1600] {
		require.Equal(t, int16(0), v)
	}
}

// TestLostCountsEveryPayloadType: telephone-event and CN packets take
// sequence numbers too, so losing them counts in lost (and not in packets,
// which counts audio).
func TestLostCountsEveryPayloadType(t *testing.T) {
	mod := func(s *callgen.Stream) {
		s.DTX, s.CNLevel = true, 40
		s.DTMF = []callgen.Digit{{Key: '7', Start: 1000 * ms, Length: 200 * ms}}
	}
	clean := generate(t, oneStream(mod))
	// Send-order indices (the capture starts with the INVITE and 200 OK).
	var cn, event []int
	for i, p := range clean.Packets[2:] {
		switch p.Payload[1] & 0x7F {
		case callgen.CNPayloadType:
			cn = append(cn, i)
		case callgen.EventPayloadType:
			event = append(event, i)
		}
	}
	require.NotEmpty(t, cn)
	require.Greater(t, len(event), 2)
	c := oneStream(func(s *callgen.Stream) {
		mod(s)
		s.Loss = []int{cn[0], event[1]}
	})
	r := generate(t, c)
	rec := convertPackets(t, r.Packets, Options{})
	st := rec.info.Streams[0]
	assert.Equal(t, 2, st.Lost)
	assert.Equal(t, convertPackets(t, clean.Packets, Options{}).info.Streams[0].Packets, st.Packets)
	assert.Equal(t, "7", st.DTMF)
	for b := range c.Streams[0].Bursts {
		assertBurst(t, rec, r, c, 0, b, 0, 400)
	}
}

// TestMixing: a mono mix is the saturated sum of every stream, and two
// streams of one side that overlap (here two SSRCs from one port) are
// summed on its channel with saturation.
func TestMixing(t *testing.T) {
	loud := func(start time.Duration, freq float64) []callgen.Burst {
		return []callgen.Burst{{Start: start, Length: 500 * ms, Freq: freq, Amp: 24000}}
	}
	c := callgen.Call{Signalling: callgen.Innovaphone, Streams: []callgen.Stream{
		{Local: true, SSRC: 1, Start: 20 * ms, Length: 2 * time.Second, Bursts: loud(500*ms, 440)},
		{Local: true, SSRC: 2, Start: 20 * ms, Length: 2 * time.Second, Bursts: loud(500*ms, 660)},
		{Local: false, SSRC: 3, Start: 20 * ms, Length: 2 * time.Second, Bursts: loud(700*ms, 550)},
	}}
	r := generate(t, c)
	stereo := convertPackets(t, r.Packets, Options{})
	mono := convertPackets(t, r.Packets, Options{Mono: true})
	require.Len(t, stereo.channels, 2)
	require.Len(t, mono.channels, 1)
	require.Len(t, mono.channels[0], len(stereo.channels[0]))
	sat := func(v int) int16 { return int16(min(max(v, math.MinInt16), math.MaxInt16)) }
	clipped := 0
	for i, m := range mono.channels[0] {
		l, rm := stereo.channels[0][i], stereo.channels[1][i]
		if l == math.MaxInt16 || l == math.MinInt16 {
			continue // mono saturates the sum of all three streams once
		}
		require.Equal(t, sat(int(l)+int(rm)), m, "mono sample %d", i)
	}
	// The two local streams, sample by sample.
	pos := int(r.BurstStart(0, 0, 8000))
	require.Equal(t, int64(pos), r.BurstStart(1, 0, 8000))
	for j := range 4000 {
		a, b := c.Streams[0].Bursts[0], c.Streams[1].Bursts[0]
		want := sat(int(toneAt(a, j, 8000)) + int(toneAt(b, j, 8000)))
		require.Equal(t, want, stereo.channels[0][pos+j], "local sample %d", j)
		if want == math.MaxInt16 || want == math.MinInt16 {
			clipped++
		}
	}
	assert.Positive(t, clipped, "the sum saturates somewhere")
	assertBurst(t, stereo, r, c, 2, 0, 0, 4000)
}

func TestSRTPWarning(t *testing.T) {
	c := twoWay(callgen.SIP)
	r := generate(t, c)
	for i, p := range r.Packets[:2] { // the INVITE and 200 OK
		r.Packets[i].Payload = []byte(strings.ReplaceAll(string(p.Payload), "RTP/AVP", "RTP/SAVP"))
	}
	rec := convertPackets(t, r.Packets, Options{})
	require.Len(t, rec.info.Warnings, 2)
	assert.Contains(t, rec.info.Warnings[0], "is SRTP")
}
