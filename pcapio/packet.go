package pcapio

import (
	"net/netip"
	"time"
)

// Proto is the transport protocol of a Packet.
type Proto uint8

// Transport protocols the reader yields.
const (
	UDP Proto = 17
	TCP Proto = 6
)

func (p Proto) String() string {
	switch p {
	case UDP:
		return "udp"
	case TCP:
		return "tcp"
	}
	return "unknown"
}

// Packet is one UDP datagram (after IPv4 reassembly) or one TCP segment
// payload read from a capture.
//
// Payload aliases the Reader's buffer: it is valid only until the next call
// to Reader.Next. Copy it to keep it.
type Packet struct {
	// Time is the capture timestamp.
	Time time.Time
	// Proto is UDP or TCP.
	Proto Proto
	// Src and Dst are the transport endpoints.
	Src, Dst netip.AddrPort
	// Payload is the UDP or TCP payload (TCP segments are not reassembled).
	Payload []byte
	// Seq is a TCP segment's sequence number (0 for UDP), for callers that
	// reassemble a TCP stream (rtpcodec/sip does, for SIP over TCP).
	Seq uint32
}
