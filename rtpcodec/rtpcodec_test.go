package rtpcodec_test

import (
	"math"
	"net/netip"
	"testing"

	"github.com/f0fce437/callrec/rtpcodec"
	"github.com/f0fce437/callrec/rtpcodec/g711"
	"github.com/f0fce437/callrec/rtpcodec/g722"
	"github.com/f0fce437/callrec/rtpcodec/g729"
	"github.com/pion/rtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	_ rtpcodec.Decoder       = (*g711.Decoder)(nil)
	_ rtpcodec.Decoder       = (*g722.Decoder)(nil)
	_ rtpcodec.Decoder       = (*g729.Decoder)(nil)
	_ rtpcodec.ComfortNoiser = (*g729.Decoder)(nil)
)

func rtpPacket(pt uint8, seq uint16, ts, ssrc uint32, payload []byte) []byte {
	p := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt, SequenceNumber: seq, Timestamp: ts, SSRC: ssrc}, Payload: payload}
	b, err := p.Marshal()
	if err != nil {
		panic(err)
	}
	return b
}

func TestDefaultRegistry(t *testing.T) {
	r := rtpcodec.DefaultRegistry()
	for _, tc := range []struct {
		name        string
		pt          uint8
		rate, ticks int
		payload     int
	}{{"PCMA", 8, 8000, 160, 160}, {"PCMU", 0, 8000, 160, 160}, {"G722", 9, 16000, 160, 160}, {"G729", 18, 8000, 240, 22}} {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := r.Lookup(tc.name, 8000)
			require.True(t, ok)
			s, ok := r.Static(tc.pt)
			require.True(t, ok)
			assert.Equal(t, c.Name, s.Name)
			assert.Equal(t, tc.rate, c.SampleRate)
			assert.Equal(t, tc.ticks, c.Ticks(make([]byte, tc.payload)))
			d, err := c.NewDecoder("")
			require.NoError(t, err)
			out, err := d.Decode(nil, make([]byte, tc.payload))
			require.NoError(t, err)
			assert.Len(t, out, tc.ticks*c.SampleRate/c.ClockRate)
		})
	}
	r.Register(rtpcodec.Codec{Name: "x", PayloadType: -1, ClockRate: 1, SampleRate: 1, NewDecoder: func(string) (rtpcodec.Decoder, error) { return nil, nil }})
	_, ok := rtpcodec.DefaultRegistry().Lookup("X", 1)
	assert.False(t, ok, "each DefaultRegistry is fresh")
	assert.Panics(t, func() { r.Register(rtpcodec.G711(g711.ALaw)) }, "duplicate")
}

func TestHeaderLooksValid(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		want bool
	}{
		{"pcma", rtpPacket(8, 1, 0, 1, make([]byte, 160)), true},
		{"dynamic", rtpPacket(101, 1, 0, 1, make([]byte, 4)), true},
		{"rtcp sender report", []byte{0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0}, false},
		{"rtcp receiver report", []byte{0x81, 201, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0}, false},
		{"version 0 (STUN)", []byte{0x00, 0x01, 0, 0, 0x21, 0x12, 0xA4, 0x42, 0, 0, 0, 0}, false},
		{"SIP text", []byte("INVITE sip:x SIP/2.0\r\n"), false},
		{"short", []byte{0x80, 8, 0}, false},
		{"csrc beyond end", []byte{0x8F, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, rtpcodec.HeaderLooksValid(tc.b))
		})
	}
}

func TestParseReusesPacket(t *testing.T) {
	b := rtpPacket(8, 7, 1234, 0xABCD, make([]byte, 160))
	var p rtp.Packet
	require.NoError(t, rtpcodec.Parse(&p, b))
	assert.Equal(t, uint16(7), p.SequenceNumber)
	assert.Equal(t, uint32(0xABCD), p.SSRC)
	b[12] = 0x55
	assert.Equal(t, byte(0x55), p.Payload[0], "payload aliases the input")
	assert.ErrorIs(t, rtpcodec.Parse(&p, []byte{0x80, 200, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}), rtpcodec.ErrNotRTP)
	allocs := testing.AllocsPerRun(100, func() { _ = rtpcodec.Parse(&p, b) })
	assert.Zero(t, allocs)
}

func TestParseHeaderExtensions(t *testing.T) {
	payload := []byte{1, 2, 3, 4, 5}
	// V=2, X, PT 8, seq 9, ts 160, SSRC 7, then a header extension and the
	// payload; with P, the last byte counts the padding.
	packet := func(b0 byte, ext []byte, tail ...byte) []byte {
		b := []byte{b0, 8, 0, 9, 0, 0, 0, 160, 0, 0, 0, 7}
		b = append(b, ext...)
		b = append(b, payload...)
		return append(b, tail...)
	}
	for _, tc := range []struct {
		name string
		b    []byte
		ok   bool
		exts int
	}{
		{"RFC 8285 one-byte elements", packet(0x90, []byte{0xBE, 0xDE, 0, 1, 0x10, 0xAA, 0, 0}), true, 1},
		{"RFC 3550 extension of another profile", packet(0x90, []byte{0x12, 0x34, 0, 1, 9, 9, 9, 9}), true, 1},
		// Encrypted (RFC 6904) elements: their length nibbles run past the
		// extension, which pion refuses; RFC 3550 only needs the length.
		{"one-byte elements that do not add up", packet(0x90, []byte{0xBE, 0xDE, 0, 1, 0xA6, 0xEB, 0x57, 0x93}), true, 0},
		{"... with padding", packet(0xB0, []byte{0xBE, 0xDE, 0, 1, 0xA6, 0xEB, 0x57, 0x93}, 0, 0, 3), true, 0},
		{"extension longer than the packet", packet(0x90, []byte{0xBE, 0xDE, 0, 9, 0xA6, 0xEB, 0x57, 0x93}), false, 0},
		{"zero padding count", packet(0xB0, []byte{0xBE, 0xDE, 0, 1, 0xA6, 0xEB, 0x57, 0x93}, 0), false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p rtp.Packet
			err := rtpcodec.Parse(&p, tc.b)
			if !tc.ok {
				require.ErrorIs(t, err, rtpcodec.ErrNotRTP)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, payload, p.Payload)
			assert.Equal(t, uint16(9), p.SequenceNumber)
			assert.Equal(t, uint32(7), p.SSRC)
			assert.Len(t, p.Extensions, tc.exts)
		})
	}
}

