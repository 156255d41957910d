package rtpcodec

import "github.com/pion/rtp"

// Payload types with a meaning of their own in the pipeline (RFC 3551).
const (
	PayloadTypeCN = 13 // comfort noise, RFC 3389
)

// HeaderLooksValid reports whether b can be an RTP packet by its first
// bytes alone: version 2, room for the header and its CSRC list, and a
// payload type that is neither RTCP (RTCP packet types 200–204 read as
// payload types 72–76 with the marker bit) nor in the range 64–95 that
// RFC 5761 keeps free so that RTP and RTCP can share a port.
func HeaderLooksValid(b []byte) bool {
	if len(b) < 12 || b[0]>>6 != 2 {
		return false
	}
	if 12+4*int(b[0]&0x0F) > len(b) {
		return false
	}
	pt := b[1] & 0x7F
	return pt < 64 || pt > 95
}

// Parse unmarshals b into p, reusing p's storage: p.Payload (and the
// extension payloads) alias b, so p is valid only as long as b is. It
// allocates nothing once p's CSRC and extension slices have grown to the
// stream's needs. It fails when b is not a valid RTP packet, including when
// HeaderLooksValid says no.
func Parse(p *rtp.Packet, b []byte) error {
	if !HeaderLooksValid(b) {
		return errNotRTP
	}
	return p.Unmarshal(b)
}

type parseError string

func (e parseError) Error() string { return string(e) }

const errNotRTP = parseError("rtpcodec: not an RTP packet")
