package callgen_test

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/f0fce437/callrec/pcapio"
	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ms = time.Millisecond

func rtpHeader(b []byte) (pt uint8, marker bool, seq uint16, ts, ssrc uint32) {
	return b[1] & 0x7F, b[1]&0x80 != 0, binary.BigEndian.Uint16(b[2:]), binary.BigEndian.Uint32(b[4:]), binary.BigEndian.Uint32(b[8:])
}

func TestPacketsAndPlacement(t *testing.T) {
	c := callgen.Call{Signalling: callgen.Innovaphone, Streams: []callgen.Stream{
		{Local: true, SSRC: 9, Seq: 65534, TS: 0xFFFFFF00, Start: 40 * ms, Length: time.Second, Delay: 2 * ms,
			Bursts: []callgen.Burst{{Start: 100 * ms, Length: 100 * ms, Freq: 440}}},
	}}
	r, err := callgen.Generate(c)
	require.NoError(t, err)
	require.Len(t, r.Packets, 52, "INVITE, 200 OK and 50 packets")
	assert.Contains(t, string(r.Packets[0].Payload), "INVITE sip:")
	assert.Contains(t, string(r.Packets[0].Payload), "m=audio 16386 RTP/AVP 8 101 13")
	assert.Contains(t, string(r.Packets[1].Payload), "SIP/2.0 200 OK")

	pt, marker, seq, ts, ssrc := rtpHeader(r.Packets[2].Payload)
	assert.Equal(t, uint8(8), pt)
	assert.True(t, marker)
	assert.Equal(t, uint16(65534), seq)
	assert.Equal(t, uint32(0xFFFFFF00), ts)
	assert.Equal(t, uint32(9), ssrc)
	assert.Equal(t, uint16(16386), r.Packets[2].Src.Port())
	_, _, seq, ts, _ = rtpHeader(r.Packets[4].Payload)
	assert.Equal(t, uint16(0), seq, "wraps")
	assert.Equal(t, uint32(0x40), ts, "wraps")
	assert.Equal(t, 42*ms, r.Packets[2].Time.Sub(callgen.Epoch))

	assert.Equal(t, 42*ms, r.Sample0())
	assert.Equal(t, int64(800), r.BurstStart(0, 0, 8000))
	assert.Equal(t, int64(1600), r.BurstStart(0, 0, 16000))
	assert.Equal(t, 0, r.Channel(0))
}

func TestImpairmentsAndDTX(t *testing.T) {
	c := callgen.Call{Signalling: callgen.NoSIP, Streams: []callgen.Stream{
		{Local: false, SSRC: 1, Length: time.Second, DTX: true, CNLevel: 50,
			Bursts:    []callgen.Burst{{Start: 0, Length: 200 * ms, Freq: 300}, {Start: 600 * ms, Length: 100 * ms, Freq: 300}},
			DTMF:      []callgen.Digit{{Key: '#', Start: 800 * ms, Length: 60 * ms}},
			Loss:      []int{1},
			Duplicate: []int{2},
			NewSSRCAt: 500 * ms,
		},
	}}
	r, err := callgen.Generate(c)
	require.NoError(t, err)
	var pts []uint8
	var markers []bool
	for _, p := range r.Packets {
		pt, m, _, _, _ := rtpHeader(p.Payload)
		pts, markers = append(pts, pt), append(markers, m)
	}
	// 10 audio packets (one lost, one duplicated), CN, 5 audio after the
	// SSRC change (marker), CN, 2 events then 3 end packets.
	want := []uint8{8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 13, 8, 8, 8, 8, 8, 13, 101, 101, 101, 101, 101}
	assert.Equal(t, want, pts)
	assert.True(t, markers[11], "talkspurt start")
	assert.True(t, markers[17], "event start")
	require.Len(t, r.Segments, 2)
	assert.Equal(t, 9, r.Segments[0].Packets)
	assert.Equal(t, 1, r.Segments[0].Lost)
	assert.Equal(t, 0, r.Segments[1].Channel, "without SIP the first stream is local")
	ev := r.Packets[len(r.Packets)-1].Payload[12:]
	assert.Equal(t, []byte{11, 0x8A, 0x01, 0xE0}, ev, "'#', end bit, volume 10, 60 ms = 480 ticks")
}

func TestGenerateRejects(t *testing.T) {
	_, err := callgen.Generate(callgen.Call{Streams: []callgen.Stream{{Codec: callgen.Codec{Name: "X"}}}})
	assert.ErrorContains(t, err, "incomplete codec")
	_, err = callgen.Generate(callgen.Call{Streams: []callgen.Stream{{Ptime: time.Microsecond}}})
	assert.ErrorContains(t, err, "too short")
}

// TestWritePcapKeepsTCPSequence: TCP packets added to a Result keep their
// sequence numbers in the written capture (SIP over TCP is reassembled by
// them).
func TestWritePcapKeepsTCPSequence(t *testing.T) {
	src, dst := netip.MustParseAddrPort("10.0.0.1:5060"), netip.MustParseAddrPort("10.0.0.2:5060")
	r := &callgen.Result{Packets: []pcapio.Packet{
		{Time: callgen.Epoch, Proto: pcapio.TCP, Src: src, Dst: dst, Seq: 0xFFFFFFF0, Payload: []byte("OPTIONS sip:a SIP/2.0\r\n")},
		{Time: callgen.Epoch.Add(time.Millisecond), Proto: pcapio.TCP, Src: src, Dst: dst, Seq: 7, Payload: []byte("Content-Length: 0\r\n\r\n")},
	}}
	var b bytes.Buffer
	require.NoError(t, r.WritePcap(&b))
	rd, err := pcapio.NewReader(&b)
	require.NoError(t, err)
	var p pcapio.Packet
	for _, want := range r.Packets {
		require.NoError(t, rd.Next(&p))
		assert.Equal(t, want.Seq, p.Seq)
		assert.Equal(t, string(want.Payload), string(p.Payload))
	}
}
