package convert

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/f0fce437/callrec/pcapio"
	"github.com/f0fce437/callrec/rtpcodec/callgen"
	"github.com/f0fce437/callrec/rtpcodec/g711"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pcmu96 is G.711 µ-law on dynamic payload type 96: only the SDP says what
// it is.
func pcmu96() callgen.Codec {
	c := callgen.PCMU()
	c.PayloadType = 96
	return c
}

// sipOverTCP replaces the generated call's UDP INVITE and 200 OK with SIP
// over TCP cut awkwardly: the INVITE in three segments, one of them sent
// twice and the next overlapping it, the last carrying the INVITE's end and
// the start of an ACK; the 200 OK in two segments. Sequence numbers wrap
// inside the INVITE.
func sipOverTCP(t *testing.T, r *callgen.Result) []pcapio.Packet {
	t.Helper()
	require.Equal(t, pcapio.UDP, r.Packets[0].Proto)
	invite, ok := r.Packets[0], r.Packets[1]
	require.True(t, strings.HasPrefix(string(invite.Payload), "INVITE "))
	require.True(t, strings.HasPrefix(string(ok.Payload), "SIP/2.0 200 OK"))
	caller := netip.AddrPortFrom(invite.Src.Addr(), 50123) // an ephemeral port
	callee := invite.Dst
	ack := "ACK sip:remote@198.51.100.20 SIP/2.0\r\nCall-ID: callgen-1@192.0.2.10\r\nFrom: <sip:local@192.0.2.10>;tag=1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
	up := string(invite.Payload) + ack
	down := string(ok.Payload)
	sdpAt := strings.Index(up, "m=audio")
	end := len(invite.Payload)
	require.Positive(t, sdpAt)
	const isn = 1<<32 - 100 // wraps inside the INVITE's headers
	var out []pcapio.Packet
	at := invite.Time
	add := func(src, dst netip.AddrPort, data string, from, to int) {
		out = append(out, pcapio.Packet{Time: at, Proto: pcapio.TCP, Src: src, Dst: dst, Seq: isn + uint32(from), Payload: []byte(data[from:to])})
		at = at.Add(time.Millisecond)
	}
	add(caller, callee, up, 0, 200)
	add(caller, callee, up, 200, sdpAt+10) // cuts the m= line
	add(caller, callee, up, 200, sdpAt+10) // retransmitted
	add(caller, callee, up, sdpAt, end+30) // overlaps; ends inside the ACK
	add(caller, callee, up, end+30, len(up))
	at = ok.Time
	add(callee, caller, down, 0, len(down)/2)
	add(callee, caller, down, len(down)/2, len(down))
	return append(out, r.Packets[2:]...)
}

// TestSIPOverTCP: an SDP whose payload types are cut across TCP segments is
// read whole, so the stream on payload type 96 decodes as PCMU, sample for
// sample, and the caller's side is found from the INVITE.
func TestSIPOverTCP(t *testing.T) {
	c := twoWay(callgen.SIP)
	for i := range c.Streams {
		c.Streams[i].Codec = pcmu96()
	}
	// The callee's audio arrives first: without the INVITE's SDP the sides
	// would swap.
	c.Streams[0].Start, c.Streams[1].Start = 87*ms, 50*ms
	c.Streams[0].DTMF = []callgen.Digit{{Key: '4', Start: 2600 * ms, Length: 200 * ms}}
	r := generate(t, c)
	pk := sipOverTCP(t, r)

	var capture bytes.Buffer
	w, err := pcapio.NewWriter(&capture, pcapio.WriterOptions{FrameOptions: pcapio.FrameOptions{LinkType: pcapio.LinkEthernet}})
	require.NoError(t, err)
	for _, p := range pk {
		if p.Proto == pcapio.TCP {
			require.NoError(t, w.WriteTCP(p.Time, p.Src, p.Dst, p.Seq, p.Payload))
		} else {
			require.NoError(t, w.WriteUDP(p.Time, p.Src, p.Dst, p.Payload))
		}
	}
	var out memFile
	info, err := Convert(context.Background(), bytes.NewReader(capture.Bytes()), &out, Options{})
	require.NoError(t, err)
	assert.Empty(t, info.Warnings)
	rec := parseWAV(t, info, out.buf)
	require.Len(t, rec.info.Streams, 2)
	for _, s := range rec.info.Streams {
		assert.Equal(t, "PCMU", s.Codec, "%s→%s", s.Src, s.Dst)
		assert.Equal(t, 96, s.PayloadType)
	}
	assert.Equal(t, Remote, rec.info.Streams[0].Direction, "the callee's stream, first")
	assert.Equal(t, Local, rec.info.Streams[1].Direction)
	assert.Equal(t, "4", rec.info.Streams[1].DTMF)

	for i, s := range c.Streams {
		for b, burst := range s.Bursts {
			ch := rec.channels[r.Channel(i)]
			pos := int(r.BurstStart(i, b, rec.rate))
			for j := range 300 {
				want := toneAtLaw(g711.MuLaw, burst, j, 8000)
				require.Less(t, pos+j, len(ch))
				require.Equal(t, want, ch[pos+j], "stream %d burst %d sample %d", i, b, j)
			}
		}
	}
}
