package sip

import (
	"net/netip"
	"strings"

	"github.com/f0fce437/callrec/rtpcodec/sdp"
)

// maxCalls and maxMedia bound what a hostile capture can make a Signalling
// hold.
const (
	maxCalls = 1024
	maxMedia = 4096
)

// MediaDescription is an audio m= line of some party's SDP, with its side.
type MediaDescription struct {
	sdp.Media
	// Caller reports whether the caller (the sender of the call's first
	// INVITE) sent this description.
	Caller bool
	// CallID is the call it belongs to.
	CallID string
}

// Signalling accumulates the SIP messages of a capture. Its zero value is
// ready to use.
type Signalling struct {
	callers  map[string]caller // Call-ID → who sent its first INVITE
	order    []string          // Call-IDs in order of their first INVITE
	media    []MediaDescription
	messages int
	tcp      Reassembler
}

// caller identifies the sender of a call's first INVITE.
type caller struct {
	tag  string         // its From tag ("" when the INVITE had none)
	addr netip.AddrPort // its transport source
}

// Add parses every SIP message in one UDP datagram (or in a TCP segment
// payload taken on its own: AddTCP reassembles TCP streams) sent from src to
// dst. It returns the number of messages found (0 when the
// payload is not SIP).
func (s *Signalling) Add(src, dst netip.AddrPort, payload []byte) int {
	n := 0
	for len(payload) > 0 {
		m, rest, err := Parse(payload)
		if err != nil {
			break
		}
		n++
		s.add(src, dst, m)
		payload = rest
	}
	s.messages += n
	return n
}

// AddTCP adds the payload of a TCP segment sent from src to dst with
// sequence number seq, reassembling the SIP messages of the stream (see
// Reassembler). It returns the number of messages the segment completed.
func (s *Signalling) AddTCP(src, dst netip.AddrPort, seq uint32, payload []byte) int {
	n := 0
	s.tcp.Segment(src, dst, seq, payload, func(msg []byte) {
		m, _, err := Parse(msg)
		if err != nil {
			return
		}
		n++
		s.add(src, dst, m)
	})
	s.messages += n
	return n
}

// TCPStats returns what reassembling SIP over TCP dropped.
func (s *Signalling) TCPStats() ReassemblyStats { return s.tcp.Stats() }

func (s *Signalling) add(src, dst netip.AddrPort, m Message) {
	if m.CallID == "" {
		return
	}
	if s.callers == nil {
		s.callers = map[string]caller{}
	}
	c, known := s.callers[m.CallID]
	if !known && m.Method == "INVITE" && len(s.callers) < maxCalls {
		c, known = caller{tag: m.FromTag, addr: src}, true
		s.callers[m.CallID] = c
		s.order = append(s.order, m.CallID)
	}
	if m.ContentType != "application/sdp" && !(m.ContentType == "" && len(m.Body) > 0) {
		return
	}
	sess, err := sdp.Parse(m.Body)
	if err != nil {
		return
	}
	fromCaller := known && c.sent(src, dst, m)
	for _, md := range sess.Media {
		if md.Kind != "audio" || len(s.media) >= maxMedia {
			continue
		}
		s.media = append(s.media, MediaDescription{Media: md, Caller: fromCaller, CallID: m.CallID})
	}
}

// sent reports whether the caller sent m. The From tag says it wherever the
// capture was taken: requests carry their sender's tag in From, and
// responses copy From from the request they answer, so a request with the
// caller's tag, or a response without it, comes from the caller. This holds
// when the capture sees the call at several hops (a proxy, a mirror port)
// where addresses alone mislead. Without tags (RFC 2543 clients) it falls
// back to addresses: a request from the caller's address, or a response not
// sent to it.
func (c caller) sent(src, dst netip.AddrPort, m Message) bool {
	if c.tag != "" && m.FromTag != "" {
		return (m.FromTag == c.tag) == m.IsRequest()
	}
	if m.IsRequest() {
		return sameEnd(src, c.addr)
	}
	return !sameEnd(dst, c.addr)
}

// sameEnd compares signalling endpoints by address only: over TCP a party
// may send from an ephemeral port.
func sameEnd(a, b netip.AddrPort) bool { return a.Addr() == b.Addr() }

// Messages returns the number of SIP messages seen.
func (s *Signalling) Messages() int { return s.messages }

// HasCall reports whether an INVITE was seen.
func (s *Signalling) HasCall() bool { return len(s.order) > 0 }

// Media returns the audio media descriptions in the order they were seen.
// The slice is owned by s; do not modify it.
func (s *Signalling) Media() []MediaDescription { return s.media }

// CallerMedia returns the media addresses the caller of the first call
// announced (where it receives, and with symmetric RTP sends, audio).
func (s *Signalling) CallerMedia() []netip.AddrPort {
	if len(s.order) == 0 {
		return nil
	}
	var out []netip.AddrPort
	for _, md := range s.media {
		if md.Caller && md.CallID == s.order[0] && md.Addr.IsValid() {
			out = append(out, md.Addr)
		}
	}
	return out
}

// Caller returns the transport address that sent the first call's first
// INVITE, and false when there was no INVITE.
func (s *Signalling) Caller() (netip.AddrPort, bool) {
	if len(s.order) == 0 {
		return netip.AddrPort{}, false
	}
	return s.callers[s.order[0]].addr, true
}

// Secure reports whether an SDP announced media address a with a secure
// RTP profile (RTP/SAVP, RTP/SAVPF, UDP/TLS/RTP/SAVP...): its payloads are
// encrypted.
func (s *Signalling) Secure(a netip.AddrPort) bool {
	for _, md := range s.media {
		if md.Addr == a && strings.Contains(md.Proto, "SAVP") {
			return true
		}
	}
	return false
}

// Format says what payload type pt means for RTP sent from src to dst: the
// rtpmap of the SDP that announced dst (the receiver defines the payload
// types it receives), else of the SDP that announced src, else the latest
// rtpmap of pt in any SDP. The latest description of an address wins, as a
// re-INVITE replaces the media. It returns false when no SDP names pt.
func (s *Signalling) Format(src, dst netip.AddrPort, pt uint8) (sdp.Format, bool) {
	var anyF sdp.Format
	var srcF sdp.Format
	anyOK, srcOK := false, false
	for i := len(s.media) - 1; i >= 0; i-- {
		md := s.media[i]
		f, ok := md.Format(pt)
		if !ok {
			continue
		}
		if f.Name == "" && pt >= 96 {
			continue // a dynamic type without rtpmap says nothing
		}
		switch {
		case md.Addr == dst:
			return f, true
		case md.Addr == src && !srcOK:
			srcF, srcOK = f, true
		case !anyOK:
			anyF, anyOK = f, true
		}
	}
	if srcOK {
		return srcF, true
	}
	return anyF, anyOK
}
