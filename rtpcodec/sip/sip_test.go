package sip_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/sip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func msg(start, callID, cseq, body string) string {
	return fmt.Sprintf("%s\r\nVia: SIP/2.0/UDP x\r\ni: %s\r\nCSeq: %s\r\nContent-Type: application/sdp\r\nl: %d\r\n\r\n%s",
		start, callID, cseq, len(body), body)
}

func sdpBody(addr string, port int, extra string) string {
	return fmt.Sprintf("v=0\r\no=- 1 1 IN IP4 %s\r\nc=IN IP4 %s\r\nm=audio %d RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n%s", addr, addr, port, extra)
}

func TestParse(t *testing.T) {
	invite := msg("INVITE sip:b@x SIP/2.0", "c1", "1 INVITE", "v=0\r\n")
	ok := msg("SIP/2.0 200 OK", "c1", "1 INVITE", "")
	tests := []struct {
		name  string
		data  string
		want  []sip.Message
		err   error
		trail int
	}{
		{name: "request", data: invite, want: []sip.Message{{Method: "INVITE", CallID: "c1", CSeqMethod: "INVITE", ContentType: "application/sdp", Body: []byte("v=0\r\n")}}},
		{name: "two messages in one segment", data: invite + ok, want: []sip.Message{
			{Method: "INVITE", CallID: "c1", CSeqMethod: "INVITE", ContentType: "application/sdp", Body: []byte("v=0\r\n")},
			{StatusCode: 200, CallID: "c1", CSeqMethod: "INVITE", ContentType: "application/sdp", Body: []byte{}},
		}},
		{name: "cut off body", data: invite[:len(invite)-2], want: []sip.Message{{Method: "INVITE", CallID: "c1", CSeqMethod: "INVITE", ContentType: "application/sdp", Body: []byte("v=0")}}},
		{name: "no content length on UDP", data: "SIP/2.0 180 Ringing\nCall-ID: z\n\nbody", want: []sip.Message{{StatusCode: 180, CallID: "z", Body: []byte("body")}}},
		{name: "from tag after the URI", data: "BYE sip:b@x SIP/2.0\r\nFrom: \"A;B\" <sip:a@x;tag=uri>;tag=t1\r\nCall-ID: z\r\n\r\n",
			want: []sip.Message{{Method: "BYE", CallID: "z", FromTag: "t1", Body: []byte{}}}},
		{name: "compact from without brackets", data: "SIP/2.0 200 OK\r\nf: sip:a@x ; TAG = t2\r\ni: z\r\n\r\n",
			want: []sip.Message{{StatusCode: 200, CallID: "z", FromTag: "t2", Body: []byte{}}}},
		{name: "from without tag", data: "SIP/2.0 200 OK\r\nFrom: <sip:a@x;tag=uri>\r\ni: z\r\n\r\n",
			want: []sip.Message{{StatusCode: 200, CallID: "z", Body: []byte{}}}},
		{name: "rtp is not SIP", data: "\x80\x08\x00\x01", err: sip.ErrNotSIP},
		{name: "bad status", data: "SIP/2.0 99x OK\r\n\r\n", err: sip.ErrNotSIP},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.data)
			var got []sip.Message
			for len(data) > 0 {
				m, rest, err := sip.Parse(data)
				if tc.err != nil {
					require.ErrorIs(t, err, tc.err)
					return
				}
				require.NoError(t, err)
				got = append(got, m)
				data = rest
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSignalling(t *testing.T) {
	caller := netip.MustParseAddrPort("192.0.2.1:5060")
	callee := netip.MustParseAddrPort("192.0.2.2:5060")
	callerMedia := netip.MustParseAddrPort("192.0.2.1:16386")
	calleeMedia := netip.MustParseAddrPort("192.0.2.2:30000")
	var s sip.Signalling
	assert.Equal(t, 0, s.Add(caller, callee, []byte("\x80\x08junk")))
	assert.Equal(t, 1, s.Add(caller, callee, []byte(msg("INVITE sip:b@x SIP/2.0", "call", "1 INVITE",
		sdpBody("192.0.2.1", 16386, "a=rtpmap:96 G729/8000\r\n")))))
	assert.Equal(t, 1, s.Add(callee, caller, []byte(msg("SIP/2.0 200 OK", "call", "1 INVITE",
		sdpBody("192.0.2.2", 30000, "a=rtpmap:96 iLBC/8000\r\na=fmtp:96 mode=30\r\n")))))
	// A re-INVITE from the callee: still the callee's media.
	assert.Equal(t, 1, s.Add(callee, caller, []byte(msg("INVITE sip:a@x SIP/2.0", "call", "2 INVITE",
		sdpBody("192.0.2.2", 30000, "a=rtpmap:96 iLBC/8000\r\na=fmtp:96 mode=20\r\n")))))

	require.True(t, s.HasCall())
	assert.Equal(t, 3, s.Messages())
	assert.Equal(t, []netip.AddrPort{callerMedia}, s.CallerMedia())
	sides := []bool{}
	for _, md := range s.Media() {
		sides = append(sides, md.Caller)
	}
	assert.Equal(t, []bool{true, false, false}, sides)

	t.Run("receiver's rtpmap wins", func(t *testing.T) {
		f, ok := s.Format(calleeMedia, callerMedia, 96)
		require.True(t, ok)
		assert.Equal(t, "G729", f.Name)
		f, ok = s.Format(callerMedia, calleeMedia, 96)
		require.True(t, ok)
		assert.Equal(t, "ILBC", f.Name)
		assert.Equal(t, "mode=20", f.Fmtp, "the re-INVITE replaced the answer")
	})
	t.Run("secure profile", func(t *testing.T) {
		var sec sip.Signalling
		sec.Add(caller, callee, []byte(msg("INVITE sip:b@x SIP/2.0", "s", "1 INVITE",
			"v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 16386 RTP/SAVP 8\r\n")))
		assert.True(t, sec.Secure(callerMedia))
		assert.False(t, s.Secure(callerMedia))
	})
	t.Run("unknown addresses fall back to any rtpmap", func(t *testing.T) {
		other := netip.MustParseAddrPort("198.51.100.9:4000")
		f, ok := s.Format(other, other, 101)
		require.True(t, ok)
		assert.Equal(t, "TELEPHONE-EVENT", f.Name)
		_, ok = s.Format(other, other, 97)
		assert.False(t, ok)
	})
}

// TestSignallingSeveralHops: a capture that sees one call at two hops
// (caller → proxy, proxy → callee; the proxy keeps Call-ID and tags), as
// ndpi_FAX-Call-t38-CA-TDM-SIP-FB-1.pcap does, with a re-INVITE from the
// callee. Addresses alone would take the proxy's answer to the caller for
// the caller's own SDP; the From tags tell the directions apart.
func TestSignallingSeveralHops(t *testing.T) {
	a := netip.MustParseAddrPort("192.0.2.1:5060")
	p := netip.MustParseAddrPort("192.0.2.9:5060")
	b := netip.MustParseAddrPort("198.51.100.2:5060")
	tagged := func(start, from, cseq, body string) []byte {
		return []byte(fmt.Sprintf("%s\r\nFrom: <sip:x@y>;tag=%s\r\nCall-ID: hop\r\nCSeq: %s\r\nContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s",
			start, from, cseq, len(body), body))
	}
	offer := sdpBody("192.0.2.1", 16756, "")
	answer := sdpBody("203.0.113.5", 15580, "")
	var s sip.Signalling
	s.Add(a, p, tagged("INVITE sip:b@y SIP/2.0", "caller", "1 INVITE", offer))
	s.Add(p, b, tagged("INVITE sip:b@y SIP/2.0", "caller", "1 INVITE", offer))
	s.Add(b, p, tagged("SIP/2.0 200 OK", "caller", "1 INVITE", answer))
	s.Add(p, a, tagged("SIP/2.0 200 OK", "caller", "1 INVITE", answer))
	s.Add(b, p, tagged("INVITE sip:a@y SIP/2.0", "callee", "7 INVITE", answer))
	s.Add(p, b, tagged("SIP/2.0 200 OK", "callee", "7 INVITE", offer))
	var sides []bool
	for _, md := range s.Media() {
		sides = append(sides, md.Caller)
	}
	assert.Equal(t, []bool{true, true, false, false, false, true}, sides)
	assert.Equal(t, []netip.AddrPort{netip.MustParseAddrPort("192.0.2.1:16756")}, slices.Compact(s.CallerMedia()))
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(msg("INVITE sip:b@x SIP/2.0", "c1", "1 INVITE", sdpBody("192.0.2.1", 4000, ""))))
	f.Add([]byte("SIP/2.0 200 OK\nl: 99999\n\n"))
	f.Add([]byte("X SIP/2.0\r\nContent-Length: -1\r\n\r\nSIP/2.0 100 Trying\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s sip.Signalling
		src, dst := netip.MustParseAddrPort("192.0.2.1:5060"), netip.MustParseAddrPort("192.0.2.2:5060")
		n := s.Add(src, dst, data)
		if n > len(data) {
			t.Fatalf("%d messages from %d bytes", n, len(data))
		}
		rest := data
		for len(rest) > 0 {
			_, next, err := sip.Parse(rest)
			if err != nil {
				break
			}
			if len(next) >= len(rest) {
				t.Fatal("Parse made no progress")
			}
			rest = next
		}
	})
}