func TestParseEvent(t *testing.T) {
	e, err := rtpcodec.ParseEvent([]byte{11, 0x8A, 0x03, 0x20})
	require.NoError(t, err)
	assert.Equal(t, rtpcodec.Event{Code: 11, End: true, Volume: 10, Duration: 800}, e)
	assert.Equal(t, "#", e.Digit())
	for code, want := range map[uint8]string{0: "0", 9: "9", 10: "*", 12: "A", 15: "D", 16: "!", 40: "?"} {
		assert.Equal(t, want, rtpcodec.Event{Code: code}.Digit())
	}
	_, err = rtpcodec.ParseEvent([]byte{1, 2})
	assert.ErrorIs(t, err, rtpcodec.ErrEventPayload)
}

func TestComfortNoiseLevel(t *testing.T) {
	var cn rtpcodec.ComfortNoise
	assert.Equal(t, make([]int16, 10), cn.Generate(nil, 10), "silent until a level is set")
	for _, level := range []byte{20, 40, 60} {
		cn.SetLevel([]byte{level})
		s := cn.Generate(nil, 8000)
		var e float64
		for _, v := range s {
			e += float64(v) * float64(v)
		}
		got := 20 * math.Log10(math.Sqrt(e/float64(len(s)))/32767)
		assert.InDelta(t, -float64(level), got, 0.5, "level -%d dBov", level)
	}
	cn.SetLevel(nil)
	assert.NotZero(t, cn.Level(), "an empty payload keeps the level")
}

func TestDetector(t *testing.T) {
	f := rtpcodec.Flow{Src: netip.MustParseAddrPort("192.0.2.1:3000"), Dst: netip.MustParseAddrPort("192.0.2.2:3000")}
	t.Run("three in sequence confirm", func(t *testing.T) {
		var d rtpcodec.Detector
		assert.Equal(t, rtpcodec.Undecided, d.Observe(f, rtpPacket(8, 10, 0, 5, nil)))
		assert.Equal(t, rtpcodec.Undecided, d.Observe(f, rtpPacket(8, 11, 160, 5, nil)))
		assert.Equal(t, rtpcodec.IsRTP, d.Observe(f, rtpPacket(8, 13, 480, 5, nil)))
		assert.Equal(t, rtpcodec.IsRTP, d.Verdict(f))
	})
	t.Run("random bytes give up", func(t *testing.T) {
		var d rtpcodec.Detector
		v := rtpcodec.Undecided
		for i := range 64 {
			b := rtpPacket(8, uint16(i*7919), 0, uint32(i), nil)
			v = d.Observe(f, b)
		}
		assert.Equal(t, rtpcodec.NotRTP, v)
	})
	t.Run("duplicated packets confirm", func(t *testing.T) {
		// Captured twice (a mirror port and the host): every packet repeats.
		var d rtpcodec.Detector
		v := rtpcodec.Undecided
		for i := range 3 {
			b := rtpPacket(0, uint16(100+i), uint32(160*i), 5, nil)
			d.Observe(f, b)
			v = d.Observe(f, b)
		}
		assert.Equal(t, rtpcodec.IsRTP, v)
	})
	t.Run("interleaved SSRCs confirm", func(t *testing.T) {
		// Audio and telephone events (or bundled media) under two SSRCs on
		// one flow, alternating from the first packet.
		var d rtpcodec.Detector
		v := rtpcodec.Undecided
		for i := range 3 {
			d.Observe(f, rtpPacket(8, uint16(500+i), uint32(160*i), 5, nil))
			v = d.Observe(f, rtpPacket(101, uint16(9000+i), 77, 6, nil))
		}
		assert.Equal(t, rtpcodec.IsRTP, v)
	})
	t.Run("rtcp never confirms", func(t *testing.T) {
		var d rtpcodec.Detector
		for i := range 10 {
			d.Observe(f, []byte{0x80, 200, 0, byte(i), 0, 0, 0, 1, 0, 0, 0, 0})
		}
		assert.Equal(t, rtpcodec.Undecided, d.Verdict(f))
	})
}

func FuzzParse(f *testing.F) {
	f.Add(rtpPacket(8, 1, 160, 7, make([]byte, 20)))
	f.Add([]byte{0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0, 1, 0x10, 0xFF, 0, 0})
	f.Add([]byte{0xA0, 0x08, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 3})
	f.Add([]byte{0xB0, 0x08, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0, 1, 0xA6, 0xEB, 0x57, 0x93, 7, 0, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		var p rtp.Packet
		if err := rtpcodec.Parse(&p, b); err != nil {
			return
		}
		if len(p.Payload) > len(b) {
			t.Fatal("payload longer than the packet")
		}
		if e, err := rtpcodec.ParseEvent(p.Payload); err == nil {
			_ = e.Digit()
		}
		var d rtpcodec.Detector
		d.Observe(rtpcodec.Flow{}, b)
	})
}
