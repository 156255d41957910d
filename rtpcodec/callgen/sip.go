package callgen

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/f0fce437/callrec/pcapio"
)

// signalling adds the INVITE (from the local side, the caller) and the
// 200 OK, 100 ms and 90 ms before the call's start.
func (r *Result) signalling(c Call) {
	first := Epoch // every media packet comes later
	lsrc, _ := endpoints(true, c.Signalling)
	rsrc, _ := endpoints(false, c.Signalling)
	lsig, rsig := netip.AddrPortFrom(LocalAddr, 5060), netip.AddrPortFrom(RemoteAddr, 5060)
	invite := sipMessage("INVITE sip:remote@198.51.100.20 SIP/2.0", "INVITE", r.sdp(lsrc))
	ok := sipMessage("SIP/2.0 200 OK", "INVITE", r.sdp(rsrc))
	sig := []pcapio.Packet{
		{Time: first.Add(-100 * time.Millisecond), Proto: pcapio.UDP, Src: lsig, Dst: rsig, Payload: []byte(invite)},
		{Time: first.Add(-90 * time.Millisecond), Proto: pcapio.UDP, Src: rsig, Dst: lsig, Payload: []byte(ok)},
	}
	r.Packets = append(sig, r.Packets...)
}

func sipMessage(start, method, body string) string {
	return fmt.Sprintf("%s\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1\r\nFrom: <sip:local@192.0.2.10>;tag=1\r\n"+
		"To: <sip:remote@198.51.100.20>\r\nCall-ID: callgen-1@192.0.2.10\r\nCSeq: 1 %s\r\n"+
		"Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s", start, method, len(body), body)
}

// sdp describes the media one side receives: the payload types of every
// stream of the call, telephone-event and CN.
func (r *Result) sdp(media netip.AddrPort) string {
	var pts []string
	var attrs strings.Builder
	seen := map[uint8]bool{}
	for _, s := range r.streams {
		if seen[s.Codec.PayloadType] {
			continue
		}
		seen[s.Codec.PayloadType] = true
		pts = append(pts, fmt.Sprint(s.Codec.PayloadType))
		fmt.Fprintf(&attrs, "a=rtpmap:%d %s/%d\r\n", s.Codec.PayloadType, s.Codec.Name, s.Codec.ClockRate)
		if s.Codec.Fmtp != "" {
			fmt.Fprintf(&attrs, "a=fmtp:%d %s\r\n", s.Codec.PayloadType, s.Codec.Fmtp)
		}
	}
	pts = append(pts, fmt.Sprint(EventPayloadType), fmt.Sprint(CNPayloadType))
	fmt.Fprintf(&attrs, "a=rtpmap:%d telephone-event/8000\r\na=fmtp:%d 0-15\r\na=rtpmap:%d CN/8000\r\n", EventPayloadType, EventPayloadType, CNPayloadType)
	return fmt.Sprintf("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio %d RTP/AVP %s\r\n%s",
		media.Addr(), media.Addr(), media.Port(), strings.Join(pts, " "), attrs.String())
}
